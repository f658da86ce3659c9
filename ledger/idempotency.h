// Client keys, remembered for ever with the first outcome: an entry (seq and id) or a refusal
// (code and detail). Kept outside the log, since a refusal has no entry. Never updated.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

// What was decided the first time a key was seen, if it was seen.
// - same request hash: the first outcome (an Applied marked replayed, or the same refusal);
// - different request hash: idempotency_conflict.
// nullopt when the key is new.
Result<std::optional<Result<Applied>>> settle_idempotency_key(Database& db,
                                                              const IdempotencyKey& key,
                                                              const RequestHash& request);

// Records the outcome for a new key. Refusals coded storage_failed or unavailable are never
// recorded: they say nothing about the command, and a retry must get a real answer.
Result<Ok> remember_outcome(Database& db, const IdempotencyKey& key, const RequestHash& request,
                            const Result<Applied>& outcome);

}  // namespace pardner::ledger
