// The timer thread. Failures are printed and retried at the next tick: a stopped writer refuses
// at once, and the next start-up runs the same work again.
#include "api/scheduled_work.h"

#include <cstdio>

#include "ledger/limits.h"

namespace pardner::api {

ScheduledWork::ScheduledWork(ledger::Writer& writer, std::chrono::milliseconds interval)
    : writer_(writer), interval_(interval), thread_([this] { run(); }) {}

ScheduledWork::~ScheduledWork() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void ScheduledWork::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    charge_late_fees();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void ScheduledWork::charge_late_fees() {
  // One command charges at most late_fee_charges_per_command_max instalments (one entry each);
  // a full run means more may be due, so it goes again at once.
  while (true) {
    auto charged = writer_.charge_late_fees_today().get();
    if (!charged) {
      std::fprintf(stderr, "pardner: charging late fees failed: %s\n",
                   charged.error().detail.c_str());
      return;
    }
    if (charged.value().id > 0) {
      std::fprintf(stderr, "pardner: charged %lld late fees\n",
                   static_cast<long long>(charged.value().id));
    }
    if (charged.value().id < ledger::late_fee_charges_per_command_max) return;
    std::lock_guard lock(mutex_);
    if (stopping_) return;
  }
}

}  // namespace pardner::api
