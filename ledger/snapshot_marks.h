// What a request's reads need to know of the writer when the request begins
// (Writer::snapshot_marks): whether a read snapshot kept from an earlier request is still
// current, whether the access tokens a reader remembers from earlier requests still stand, and
// whether the accounts the writer publishes in memory show every commit SQLite shows.
#pragma once

#include <cstdint>

namespace pardner::ledger {

struct SnapshotMarks {
  // Writer::access_tokens_generation. Read before `epoch`: the writer moves it after the epoch
  // has gone odd, so marks that show a new generation never show the epoch before it.
  std::uint64_t access_tokens = 0;
  // Writer::snapshot_epoch.
  std::uint64_t epoch = 0;
  // PublishedAccounts::publication: even when the request may read accounts from memory.
  std::uint64_t accounts_publication = 1;
};

}  // namespace pardner::ledger
