// The timer thread. Failures are printed and retried at the next tick: a stopped writer refuses
// at once, and the next start-up runs the same work again.
#include "api/scheduled_work.h"

#include <cstdio>
#include <optional>

#include "ledger/limits.h"
#include "ledger/pool_round_store.h"
#include "ledger/thread_name.h"

namespace pardner::api {

ScheduledWork::ScheduledWork(ledger::Writer& writer, std::string db_path,
                             std::chrono::milliseconds interval)
    : writer_(writer),
      db_path_(std::move(db_path)),
      interval_(interval),
      thread_([this] { run(); }) {
  ledger::name_thread(thread_, "pardner-sched");
}

ScheduledWork::~ScheduledWork() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void ScheduledWork::run() {
  auto reader = ledger::Reader::open(db_path_);
  if (!reader) {
    std::fprintf(stderr, "pardner: scheduled work cannot read the ledger: %s\n",
                 reader.error().detail.c_str());
  }
  // Late fees fall due by the day, so one successful run a day is enough: the check of every
  // disbursed loan runs on the writer thread, and repeating it every tick would only cost it time.
  std::optional<ledger::Date> charged_on;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    ledger::Date today = ledger::date_of(writer_.clock().now());
    if (charged_on != today && charge_late_fees()) charged_on = today;
    if (reader) close_due_rounds(reader.value());
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

bool ScheduledWork::charge_late_fees() {
  // One command charges at most late_fee_charges_per_command_max instalments (one entry each);
  // a full run means more may be due, so it goes again at once.
  while (true) {
    auto charged = writer_.charge_late_fees_today().get();
    if (!charged) {
      std::fprintf(stderr, "pardner: charging late fees failed: %s\n",
                   charged.error().detail.c_str());
      return false;
    }
    if (charged.value().id > 0) {
      std::fprintf(stderr, "pardner: charged %lld late fees\n",
                   static_cast<long long>(charged.value().id));
    }
    if (charged.value().id < ledger::late_fee_charges_per_command_max) return true;
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
  }
}

void ScheduledWork::close_due_rounds(ledger::Reader& reader) {
  // At most round_closes_per_call_max a call; the rest wait for the next tick. A close the
  // ledger refuses (say the pool cannot cover a fixed amount) stays due and is tried again.
  auto due = ledger::rounds_due_to_close(reader.db(), writer_.clock().now(),
                                         ledger::round_closes_per_call_max);
  if (!due) {
    std::fprintf(stderr, "pardner: finding rounds to close failed: %s\n",
                 due.error().detail.c_str());
    return;
  }
  for (ledger::CloseRound& close : due.value()) {
    ledger::RoundId round = close.round;
    auto closed = writer_.submit(std::move(close)).get();
    if (!closed) {
      std::fprintf(stderr, "pardner: closing round %lld failed: %s\n",
                   static_cast<long long>(round), closed.error().detail.c_str());
    }
  }
}

}  // namespace pardner::api
