// MemoryNodeStore: complete Merkle nodes in vectors, one per level. Stores exactly what
// nodes_completed_by_append returns, as the ledger's table does; never recomputes a node.
#include "crypto/memory_node_store.h"

#include "crypto/invariant.h"

namespace pardner::crypto {

std::uint64_t MemoryNodeStore::append(const Hash& leaf_hash) {
  const std::uint64_t leaf_index = size();
  for (const Node& completed : nodes_completed_by_append(leaf_index, leaf_hash, *this)) {
    if (levels_.size() <= completed.level) levels_.resize(std::size_t{completed.level} + 1);
    std::vector<Hash>& level = levels_[completed.level];
    // Appending leaf i completes node (level, i >> level) and no other at that level.
    PARDNER_ASSERT(level.size() == completed.index);
    level.push_back(completed.hash);
  }
  return leaf_index;
}

std::uint64_t MemoryNodeStore::size() const { return levels_.empty() ? 0 : levels_[0].size(); }

Hash MemoryNodeStore::node(std::uint8_t level, std::uint64_t index) const {
  PARDNER_ASSERT(level < levels_.size());
  PARDNER_ASSERT(index < levels_[level].size());
  return levels_[level][index];
}

}  // namespace pardner::crypto
