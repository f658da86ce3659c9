// Rebuild: recomputes every table derived from the log by replaying the entries alone into a
// fresh database, and reports each difference from the stored tables. Never writes to the
// ledger it checks.
#pragma once

#include <string>
#include <vector>

#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

struct RebuildReport {
  std::int64_t entries = 0;
  std::vector<std::string> differences;  // empty when the stored state matches the replay
};

// Fails (rather than reporting) only when the ledger cannot be read or the log itself cannot be
// replayed: a gap in seq, a ts going back, an undecodable entry, or an entry the projection
// refuses. Those come back with the seq of the first bad entry in the detail.
Result<RebuildReport> rebuild(const std::string& db_path);

// The differences between the derived tables of `stored` and those of `replayed` (a Replay's
// database), as rebuild reports them. For callers that replayed the log already.
Result<std::vector<std::string>> derived_table_differences(Database& stored, Database& replayed);

}  // namespace pardner::ledger
