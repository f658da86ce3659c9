#include "crypto/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "crypto/base64.h"
#include "crypto/limits.h"
#include "crypto/memory_node_store.h"

namespace pardner::crypto {
namespace {

// A store holding leaves "0", "1", ..., "size-1".
MemoryNodeStore store_of_size(std::size_t size) {
  MemoryNodeStore store;
  for (std::size_t i = 0; i < size; ++i) store.append(leaf_hash(std::to_string(i)));
  return store;
}

Hash root_of(const MemoryNodeStore& store) { return root(store.size(), store).value(); }

// Expected roots computed independently with Python's hashlib, straight from RFC 6962 §2.1:
//   def mth(d): n = len(d); k = largest power of two < n
//     return sha256(b'') if n == 0 else sha256(b'\0' + d[0]) if n == 1
//       else sha256(b'\1' + mth(d[:k]) + mth(d[k:]))
//   mth([str(i).encode() for i in range(n)]).hex()
TEST(Merkle, RootsMatchValuesComputedIndependently) {
  const std::pair<std::size_t, std::string_view> expected[] = {
      {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {1, "db3426e878068d28d269b6c87172322ce5372b65756d0789001d34835f601c03"},
      {2, "cb00989d94a569c0a678ae042b63dcd4625db96440517f37a6eb7976ea24ed4b"},
      {3, "725d5230db68f557470dc35f1d8865813acd7ebb07ad152774141decbae71327"},
      {4, "9f4a3fc20d4162dc37d4e23d907848731a76043ffff6d69288bf1abfbcff478e"},
      {5, "b6748f6ed7a99de7da84fd97e1a3bac6fab8999f4a43695cab9528a2de431147"},
      {7, "a3e23b32ccb6bf96d092d165d8aa546e09829de8f03b0e8957581d1e16b92bdf"},
      {8, "3b85a9626c1ccb64c6b95ec7fa64888defe2cf12e39e77e10812ce5fcb9cb58e"},
      {300, "84e13ec1e037155ae619757599b2cd21ada5a565e0fd9b3139c0c3c6c1b8ada9"},
  };
  for (const auto& [size, hex] : expected) {
    EXPECT_EQ(hex_encode(root_of(store_of_size(size))), hex) << "size " << size;
  }
}

TEST(Merkle, EmptyTreeRootIsTheHashOfNothingNotZeros) {
  const MemoryNodeStore empty;
  EXPECT_EQ(hex_encode(root(0, empty).value()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(root(0, empty).value(), empty_root());
  EXPECT_NE(empty_root(), Hash{});
}

TEST(Merkle, LeafAndNodeHashesUseTheirDomainPrefixes) {
  const Hash left = leaf_hash("0");
  const Hash right = leaf_hash("1");
  EXPECT_EQ(left, sha256(std::string("\0"
                                     "0",
                                     2)));
  std::string node_input = "\x01";
  node_input.append(left.begin(), left.end());
  node_input.append(right.begin(), right.end());
  EXPECT_EQ(node_hash(left, right), sha256(node_input));
  EXPECT_NE(leaf_hash("0"), sha256("0"));
}

TEST(Merkle, AppendReturnsTheLeafAndEachNodeItCompletes) {
  MemoryNodeStore store = store_of_size(7);  // leaves 0..6; appending leaf 7 completes 3 nodes
  const Hash leaf = leaf_hash("7");
  const std::vector<Node> completed = nodes_completed_by_append(7, leaf, store);
  ASSERT_EQ(completed.size(), 4u);
  EXPECT_EQ(completed[0], (Node{0, 7, leaf}));
  EXPECT_EQ(completed[1].level, 1);
  EXPECT_EQ(completed[1].index, 3u);
  EXPECT_EQ(completed[1].hash, node_hash(store.node(0, 6), leaf));
  EXPECT_EQ(completed[2].level, 2);
  EXPECT_EQ(completed[2].index, 1u);
  EXPECT_EQ(completed[3].level, 3);
  EXPECT_EQ(completed[3].index, 0u);
  EXPECT_EQ(completed[3].hash, root_of(store_of_size(8)));
  // An even index completes nothing above the leaf.
  EXPECT_EQ(nodes_completed_by_append(6, leaf, store_of_size(6)).size(), 1u);
}

TEST(Merkle, SubtreeHashOfAReachableRangeIsThatRangesRoot) {
  const MemoryNodeStore store = store_of_size(13);
  // [8, 13) is the right part of MTH(D[13]); its root is the root of a 5-leaf tree of leaves 8..12.
  MemoryNodeStore right_part;
  for (int i = 8; i < 13; ++i) right_part.append(leaf_hash(std::to_string(i)));
  EXPECT_EQ(subtree_hash(8, 13, store), root_of(right_part));
  EXPECT_EQ(subtree_hash(0, 13, store), root_of(store));
  EXPECT_EQ(subtree_hash(12, 13, store), leaf_hash("12"));
}

TEST(Merkle, AProofForOneTreeSizeDoesNotVerifyForAnother) {
  const MemoryNodeStore store = store_of_size(40);
  std::vector<Hash> roots;
  for (std::uint64_t n = 0; n <= 40; ++n) roots.push_back(root(n, store).value());
  for (std::uint64_t n = 1; n <= 36; ++n) {
    for (std::uint64_t m = 0; m < n; ++m) {
      const std::vector<Hash> proof = inclusion_proof(m, n, store).value();
      const Hash leaf = store.node(0, m);
      ASSERT_TRUE(verify_inclusion(m, n, leaf, proof, roots[n]));
      for (std::uint64_t other = m + 1; other <= n + 4; ++other) {
        if (other == n) continue;
        // Checked against the other size's root (what a checkpoint of that size would give).
        // The proof does not bind the size on its own: with this size's root, a size whose path
        // has the same shape (index 0 in sizes 3 and 4) yields the same computed root, which is
        // why a tlog-proof carries the signed checkpoint and its size.
        EXPECT_FALSE(verify_inclusion(m, other, leaf, proof, roots[other])) << m << " " << n;
      }
    }
  }
}

TEST(Merkle, AProofCannotBeStretchedToALargerClaimedSizeWithTheSameRoot) {
  // The RFC's final "sn is 0" check (and our length check) refuse a proof that reaches the root
  // of a smaller tree while claiming a larger size.
  const MemoryNodeStore store = store_of_size(5);
  const Hash root3 = root(3, store).value();
  const std::vector<Hash> path = inclusion_proof(0, 3, store).value();
  ASSERT_TRUE(verify_inclusion(0, 3, store.node(0, 0), path, root3));
  EXPECT_EQ(verify_inclusion(0, 5, store.node(0, 0), path, root3).error().code,
            CryptoErrc::bad_proof);
  const Hash root2 = root(2, store).value();
  const std::vector<Hash> proof = consistency_proof(2, 3, store).value();
  ASSERT_TRUE(verify_consistency(2, 3, root2, root3, proof));
  EXPECT_EQ(verify_consistency(2, 5, root2, root3, proof).error().code, CryptoErrc::bad_proof);
}

TEST(Merkle, ATamperedInclusionProofFails) {
  const MemoryNodeStore store = store_of_size(21);
  const Hash tree_root = root_of(store);
  const std::vector<Hash> proof = inclusion_proof(9, 21, store).value();
  ASSERT_TRUE(verify_inclusion(9, 21, store.node(0, 9), proof, tree_root));
  for (std::size_t i = 0; i < proof.size(); ++i) {
    std::vector<Hash> tampered = proof;
    tampered[i][31] ^= 0x01;
    auto refused = verify_inclusion(9, 21, store.node(0, 9), tampered, tree_root);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, CryptoErrc::bad_proof);
  }
  EXPECT_FALSE(verify_inclusion(9, 21, store.node(0, 10), proof, tree_root));  // other leaf
  EXPECT_FALSE(verify_inclusion(8, 21, store.node(0, 9), proof, tree_root));   // other index
  std::vector<Hash> swapped = proof;
  std::swap(swapped[0], swapped[1]);
  EXPECT_FALSE(verify_inclusion(9, 21, store.node(0, 9), swapped, tree_root));
}

TEST(Merkle, ProofsOfTheWrongLengthAreRefused) {
  const MemoryNodeStore store = store_of_size(21);
  const Hash tree_root = root_of(store);
  std::vector<Hash> longer = inclusion_proof(9, 21, store).value();
  longer.push_back(longer.back());
  auto too_long = verify_inclusion(9, 21, store.node(0, 9), longer, tree_root);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, CryptoErrc::bad_proof);
  longer.pop_back();
  longer.pop_back();
  EXPECT_FALSE(verify_inclusion(9, 21, store.node(0, 9), longer, tree_root));

  const Hash old_root = root(6, store).value();
  std::vector<Hash> consistency = consistency_proof(6, 21, store).value();
  ASSERT_TRUE(verify_consistency(6, 21, old_root, tree_root, consistency));
  consistency.push_back(tree_root);
  auto extra = verify_consistency(6, 21, old_root, tree_root, consistency);
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().code, CryptoErrc::bad_proof);
  consistency.pop_back();
  consistency.pop_back();
  EXPECT_FALSE(verify_consistency(6, 21, old_root, tree_root, consistency));
  EXPECT_FALSE(verify_consistency(6, 21, old_root, tree_root, {}));
}

TEST(Merkle, ATamperedConsistencyProofOrRootFails) {
  const MemoryNodeStore store = store_of_size(50);
  for (std::uint64_t m : {1u, 3u, 8u, 13u, 32u, 49u}) {
    const Hash old_root = root(m, store).value();
    const Hash new_root = root(50, store).value();
    const std::vector<Hash> proof = consistency_proof(m, 50, store).value();
    ASSERT_TRUE(verify_consistency(m, 50, old_root, new_root, proof)) << m;
    for (std::size_t i = 0; i < proof.size(); ++i) {
      std::vector<Hash> tampered = proof;
      tampered[i][0] ^= 0x80;
      EXPECT_FALSE(verify_consistency(m, 50, old_root, new_root, tampered)) << m << " " << i;
    }
    Hash wrong = old_root;
    wrong[5] ^= 1;
    EXPECT_FALSE(verify_consistency(m, 50, wrong, new_root, proof));
    EXPECT_FALSE(verify_consistency(m, 50, old_root, wrong, proof));
    EXPECT_FALSE(verify_consistency(m, 49, old_root, root(49, store).value(), proof));
  }
}

TEST(Merkle, EqualSizesNeedAnEmptyProofAndEqualRoots) {
  const MemoryNodeStore store = store_of_size(10);
  const Hash tree_root = root_of(store);
  EXPECT_TRUE(consistency_proof(10, 10, store).value().empty());
  EXPECT_TRUE(verify_consistency(10, 10, tree_root, tree_root, {}));
  auto different = verify_consistency(10, 10, tree_root, root(9, store).value(), {});
  ASSERT_FALSE(different);
  EXPECT_EQ(different.error().code, CryptoErrc::bad_proof);
  const std::vector<Hash> not_empty = {tree_root};
  EXPECT_FALSE(verify_consistency(10, 10, tree_root, tree_root, not_empty));
}

TEST(Merkle, TheEmptyTreeIsConsistentWithEveryTreeOnlyThroughItsTrueRoot) {
  const MemoryNodeStore store = store_of_size(10);
  EXPECT_TRUE(consistency_proof(0, 10, store).value().empty());
  EXPECT_TRUE(verify_consistency(0, 10, empty_root(), root_of(store), {}));
  EXPECT_FALSE(verify_consistency(0, 10, Hash{}, root_of(store), {}));  // zeros are not the root
  const std::vector<Hash> not_empty = {empty_root()};
  EXPECT_FALSE(verify_consistency(0, 10, empty_root(), root_of(store), not_empty));
}

TEST(Merkle, RefusesAnIndexOutsideTheTreeAndAnOldSizeAboveTheNew) {
  const MemoryNodeStore store = store_of_size(5);
  auto index = inclusion_proof(5, 5, store);
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().code, CryptoErrc::bad_proof);
  EXPECT_FALSE(inclusion_proof(0, 0, store));
  EXPECT_FALSE(verify_inclusion(5, 5, store.node(0, 4), {}, root_of(store)));
  auto sizes = consistency_proof(5, 4, store);
  ASSERT_FALSE(sizes);
  EXPECT_EQ(sizes.error().code, CryptoErrc::bad_proof);
  EXPECT_FALSE(verify_consistency(5, 4, root_of(store), root(4, store).value(), {}));
}

// Every leaf of this tree is the same, so every complete node at a level has the same hash and
// a tree of any size up to 2^62 costs nothing to store. It counts the nodes read.
class UniformTree final : public NodeSource {
 public:
  UniformTree() {
    level_hashes_[0] = leaf_hash("same");
    for (std::size_t level = 1; level < level_hashes_.size(); ++level) {
      level_hashes_[level] = node_hash(level_hashes_[level - 1], level_hashes_[level - 1]);
    }
  }
  Hash node(std::uint8_t level, std::uint64_t index) const override {
    EXPECT_LT(index, (tree_size_max >> level) + 1);
    ++reads;
    return level_hashes_[level];
  }
  mutable std::size_t reads = 0;

