// The work the server asks of the ledger on a timer rather than on a request: today, charging
// the late fees that have fallen due (ledger/loan_commands.h ChargeLateFees). Runs once at
// start and then every `interval` on a thread of its own, until destroyed. The rules and the
// idempotency are the ledger's: a run with nothing due writes nothing, and a run never charges
// an instalment twice, so running often is harmless.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ledger/writer.h"

namespace pardner::api {

class ScheduledWork {
 public:
  ScheduledWork(ledger::Writer& writer, std::chrono::milliseconds interval);
  ~ScheduledWork();  // stops the thread, waiting for a run under way to finish
  ScheduledWork(const ScheduledWork&) = delete;
  ScheduledWork& operator=(const ScheduledWork&) = delete;

 private:
  void run();
  void charge_late_fees();

  ledger::Writer& writer_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pardner::api
