// Client keys, remembered for ever with the first outcome: an entry (seq and id) or a refusal
// (code and detail). Kept outside the log, since a refusal has no entry. Never updated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/sha256.h"
#include "ledger/commands.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

using RequestHash = crypto::Hash;

RequestHash request_hash_of(const Command& command);

// A client key with the 64-bit hash the table is looked up by, computed once per command for
// both the lookup and the record.
struct IdempotencyKey {
  explicit IdempotencyKey(std::string_view key);
  std::string_view text;
  std::int64_t hash;
};

// Where the writer finds a key's row. Rows up to the newest run are found through the
// idempotency_keys table (schema 9); the rest, the newest rows, through a map in memory, loaded
// at start from the rows above the run and added to at every insert, until write_run adds them
// to the table as one run sorted by hash. The map may hold the ids of rows a rollback undid (a
// refused atomic group, a batch run again); a lookup reads every candidate row and compares its
// key, so such an id finds nothing, or a row that is checked like any other.
class IdempotencyIndex {
 public:
  static Result<IdempotencyIndex> load(Database& db);

  // Keys inserted since the newest run (a few may belong to rows since rolled back).
  std::size_t keys_since_run() const { return recent_.size(); }
  // One step of a run: adds the rows above the newest run, as they stood when the run began,
  // to idempotency_keys, sorted by hash, one range of hashes holding about `max_keys` of them
  // at a step, each in a transaction of its own (call it with no transaction open); the last
  // step records the run. Returns whether steps remain. On failure the step added nothing and
  // the map is kept. Until the last step, keys are both in the map and in the table, which a
  // lookup reads both of; a writer restarted halfway starts the run over, its first steps adding
  // again only what they had not.
  Result<bool> write_run_step(Database& db, std::size_t max_keys);
  bool run_under_way() const { return run_.has_value(); }

 private:
  friend Result<std::optional<Result<Applied>>> settle_idempotency_key(
      Database& db, const IdempotencyIndex& index, const IdempotencyKey& key,
      const RequestHash& request);
  friend Result<Ok> remember_outcome(Database& db, IdempotencyIndex& index,
                                     const IdempotencyKey& key, const RequestHash& request,
                                     const Result<Applied>& outcome);

  std::unordered_multimap<std::int64_t, std::int64_t> recent_;  // key hash -> idempotency id
  std::int64_t through_id_ = 0;  // the newest run's: rows above it are in recent_
  struct RunUnderWay {
    std::int64_t through = 0;  // the newest row when the run began: it adds those up to it
    std::uint64_t ranges = 1;  // ranges of hashes, one a step
    std::uint64_t next_range = 0;
  };
  std::optional<RunUnderWay> run_;
};

// What was decided the first time a key was seen, if it was seen.
// - same request hash: the first outcome (an Applied marked replayed, or the same refusal);
// - different request hash: idempotency_conflict.
// nullopt when the key is new.
Result<std::optional<Result<Applied>>> settle_idempotency_key(Database& db,
                                                              const IdempotencyIndex& index,
                                                              const IdempotencyKey& key,
                                                              const RequestHash& request);

// Records the outcome for a new key. Refusals coded storage_failed or unavailable are never
// recorded: they say nothing about the command, and a retry must get a real answer.
Result<Ok> remember_outcome(Database& db, IdempotencyIndex& index, const IdempotencyKey& key,
                            const RequestHash& request, const Result<Applied>& outcome);

}  // namespace pardner::ledger
