// The persisted RFC 6962 Merkle tree over the log's leaves: complete subtree nodes in the
// merkle_tree table, in-order, read through crypto's NodeSource. Roots and proofs for any size up
// to the stored one cost O(log n) reads. Never rewrites a node.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/merkle.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// The upper levels of the stored tree in memory, for a long-lived reader: a proof then reads
// only its levels below merkle_cached_level_min from SQLite, a handful of B-tree pages. Stored
// nodes never change, so a cached one is never stale. A level is loaded by one range scan of
// the partial index merkle_tree_upper_levels, from where the cache ends to every node stored so
// far, the first time a proof needs a node past the end; the cache stops growing at
// merkle_cached_nodes_max and reads the rest from SQLite.
class MerkleNodeCache {
 public:
  // The node if cached, else null.
  const crypto::Hash* find(std::uint8_t level, std::uint64_t index) const;
  // Appends the next node of `level` (at or above merkle_cached_level_min; its index is the
  // level's cached count); false when the cache is full.
  bool add(std::uint8_t level, const crypto::Hash& hash);
  // How many nodes of `level` are cached (a prefix of the level: indices 0 to this minus one).
  std::uint64_t cached(std::uint8_t level) const;
  std::size_t size() const { return size_; }

 private:
  std::vector<std::vector<crypto::Hash>> levels_;  // levels_[level - merkle_cached_level_min]
  std::size_t size_ = 0;
};

// Reads complete nodes from a connection. NodeSource cannot fail, so a failed or missing read
// returns a zero hash and sets failed(); callers check it before trusting the answer.
class SqliteNodeSource final : public crypto::NodeSource {
 public:
  // With a cache, nodes at its levels come from it, loaded on a miss.
  explicit SqliteNodeSource(Database& db, MerkleNodeCache* cache = nullptr)
      : db_(db), cache_(cache) {}
  crypto::Hash node(std::uint8_t level, std::uint64_t index) const override;
  bool failed() const { return failed_; }

 private:
  crypto::Hash read(std::uint8_t level, std::uint64_t index) const;
  void load(std::uint8_t level) const;

  Database& db_;
  MerkleNodeCache* cache_;
  mutable bool failed_ = false;
};

// Adds leaf `leaf_index` (whose bytes are `leaf`) and every node it completes. Leaves must be
// appended in order, starting at 0.
Result<Ok> append_merkle_leaf(Database& db, std::uint64_t leaf_index, std::string_view leaf);

Result<crypto::Hash> merkle_root(Database& db, std::uint64_t tree_size);
Result<std::vector<crypto::Hash>> merkle_inclusion_proof(Database& db, std::uint64_t leaf_index,
                                                         std::uint64_t tree_size,
                                                         MerkleNodeCache* cache = nullptr);
Result<std::vector<crypto::Hash>> merkle_consistency_proof(Database& db, std::uint64_t old_size,
                                                           std::uint64_t new_size,
                                                           MerkleNodeCache* cache = nullptr);
// How many leaves the stored tree holds (the number of level-0 nodes).
Result<std::uint64_t> merkle_size(Database& db);

}  // namespace pardner::ledger
