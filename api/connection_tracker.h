// Counts and reaches the server's live connections: admits a new one while there is room (or
// lets it be refused with a 503, within a second, smaller budget), keeps any one source address
// from holding more than a few connections in their TLS handshake, makes room for a newcomer at
// the cap by closing a connection still in its handshake, asks all of them to stop or
// to close at shutdown, and lets the main thread wait until none is left. Plain C++, no sockets.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pardner::api {

// What the tracker may ask of a live connection. Both are thread-safe and return at once.
class Connection {
 public:
  virtual ~Connection() = default;
  // Finish the requests already read, then close cleanly; read no new ones.
  virtual void stop() = 0;
  // Close now.
  virtual void abort() = 0;
};

class ConnectionTracker {
 public:
  enum class Admission { serve, refuse, drop };

  // Holds one place, served or refused, until destroyed. Move-only.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();

    // Which admission this is, for track(); 0 for an empty ticket.
    std::uint64_t id() const { return id_; }
    // The connection finished its TLS handshake: it no longer counts against its source's
    // handshake budget and can no longer be closed to make room.
    void handshake_done();

   private:
    friend class ConnectionTracker;
    Ticket(ConnectionTracker* tracker, Admission kind, std::uint64_t id)
        : tracker_(tracker), kind_(kind), id_(id) {}
    ConnectionTracker* tracker_ = nullptr;
    Admission kind_ = Admission::drop;
    std::uint64_t id_ = 0;
  };

  struct Limits {
    std::size_t serve_max = 1;
    std::size_t refuse_max = 0;
    // Connections one source may have in their TLS handshake at once, served or refused.
    std::size_t handshakes_per_source_max = 1;
    // Connections closed to make room that have not yet gone (their places already passed on).
    std::size_t evictions_pending_max = 0;
  };

  explicit ConnectionTracker(Limits limits);
  ConnectionTracker(const ConnectionTracker&) = delete;
  ConnectionTracker& operator=(const ConnectionTracker&) = delete;
  // Asserts no ticket is outstanding.
  ~ConnectionTracker();

  // `source` names where the connection comes from (an IPv4 address, an IPv6 client's /64); it
  // is only compared. In order: drop once stop_all() has run, or when `source` already has
  // handshakes_per_source_max connections in their handshake; serve while fewer than serve_max
  // are served; serve in the place of a served connection still in its handshake, which is
  // asked to abort (while fewer than evictions_pending_max such are still going): the oldest
  // of those from the source with the most connections in their handshakes, provided `source`
  // has none in its handshake or at least two fewer than that source; refuse while
  // fewer than refuse_max are refused; else drop (close unanswered). The ticket is empty for
  // drop. A well-behaved client finishes its handshake in milliseconds, so at the cap the
  // connections that stall before TLS are the ones that make room, and a newcomer (one
  // handshake from its address) is not the one closed while a busier address has any.
  Ticket admit(std::string_view source, Admission& admission);

  // Remembers `connection` for stop_all/abort_all, and, when `ticket_id` names an admission
  // still in its handshake, as the one to abort if its place is given to a newcomer. Expired
  // connections are forgotten as they go.
  void track(std::weak_ptr<Connection> connection, std::uint64_t ticket_id = 0);

  // From now on admit() drops; each live connection is asked to stop.
  void stop_all();
  // Each live connection is asked to close now.
  void abort_all();

  // Blocks until no ticket is outstanding or `deadline` passes; true when none is.
  bool wait_idle_until(std::chrono::steady_clock::time_point deadline);

  std::size_t served() const;
  std::size_t refused() const;
  // Connections admitted and not yet through their TLS handshake (evicted ones not counted).
  std::size_t handshaking() const;
  // Connections closed so far to make room for a newcomer.
  std::uint64_t evicted_total() const;

 private:
  // A connection admitted and not yet through its TLS handshake.
  struct Handshake {
    std::string source;
    Admission kind = Admission::serve;
    std::weak_ptr<Connection> connection;
  };

  void release(Admission kind, std::uint64_t id);
  void end_handshake(std::uint64_t id);  // under mutex_
  // Under mutex_: the served connection in its handshake to close for a newcomer whose source
  // has `newcomer_handshakes` in their handshakes, `victim` set to it; nullopt when there is
  // none, or when its source has fewer than two more than the newcomer's (and that is not 0).
  std::optional<std::uint64_t> choose_victim(std::size_t newcomer_handshakes,
                                             std::shared_ptr<Connection>& victim) const;
  std::list<std::shared_ptr<Connection>> live();
  bool idle() const { return served_ == 0 && refused_ == 0 && evicted_.empty(); }

  const Limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t served_ = 0;
  std::size_t refused_ = 0;
  bool stopping_ = false;
  std::uint64_t next_id_ = 1;
  std::uint64_t evicted_total_ = 0;
  // By admission order, so the first is the oldest.
  std::map<std::uint64_t, Handshake> handshakes_;
  std::unordered_map<std::string, std::size_t> handshakes_by_source_;
  // Admissions whose place went to a newcomer; their tickets release nothing else.
  std::set<std::uint64_t> evicted_;
  std::list<std::weak_ptr<Connection>> connections_;
};

}  // namespace pardner::api
