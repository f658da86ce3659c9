// The work the server asks of the ledger on a timer rather than on a request: charging the late
// fees that have fallen due (ledger/loan_commands.h ChargeLateFees) and closing the funding
// rounds whose voting window has ended (ledger/pool_round_commands.h CloseRound). Runs once at
// start and then every `interval` on a thread of its own, until destroyed; late fees once a day
// (the first tick of each day, by the writer's clock). The rules and the
// idempotency are the ledger's: a run with nothing due writes nothing, an instalment is never
// charged twice and a round never closed twice, so running often is harmless.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/reader.h"
#include "ledger/writer.h"

namespace pardner::api {

class ScheduledWork {
 public:
  // `db_path` is the ledger's database, read (through a Reader of this thread's own) to find the
  // rounds due to close.
  ScheduledWork(ledger::Writer& writer, std::string db_path, std::chrono::milliseconds interval);
  ~ScheduledWork();  // stops the thread, waiting for a run under way to finish
  ScheduledWork(const ScheduledWork&) = delete;
  ScheduledWork& operator=(const ScheduledWork&) = delete;

 private:
  void run();
  // True when every fee due today was charged.
  bool charge_late_fees();
  void close_due_rounds(ledger::Reader& reader);

  ledger::Writer& writer_;
  const std::string db_path_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pardner::api
