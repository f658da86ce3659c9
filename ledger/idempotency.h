// Client keys, remembered for ever with the first outcome: an entry (seq and id) or a refusal
// (code and detail). Kept outside the log, since a refusal has no entry. Never updated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "ledger/commands.h"
#include "ledger/error.h"
#include "ledger/key_hash_index.h"
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

// Where the writer finds a key's row: every row's key hash and id, in memory, loaded at start
// from the rows and added to at every insert. No table on disk is kept in hash order, so a key
// costs one append to `idempotency` and nothing else, whatever keys clients send (schema 14 and
// docs/ledger.md, "Idempotency"). The index may hold the ids of rows a rollback undid (a
// refused atomic group, a batch run again); a lookup reads every candidate row and compares its
// key, so such an id finds nothing, or a later row that is checked like any other.
class IdempotencyIndex {
 public:
  static Result<IdempotencyIndex> load(Database& db);

  std::size_t keys() const { return hashes_.size(); }  // a few may be of rolled-back rows
  std::size_t bytes() const { return hashes_.bytes(); }

 private:
  friend Result<std::optional<Result<Applied>>> settle_idempotency_key(
      Database& db, const IdempotencyIndex& index, const IdempotencyKey& key,
      const RequestHash& request);
  friend Result<Ok> remember_outcome(Database& db, IdempotencyIndex& index,
                                     const IdempotencyKey& key, const RequestHash& request,
                                     const Result<Applied>& outcome);

  KeyHashIndex hashes_;
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
