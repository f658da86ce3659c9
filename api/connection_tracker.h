// Counts and reaches the server's live connections: admits a new one while there is room (or
// lets it be refused with a 503, within a second, smaller budget), asks all of them to stop or
// to close at shutdown, and lets the main thread wait until none is left. Plain C++, no sockets.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

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

   private:
    friend class ConnectionTracker;
    Ticket(ConnectionTracker* tracker, Admission kind) : tracker_(tracker), kind_(kind) {}
    ConnectionTracker* tracker_ = nullptr;
    Admission kind_ = Admission::drop;
  };

  // At most `serve_max` served and `refuse_max` refused connections at once.
  ConnectionTracker(std::size_t serve_max, std::size_t refuse_max);
  ConnectionTracker(const ConnectionTracker&) = delete;
  ConnectionTracker& operator=(const ConnectionTracker&) = delete;
  // Asserts no ticket is outstanding.
  ~ConnectionTracker();

  // serve while fewer than serve_max are served; else refuse while fewer than refuse_max are
  // refused; else drop (close unanswered). drop always once stop_all() has run. The ticket is
  // empty for drop.
  Ticket admit(Admission& admission);

  // Remembers `connection` for stop_all/abort_all; expired ones are forgotten as they go.
  void track(std::weak_ptr<Connection> connection);

  // From now on admit() drops; each live connection is asked to stop.
  void stop_all();
  // Each live connection is asked to close now.
  void abort_all();

  // Blocks until no ticket is outstanding or `deadline` passes; true when none is.
  bool wait_idle_until(std::chrono::steady_clock::time_point deadline);

  std::size_t served() const;
  std::size_t refused() const;

 private:
  void release(Admission kind);
  std::list<std::shared_ptr<Connection>> live();

  const std::size_t serve_max_;
  const std::size_t refuse_max_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t served_ = 0;
  std::size_t refused_ = 0;
  bool stopping_ = false;
  std::list<std::weak_ptr<Connection>> connections_;
};

}  // namespace pardner::api
