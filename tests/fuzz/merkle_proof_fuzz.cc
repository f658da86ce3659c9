// Fuzzes RFC 9162 proof verification (crypto/merkle.h) against a small in-memory tree
// (crypto/memory_node_store.h). For the tree the input picks: its root matches a plain recursive
// MTH written here, the genuine inclusion or consistency proof verifies, and a proof, leaf, root
// or size the input has altered verifies only if it equals the genuine one (anything else would
// need a SHA-256 collision). Sizes and indices taken raw from the input (up to 2^64 - 1) must
// only ever be refused or accepted, never crash. A violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "crypto/memory_node_store.h"
#include "crypto/merkle.h"

namespace {

namespace crypto = pardner::crypto;
using crypto::Hash;

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "merkle_proof_fuzz: %s\n", what);
  std::abort();
}

// Reads the input front to back; past its end every read is zero.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | byte();
    return value;
  }
  bool done() const { return at_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

constexpr std::uint64_t tree_leaves_max = 130;  // past 128: three levels of unbalanced splits

Hash leaf_number(std::uint64_t i) { return crypto::leaf_hash("leaf " + std::to_string(i)); }

// RFC 6962 §2.1 MTH over leaves [begin, end), by the recursion as written in the RFC.
Hash reference_root(std::uint64_t begin, std::uint64_t end) {
  if (end == begin) return crypto::empty_root();
  if (end - begin == 1) return leaf_number(begin);
  std::uint64_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return crypto::node_hash(reference_root(begin, begin + k), reference_root(begin + k, end));
}

// The input's edits to a proof: flip a bit, drop, duplicate or add a hash, swap two.
std::vector<Hash> altered(std::vector<Hash> proof, Reader& in) {
  int edits = in.byte() % 4;
  for (int e = 0; e < edits; ++e) {
    std::uint8_t op = in.byte() % 4;
    std::size_t at = proof.empty() ? 0 : in.byte() % proof.size();
    if (op == 0 && !proof.empty()) {
      proof[at][in.byte() % crypto::hash_bytes] ^= static_cast<std::uint8_t>(1u << (in.byte() % 8));
    } else if (op == 1 && !proof.empty()) {
      proof.erase(proof.begin() + static_cast<std::ptrdiff_t>(at));
    } else if (op == 2) {
      Hash extra{};
      for (auto& b : extra) b = in.byte();
      proof.insert(proof.begin() + static_cast<std::ptrdiff_t>(at), extra);
    } else if (op == 3 && proof.size() >= 2) {
      std::swap(proof[at], proof[(at + 1) % proof.size()]);
    }
  }
  return proof;
}

Hash flipped(Hash hash, Reader& in) {
  hash[in.byte() % crypto::hash_bytes] ^= static_cast<std::uint8_t>(1u << (in.byte() % 8));
  return hash;
}

void fuzz_inclusion(const crypto::MemoryNodeStore& tree, Reader& in) {
  std::uint64_t leaves = tree.size();
  std::uint64_t size = 1 + in.u64() % leaves;
  std::uint64_t index = in.u64() % size;
  auto root = crypto::root(size, tree);
  if (!root || root.value() != reference_root(0, size)) violated("root differs from MTH");
  auto proof = crypto::inclusion_proof(index, size, tree);
  if (!proof) violated("no inclusion proof for a leaf in the tree");
  Hash leaf = leaf_number(index);
  if (!crypto::verify_inclusion(index, size, leaf, proof.value(), root.value())) {
    violated("a genuine inclusion proof does not verify");
  }
  std::vector<Hash> path = altered(proof.value(), in);
  std::uint8_t what = in.byte();
  Hash claimed_leaf = (what & 1) ? flipped(leaf, in) : leaf;
  Hash claimed_root = (what & 2) ? flipped(root.value(), in) : root.value();
  bool accepted =
      crypto::verify_inclusion(index, size, claimed_leaf, path, claimed_root).has_value();
  if (size == 1) {
    // A tree of one leaf is its leaf: exactly an empty proof with root == leaf verifies.
    if (accepted != (path.empty() && claimed_leaf == claimed_root)) {
      violated("inclusion in a one-leaf tree misjudged");
    }
  } else if (accepted &&
             (path != proof.value() || claimed_leaf != leaf || claimed_root != root.value())) {
    violated("an altered inclusion proof verifies");
  }
  // Sizes and indices as sent by anyone: refused or accepted, never a crash. (Proofs are only
  // asked of sizes the store holds: its contract asserts the nodes exist.)
  (void)crypto::verify_inclusion(in.u64(), in.u64(), claimed_leaf, path, claimed_root);
  (void)crypto::inclusion_proof(in.u64() % (leaves + 1), in.u64() % (leaves + 1), tree);
}

void fuzz_consistency(const crypto::MemoryNodeStore& tree, Reader& in) {
  std::uint64_t leaves = tree.size();
  std::uint64_t new_size = in.u64() % (leaves + 1);
  std::uint64_t old_size = in.u64() % (new_size + 1);
  auto old_root = crypto::root(old_size, tree);
  auto new_root = crypto::root(new_size, tree);
  if (!old_root || !new_root) violated("no root for a size within the tree");
  if (old_root.value() != reference_root(0, old_size) ||
      new_root.value() != reference_root(0, new_size)) {
    violated("root differs from MTH");
  }
  auto proof = crypto::consistency_proof(old_size, new_size, tree);
  if (!proof) violated("no consistency proof for sizes within the tree");
  if (!crypto::verify_consistency(old_size, new_size, old_root.value(), new_root.value(),
                                  proof.value())) {
    violated("a genuine consistency proof does not verify");
  }
  std::vector<Hash> path = altered(proof.value(), in);
  std::uint8_t what = in.byte();
  Hash claimed_old = (what & 1) ? flipped(old_root.value(), in) : old_root.value();
  Hash claimed_new = (what & 2) ? flipped(new_root.value(), in) : new_root.value();
  bool accepted =
      crypto::verify_consistency(old_size, new_size, claimed_old, claimed_new, path).has_value();
  if (old_size == 0 || old_size == new_size) {
    // No proof exists here (merkle.h's choice where RFC 9162 defines none): the empty tree is
    // consistent with every tree, and a tree with itself. So exactly an empty proof verifies,
    // with the empty tree's root as the old one, or with two equal roots.
    bool expected = path.empty() && (old_size != 0 || claimed_old == crypto::empty_root()) &&
                    (old_size != new_size || claimed_old == claimed_new);
    if (accepted != expected) violated("consistency from size 0 or to the same size misjudged");
  } else if (accepted && (path != proof.value() || claimed_old != old_root.value() ||
                          claimed_new != new_root.value())) {
    violated("an altered consistency proof verifies");
  }
  (void)crypto::verify_consistency(in.u64(), in.u64(), claimed_old, claimed_new, path);
  (void)crypto::consistency_proof(in.u64() % (leaves + 1), in.u64() % (leaves + 1), tree);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  std::uint8_t mode = in.byte();
  std::uint64_t leaves = 1 + in.byte() % tree_leaves_max;
  crypto::MemoryNodeStore tree;
  for (std::uint64_t i = 0; i < leaves; ++i) tree.append(leaf_number(i));
  if (mode % 2 == 0) {
    fuzz_inclusion(tree, in);
  } else {
    fuzz_consistency(tree, in);
  }
  return 0;
}
