// Checks crypto/merkle.cc against a second, deliberately naive implementation written straight
// from the recursive definitions of RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1
// (SUBPROOF) over a vector of leaves, for every tree size from 0 to 300.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "crypto/memory_node_store.h"
#include "crypto/merkle.h"

namespace pardner::crypto {
namespace {

// Every root, every inclusion proof and every consistency pair up to this size: about 45,000
// consistency and 45,000 inclusion proofs, well under a second because the naive tree caches
// subtree roots.
constexpr std::size_t sizes_max = 300;

// The leaves are the same for every tree size ("0", "1", ...), so MTH of a range can be cached
// across sizes; the cache changes the cost, not the definition.
class NaiveTree {
 public:
  NaiveTree() {
    for (std::size_t i = 0; i < sizes_max; ++i) leaves_.push_back(std::to_string(i));
  }

  // RFC 9162 §2.1.1: MTH({}) = HASH(), MTH({d0}) = HASH(0x00 || d0),
  // MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
  Hash mth(std::size_t begin, std::size_t end) {
    if (end == begin) return sha256(std::string_view{});
    auto cached = cache_.find({begin, end});
    if (cached != cache_.end()) return cached->second;
    std::vector<std::uint8_t> input;
    if (end - begin == 1) {
      input.push_back(0x00);
      input.insert(input.end(), leaves_[begin].begin(), leaves_[begin].end());
    } else {
      const std::size_t k = split(end - begin);
      const Hash left = mth(begin, begin + k);
      const Hash right = mth(begin + k, end);
      input.push_back(0x01);
      input.insert(input.end(), left.begin(), left.end());
      input.insert(input.end(), right.begin(), right.end());
    }
    const Hash hash = sha256(input);
    cache_[{begin, end}] = hash;
    return hash;
  }

  // RFC 9162 §2.1.3.1: PATH(0, {d0}) = {}; for m < k, PATH(m, D[0:k]) : MTH(D[k:n]);
  // for m >= k, PATH(m - k, D[k:n]) : MTH(D[0:k]). Indices here are absolute.
  std::vector<Hash> path(std::size_t m, std::size_t begin, std::size_t end) {
    if (end - begin == 1) return {};
    const std::size_t k = split(end - begin);
    std::vector<Hash> result;
    if (m < begin + k) {
      result = path(m, begin, begin + k);
      result.push_back(mth(begin + k, end));
    } else {
      result = path(m, begin + k, end);
      result.push_back(mth(begin, begin + k));
    }
    return result;
  }

  // RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
  // for m <= k, SUBPROOF(m, D[0:k], b) : MTH(D[k:n]); for m > k,
  // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]). m is relative to begin, as in the RFC.
  std::vector<Hash> subproof(std::size_t m, std::size_t begin, std::size_t end, bool b) {
    const std::size_t n = end - begin;
    if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{mth(begin, end)};
    const std::size_t k = split(n);
    std::vector<Hash> result;
    if (m <= k) {
      result = subproof(m, begin, begin + k, b);
      result.push_back(mth(begin + k, end));
    } else {
      result = subproof(m - k, begin + k, end, false);
      result.push_back(mth(begin, begin + k));
    }
    return result;
  }

  const std::string& leaf(std::size_t index) const { return leaves_[index]; }

 private:
  // "k is the largest power of two smaller than n", found by doubling: no bit tricks.
  static std::size_t split(std::size_t n) {
    std::size_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  std::vector<std::string> leaves_;
  std::map<std::pair<std::size_t, std::size_t>, Hash> cache_;
};

TEST(MerkleReference, RootsAndEveryProofMatchTheNaiveRecursionForSizesUpTo300) {
  NaiveTree naive;
  MemoryNodeStore store;
  std::vector<Hash> roots;
  std::size_t consistency_checked = 0;
  for (std::size_t n = 0; n <= sizes_max; ++n) {
    if (n > 0) store.append(leaf_hash(naive.leaf(n - 1)));
    ASSERT_EQ(store.size(), n);
    auto tree_root = root(n, store);
    ASSERT_TRUE(tree_root);
    ASSERT_EQ(tree_root.value(), naive.mth(0, n)) << "size " << n;
    roots.push_back(tree_root.value());

    for (std::size_t m = 0; m < n; ++m) {
      auto proof = inclusion_proof(m, n, store);
      ASSERT_TRUE(proof);
      ASSERT_EQ(proof.value(), naive.path(m, 0, n)) << "index " << m << " size " << n;
      ASSERT_TRUE(verify_inclusion(m, n, leaf_hash(naive.leaf(m)), proof.value(), roots[n]))
          << "index " << m << " size " << n;
    }

    for (std::size_t m = 0; m <= n; ++m) {
      auto proof = consistency_proof(m, n, store);
      ASSERT_TRUE(proof);
      // The RFC defines PROOF for 0 < m < n; m == n gives {} by SUBPROOF(m, D[m], true), and
      // m == 0 gives {} by our documented choice.
      const std::vector<Hash> expected =
          m == 0 ? std::vector<Hash>{} : naive.subproof(m, 0, n, true);
      ASSERT_EQ(proof.value(), expected) << "old " << m << " new " << n;
      ASSERT_TRUE(verify_consistency(m, n, roots[m], roots[n], proof.value()))
          << "old " << m << " new " << n;
      ++consistency_checked;
    }
  }
  EXPECT_EQ(consistency_checked, (sizes_max + 1) * (sizes_max + 2) / 2);
}

}  // namespace
}  // namespace pardner::crypto
