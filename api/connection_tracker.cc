// Connection accounting under one mutex. Connections are asked to stop outside the lock: their
// stop() posts to their own strand and must never call back into the tracker while we hold it.
#include "api/connection_tracker.h"

#include <utility>

#include "crypto/invariant.h"

namespace pardner::api {

ConnectionTracker::Ticket::Ticket(Ticket&& other) noexcept
    : tracker_(std::exchange(other.tracker_, nullptr)), kind_(other.kind_) {}

ConnectionTracker::Ticket& ConnectionTracker::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (tracker_ != nullptr) tracker_->release(kind_);
    tracker_ = std::exchange(other.tracker_, nullptr);
    kind_ = other.kind_;
  }
  return *this;
}

ConnectionTracker::Ticket::~Ticket() {
  if (tracker_ != nullptr) tracker_->release(kind_);
}

ConnectionTracker::ConnectionTracker(std::size_t serve_max, std::size_t refuse_max)
    : serve_max_(serve_max), refuse_max_(refuse_max) {
  PARDNER_ASSERT(serve_max >= 1);
}

ConnectionTracker::~ConnectionTracker() {
  std::lock_guard lock(mutex_);
  PARDNER_ASSERT(served_ == 0);
  PARDNER_ASSERT(refused_ == 0);
}

ConnectionTracker::Ticket ConnectionTracker::admit(Admission& admission) {
  std::lock_guard lock(mutex_);
  if (!stopping_ && served_ < serve_max_) {
    ++served_;
    admission = Admission::serve;
    return Ticket(this, admission);
  }
  if (!stopping_ && refused_ < refuse_max_) {
    ++refused_;
    admission = Admission::refuse;
    return Ticket(this, admission);
  }
  admission = Admission::drop;
  return Ticket();
}

void ConnectionTracker::release(Admission kind) {
  std::lock_guard lock(mutex_);
  if (kind == Admission::serve) {
    PARDNER_ASSERT(served_ > 0);
    --served_;
  } else {
    PARDNER_ASSERT(kind == Admission::refuse);
    PARDNER_ASSERT(refused_ > 0);
    --refused_;
  }
  if (served_ == 0 && refused_ == 0) idle_.notify_all();
}

void ConnectionTracker::track(std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  connections_.remove_if([](const std::weak_ptr<Connection>& c) { return c.expired(); });
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
  return idle_.wait_until(lock, deadline, [this] { return served_ == 0 && refused_ == 0; });
}

std::size_t ConnectionTracker::served() const {
  std::lock_guard lock(mutex_);
  return served_;
}

std::size_t ConnectionTracker::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace pardner::api
