// The persisted RFC 6962 Merkle tree over the log's leaves: complete subtree nodes in the
// merkle_nodes table, read through crypto's NodeSource. Roots and proofs for any size up to the
// stored one cost O(log n) reads. Never rewrites a node.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/merkle.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// Reads complete nodes from a connection. NodeSource cannot fail, so a failed or missing read
// returns a zero hash and sets failed(); callers check it before trusting the answer.
class SqliteNodeSource final : public crypto::NodeSource {
 public:
  explicit SqliteNodeSource(Database& db) : db_(db) {}
  crypto::Hash node(std::uint8_t level, std::uint64_t index) const override;
  bool failed() const { return failed_; }

 private:
  Database& db_;
  mutable bool failed_ = false;
};

// Adds leaf `leaf_index` (whose bytes are `leaf`) and every node it completes. Leaves must be
// appended in order, starting at 0.
Result<Ok> append_merkle_leaf(Database& db, std::uint64_t leaf_index, std::string_view leaf);

Result<crypto::Hash> merkle_root(Database& db, std::uint64_t tree_size);
Result<std::vector<crypto::Hash>> merkle_inclusion_proof(Database& db, std::uint64_t leaf_index,
                                                         std::uint64_t tree_size);
Result<std::vector<crypto::Hash>> merkle_consistency_proof(Database& db, std::uint64_t old_size,
                                                           std::uint64_t new_size);
// How many leaves the stored tree holds (the number of level-0 nodes).
Result<std::uint64_t> merkle_size(Database& db);

}  // namespace pardner::ledger
