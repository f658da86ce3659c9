// One read transaction around several ledger/ reads (the report functions leave it to the
// caller), so a resource and the figures beside it come from one snapshot of the log.
#pragma once

#include "api/problem.h"
#include "ledger/sqlite.h"

namespace pardner::api::handlers {

class ReadSnapshot {
 public:
  explicit ReadSnapshot(ledger::Database& db) : db_(db), ok_(db.exec("BEGIN").has_value()) {}
  ~ReadSnapshot() {
    if (ok_) (void)db_.exec("COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  bool ok() const { return ok_; }

 private:
  ledger::Database& db_;
  bool ok_;
};

inline Problem no_snapshot() {
  return problem_from(ledger::Error{ledger::Errc::storage_failed, "cannot begin a read"});
}

}  // namespace pardner::api::handlers
