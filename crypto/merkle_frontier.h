// The right edge of an RFC 6962 Merkle tree grown one leaf at a time: only the complete subtrees
// that the leaves so far decompose into (one per set bit of the size), so the root of any prefix
// is known as it streams past in O(log n) memory. For verifiers that read a log once, in order;
// it cannot answer proofs (MemoryNodeStore and the ledger's table can).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/merkle.h"

namespace pardner::crypto {

class MerkleFrontier {
 public:
  // Appends a leaf hash; merges every pair of equal complete subtrees it completes.
  void append(const Hash& leaf_hash);
  // The number of leaves appended so far.
  std::uint64_t size() const { return size_; }
  // MTH of the leaves appended so far: the same value as root(size(), any store of them).
  Hash root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Node> parts_;  // complete subtrees, largest (leftmost) first; at most 63
};

}  // namespace pardner::crypto
