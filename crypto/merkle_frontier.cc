// MerkleFrontier: the binary decomposition of the tree size as complete nodes. Appending is a
// binary increment (equal neighbours merge, as nodes_completed_by_append completes parents), and
// the root folds the parts right to left as subtree_hash does.
#include "crypto/merkle_frontier.h"

#include "crypto/invariant.h"
#include "crypto/limits.h"

namespace pardner::crypto {

void MerkleFrontier::append(const Hash& leaf_hash) {
  PARDNER_ASSERT(size_ < tree_size_max);
  Node current{0, size_, leaf_hash};
  // The rightmost part is a left sibling exactly when it has the new node's level.
  while (!parts_.empty() && parts_.back().level == current.level) {
    current = Node{static_cast<std::uint8_t>(current.level + 1), current.index / 2,
                   node_hash(parts_.back().hash, current.hash)};
    parts_.pop_back();
  }
  parts_.push_back(current);
  ++size_;
}

Hash MerkleFrontier::root() const {
  if (parts_.empty()) return empty_root();
  // RFC 6962 §2.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest part.
  Hash folded = parts_.back().hash;
  for (std::size_t i = parts_.size() - 1; i-- > 0;) folded = node_hash(parts_[i].hash, folded);
  return folded;
}

}  // namespace pardner::crypto
