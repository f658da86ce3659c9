#include "crypto/merkle_frontier.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/memory_node_store.h"

namespace pardner::crypto {
namespace {

TEST(MerkleFrontier, TheEmptyTreeHasTheRfcEmptyRoot) {
  MerkleFrontier frontier;
  EXPECT_EQ(frontier.size(), 0u);
  EXPECT_EQ(frontier.root(), empty_root());
}

// Every size up to 300 crosses many powers of two and many unbalanced right edges.
TEST(MerkleFrontier, EveryPrefixRootEqualsTheStoredTreesRoot) {
  MerkleFrontier frontier;
  MemoryNodeStore store;
  for (int i = 0; i < 300; ++i) {
    const Hash leaf = leaf_hash("leaf " + std::to_string(i));
    frontier.append(leaf);
    store.append(leaf);
    ASSERT_EQ(frontier.size(), store.size());
    ASSERT_EQ(frontier.root(), root(store.size(), store).value()) << "size " << store.size();
  }
}

TEST(MerkleFrontier, ThreeLeavesFoldAsTheRfcSplitsThem) {
  MerkleFrontier frontier;
  for (const char* leaf : {"a", "b", "c"}) frontier.append(leaf_hash(leaf));
  EXPECT_EQ(frontier.root(), node_hash(node_hash(leaf_hash("a"), leaf_hash("b")), leaf_hash("c")));
}

}  // namespace
}  // namespace pardner::crypto
