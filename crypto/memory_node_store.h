// An in-memory NodeSource: every complete node of a Merkle tree, grown one leaf at a time. For
// tests and offline verification tools that rebuild a tree from an export; memory is O(n) nodes
// (about 2n hashes). Never used by the server, whose nodes live in SQLite.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/merkle.h"

namespace pardner::crypto {

class MemoryNodeStore final : public NodeSource {
 public:
  // Appends a leaf hash and stores every node it completes; returns the leaf's index.
  std::uint64_t append(const Hash& leaf_hash);
  // The number of leaves appended so far.
  std::uint64_t size() const;
  // A node some append has completed; asking for any other is a broken invariant.
  Hash node(std::uint8_t level, std::uint64_t index) const override;

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[level][index]
};

}  // namespace pardner::crypto
