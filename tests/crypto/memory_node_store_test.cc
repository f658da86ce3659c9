#include "crypto/memory_node_store.h"

#include <gtest/gtest.h>

#include <string>

namespace pardner::crypto {
namespace {

TEST(MemoryNodeStore, StoresEveryCompleteNodeAndOnlyThose) {
  MemoryNodeStore store;
  EXPECT_EQ(store.size(), 0u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(store.append(leaf_hash(std::to_string(i))), static_cast<std::uint64_t>(i));
  }
  EXPECT_EQ(store.size(), 6u);
  EXPECT_EQ(store.node(0, 5), leaf_hash("5"));
  EXPECT_EQ(store.node(1, 2), node_hash(leaf_hash("4"), leaf_hash("5")));
  EXPECT_EQ(store.node(2, 0), node_hash(store.node(1, 0), store.node(1, 1)));
}

TEST(MemoryNodeStoreDeathTest, AskingForANodeNotYetCompleteIsABrokenInvariant) {
  MemoryNodeStore store;
  for (int i = 0; i < 3; ++i) store.append(leaf_hash(std::to_string(i)));
  EXPECT_DEATH((void)store.node(1, 1), "invariant broken");
  EXPECT_DEATH((void)store.node(2, 0), "invariant broken");
}

}  // namespace
}  // namespace pardner::crypto