 private:
  std::array<Hash, 63> level_hashes_{};
};

TEST(Merkle, ProofsOfHugeTreesCostLogarithmicReadsAndVerify) {
  const UniformTree tree;
  const std::uint64_t sizes[] = {tree_size_max, tree_size_max - 1, (tree_size_max / 3) * 2 + 5,
                                 1000001};
  for (const std::uint64_t n : sizes) {
    const auto reads_max = static_cast<std::size_t>(3 * std::bit_width(n));
    tree.reads = 0;
    const Hash new_root = root(n, tree).value();
    EXPECT_LE(tree.reads, reads_max);
    for (const std::uint64_t m : {std::uint64_t{0}, n / 2 + 1, n - 1}) {
      tree.reads = 0;
      const std::vector<Hash> path = inclusion_proof(m, n, tree).value();
      EXPECT_LE(tree.reads, reads_max) << n << " " << m;
      EXPECT_TRUE(verify_inclusion(m, n, tree.node(0, m), path, new_root)) << n << " " << m;
    }
    for (const std::uint64_t m : {std::uint64_t{1}, n / 3, n - 1}) {
      tree.reads = 0;
      const std::vector<Hash> proof = consistency_proof(m, n, tree).value();
      EXPECT_LE(tree.reads, reads_max) << n << " " << m;
      EXPECT_LE(proof.size(), proof_hashes_max);
      EXPECT_TRUE(verify_consistency(m, n, root(m, tree).value(), new_root, proof))
          << n << " " << m;
    }
  }
}

TEST(Merkle, SizesAbove2To62AreRefusedBeforeAnyWork) {
  const UniformTree tree;
  const std::uint64_t too_big = tree_size_max + 1;
  const Hash any = leaf_hash("same");
  const CryptoErrc codes[] = {
      root(too_big, tree).error().code,
      inclusion_proof(0, too_big, tree).error().code,
      consistency_proof(1, too_big, tree).error().code,
      verify_inclusion(0, too_big, any, {}, any).error().code,
      verify_consistency(1, too_big, any, any, {}).error().code,
      verify_consistency(too_big, too_big, any, any, {}).error().code,
  };
  for (const CryptoErrc code : codes) EXPECT_EQ(code, CryptoErrc::too_large);
  EXPECT_EQ(tree.reads, 0u);
  EXPECT_TRUE(root(tree_size_max, tree));  // the bound itself is allowed
}

}  // namespace
}  // namespace pardner::crypto
