// Connection accounting under one mutex. Connections are asked to stop outside the lock: their
// stop() and abort() post to their own I/O thread and must never call back into the tracker while
// we hold it.
#include "api/connection_tracker.h"

#include <utility>

#include "crypto/invariant.h"

namespace pardner::api {

ConnectionTracker::Ticket::Ticket(Ticket&& other) noexcept
    : tracker_(std::exchange(other.tracker_, nullptr)),
      kind_(other.kind_),
      id_(std::exchange(other.id_, 0)) {}

ConnectionTracker::Ticket& ConnectionTracker::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (tracker_ != nullptr) tracker_->release(kind_, id_);
    tracker_ = std::exchange(other.tracker_, nullptr);
    kind_ = other.kind_;
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

ConnectionTracker::Ticket::~Ticket() {
  if (tracker_ != nullptr) tracker_->release(kind_, id_);
}

void ConnectionTracker::Ticket::handshake_done() {
  if (tracker_ == nullptr) return;
  std::lock_guard lock(tracker_->mutex_);
  tracker_->end_handshake(id_);
}

ConnectionTracker::ConnectionTracker(Limits limits) : limits_(limits) {
  PARDNER_ASSERT(limits.serve_max >= 1);
  PARDNER_ASSERT(limits.handshakes_per_source_max >= 1);
}

ConnectionTracker::~ConnectionTracker() {
  std::lock_guard lock(mutex_);
  PARDNER_ASSERT(served_ == 0);
  PARDNER_ASSERT(refused_ == 0);
  PARDNER_ASSERT(evicted_.empty());
  PARDNER_ASSERT(handshakes_.empty());
}

ConnectionTracker::Ticket ConnectionTracker::admit(std::string_view source, Admission& admission) {
  std::shared_ptr<Connection> victim;
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    admission = Admission::drop;
    auto by_source = handshakes_by_source_.find(std::string(source));
    std::size_t source_handshakes =
        by_source == handshakes_by_source_.end() ? 0 : by_source->second;
    if (stopping_ || source_handshakes >= limits_.handshakes_per_source_max) return ticket;
    if (served_ < limits_.serve_max) {
      ++served_;
      admission = Admission::serve;
    } else if (evicted_.size() < limits_.evictions_pending_max) {
      // A served connection still in its handshake gives its place to the newcomer: served_
      // stays, and the victim's ticket, once it goes, releases nothing but itself.
      if (auto victim_id = choose_victim(source_handshakes, victim)) {
        end_handshake(*victim_id);
        evicted_.insert(*victim_id);
        ++evicted_total_;
        admission = Admission::serve;
      }
    }
    if (admission == Admission::drop && refused_ < limits_.refuse_max) {
      ++refused_;
      admission = Admission::refuse;
    }
    if (admission == Admission::drop) return ticket;
    std::uint64_t id = next_id_++;
    handshakes_.emplace(id, Handshake{std::string(source), admission, {}});
    ++handshakes_by_source_[std::string(source)];
    ticket = Ticket(this, admission, id);
  }
  if (victim) victim->abort();
  return ticket;
}

std::optional<std::uint64_t> ConnectionTracker::choose_victim(
    std::size_t newcomer_handshakes, std::shared_ptr<Connection>& victim) const {
  std::optional<std::uint64_t> chosen;
  std::shared_ptr<Connection> chosen_connection;
  std::size_t chosen_source_count = 0;
  // handshakes_ is in admission order: on a tie the older stays chosen.
  for (const auto& [id, handshake] : handshakes_) {
    if (handshake.kind != Admission::serve) continue;
    std::size_t source_count = handshakes_by_source_.at(handshake.source);
    if (chosen && source_count <= chosen_source_count) continue;
    auto connection = handshake.connection.lock();
    if (!connection) continue;  // not tracked yet, or already going: its ticket releases it
    chosen = id;
    chosen_source_count = source_count;
    chosen_connection = std::move(connection);
  }
  // A source with handshakes of its own takes a place only from a source with at least two
  // more, so that each eviction evens the sources out. Evicting between near-equals would let
  // a hog's reconnections displace each other without end, each eviction freeing an address
  // to reconnect and evict again, and those still closing would fill evictions_pending_max and
  // keep real newcomers out (docs/reliability.md, "Making room").
  bool evens_out = newcomer_handshakes == 0 || newcomer_handshakes + 1 < chosen_source_count;
  if (!chosen || !evens_out) return std::nullopt;
  victim = std::move(chosen_connection);
  return chosen;
}

void ConnectionTracker::end_handshake(std::uint64_t id) {
  auto found = handshakes_.find(id);
  if (found == handshakes_.end()) return;
  auto by_source = handshakes_by_source_.find(found->second.source);
  PARDNER_ASSERT(by_source != handshakes_by_source_.end());
  PARDNER_ASSERT(by_source->second > 0);
  if (--by_source->second == 0) handshakes_by_source_.erase(by_source);
  handshakes_.erase(found);
}

void ConnectionTracker::release(Admission kind, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  end_handshake(id);
  if (evicted_.erase(id) == 0) {
    if (kind == Admission::serve) {
      PARDNER_ASSERT(served_ > 0);
      --served_;
    } else {
      PARDNER_ASSERT(kind == Admission::refuse);
      PARDNER_ASSERT(refused_ > 0);
      --refused_;
    }
  }
  if (idle()) idle_.notify_all();
}

void ConnectionTracker::track(std::weak_ptr<Connection> connection, std::uint64_t ticket_id) {
  std::lock_guard lock(mutex_);
  connections_.remove_if([](const std::weak_ptr<Connection>& c) { return c.expired(); });
  if (auto found = handshakes_.find(ticket_id); found != handshakes_.end()) {
    found->second.connection = connection;
  }
  connections_.push_back(std::move(connection));
}

std::list<std::shared_ptr<Connection>> ConnectionTracker::live() {
  std::list<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mutex_);
  for (const auto& weak : connections_) {
    if (auto connection = weak.lock()) out.push_back(std::move(connection));
  }
  return out;
}

void ConnectionTracker::stop_all() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (const auto& connection : live()) connection->stop();
}

void ConnectionTracker::abort_all() {
  for (const auto& connection : live()) connection->abort();
}

bool ConnectionTracker::wait_idle_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return idle(); });
}

std::size_t ConnectionTracker::served() const {
  std::lock_guard lock(mutex_);
  return served_;
}

std::size_t ConnectionTracker::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::size_t ConnectionTracker::handshaking() const {
  std::lock_guard lock(mutex_);
  return handshakes_.size();
}

std::uint64_t ConnectionTracker::evicted_total() const {
  std::lock_guard lock(mutex_);
  return evicted_total_;
}

}  // namespace pardner::api
