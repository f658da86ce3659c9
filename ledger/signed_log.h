// The signed log on the writer's connection: each entry's Ed25519 signature and Merkle leaf,
// and one signed checkpoint per committed batch. The key's name is the log's origin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/key_file.h"
#include "crypto/sha256.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct StoredCheckpoint {
  std::uint64_t tree_size = 0;
  crypto::Hash root_hash{};
  std::string note;  // the signed note, verbatim
};

// Signs `leaf` and stores the signature, and appends the leaf to the Merkle tree. Entries must
// come in seq order; the caller has just stored the entry itself.
Result<Ok> sign_and_hash_entry(Database& db, const crypto::NamedSigningKey& key, Seq seq,
                               std::string_view leaf);

// The writer's split of the same work: the leaf goes into the Merkle tree as the entry is stored
// (the tree hashes the leaf alone, never its signature), and the signatures, made off the writer
// thread, are stored together before the batch's checkpoint and commit. Same rows as
// sign_and_hash_entry.
Result<Ok> hash_entry(Database& db, Seq seq, std::string_view leaf);
Result<Ok> store_entry_signature(Database& db, Seq seq, const crypto::Signature& signature);

// Computes the root for `tree_size`, signs a checkpoint for it and stores it, unless one for
// that size exists already.
Result<Ok> issue_checkpoint(Database& db, const crypto::NamedSigningKey& key,
                            std::uint64_t tree_size);

// Signs and hashes any entries that have neither yet (a ledger made before schema 2) and makes
// sure a checkpoint exists for `tree_size`. Runs in the caller's transaction.
Result<Ok> catch_up_signed_log(Database& db, const crypto::NamedSigningKey& key,
                               std::uint64_t tree_size);

// The checkpoint for the largest size, or for exactly `tree_size`. not_found when absent.
Result<StoredCheckpoint> latest_checkpoint(Database& db);
Result<StoredCheckpoint> checkpoint_at(Database& db, std::uint64_t tree_size);

// The stored signature of entry `seq`.
Result<crypto::Signature> entry_signature(Database& db, Seq seq);

}  // namespace pardner::ledger
