// The RFC 6962 / RFC 9162 §2.1 Merkle tree over SHA-256: leaf and node hashes, roots, inclusion
// and consistency proofs, and their verification. Reads stored nodes only through NodeSource, one
// O(log n) handful per call; never reads all leaves and never stores anything itself.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/crypto_error.h"
#include "crypto/sha256.h"

namespace pardner::crypto {

// RFC 6962 §2.1: MTH({d0}) = SHA-256(0x00 || d0).
Hash leaf_hash(std::span<const std::uint8_t> leaf);
Hash leaf_hash(std::string_view leaf);
// RFC 6962 §2.1: SHA-256(0x01 || left || right).
Hash node_hash(const Hash& left, const Hash& right);
// RFC 6962 §2.1: the empty tree's root MTH({}) = SHA-256() (e3b0c442...), not zeros.
Hash empty_root();

// A complete subtree: the root of leaves [index * 2^level, (index + 1) * 2^level). Level 0 nodes
// are leaf hashes. These are the only nodes the ledger stores; each is written once and never
// changes, so the store is append-only.
struct Node {
  std::uint8_t level;
  std::uint64_t index;
  Hash hash;
  bool operator==(const Node&) const = default;
};

// Where the tree's complete nodes come from (SQLite in the ledger, memory in tests and tools).
// node() is only ever asked for a node that nodes_completed_by_append has produced before, so an
// implementation may treat a missing node as a broken invariant.
class NodeSource {
 public:
  virtual ~NodeSource();
  virtual Hash node(std::uint8_t level, std::uint64_t index) const = 0;
};

// The nodes that appending leaf `leaf_index` (the tree then holds leaf_index + 1 leaves)
// completes: the leaf itself at level 0, then each parent whose right child was just completed,
// lowest first. Reads one left sibling per parent (at most log2 n). Needs leaf_index <
// tree_size_max and every node of the tree of leaf_index leaves in `source`.
std::vector<Node> nodes_completed_by_append(std::uint64_t leaf_index, const Hash& leaf_hash,
                                            const NodeSource& source);

// MTH(D[begin:end]) for a range the RFC's recursion reaches: begin < end and, unless begin is 0,
// end - begin no larger than the largest power of two dividing begin. Decomposes the range into
// at most 63 complete nodes, largest first, and folds them right to left (RFC 6962 §2.1: each
// split point k is the largest power of two strictly less than the size).
Hash subtree_hash(std::uint64_t begin, std::uint64_t end, const NodeSource& source);

// MTH(D[tree_size]). Refuses tree_size > tree_size_max (too_large).
CryptoResult<Hash> root(std::uint64_t tree_size, const NodeSource& source);

// RFC 9162 §2.1.3.1 PATH(leaf_index, D[tree_size]), from the leaf's sibling up to the root's
// child. Refuses tree_size > tree_size_max (too_large) and leaf_index >= tree_size (bad_proof).
CryptoResult<std::vector<Hash>> inclusion_proof(std::uint64_t leaf_index, std::uint64_t tree_size,
                                                const NodeSource& source);

// RFC 9162 §2.1.4.1 PROOF(old_size, D[new_size]) = SUBPROOF(old_size, D[new_size], true). When
// old_size is a power of two the old root is not included (the verifier has it). Our choice,
// where the RFC defines nothing: old_size == new_size and old_size == 0 give an empty proof (a
// tree is consistent with itself, and the empty tree with every tree). Refuses sizes above
// tree_size_max (too_large) and old_size > new_size (bad_proof).
CryptoResult<std::vector<Hash>> consistency_proof(std::uint64_t old_size, std::uint64_t new_size,
                                                  const NodeSource& source);

// RFC 9162 §2.1.3.2, including the final check that sn reached zero. Also refuses a proof whose
// length is not exactly the length PATH has for these sizes. Ok, or bad_proof / too_large.
CryptoResult<Ok> verify_inclusion(std::uint64_t leaf_index, std::uint64_t tree_size,
                                  const Hash& leaf_hash, std::span<const Hash> proof,
                                  const Hash& root);

// RFC 9162 §2.1.4.2, including the final check that sn reached zero, for 0 < old_size <
// new_size; a proof of the wrong length is refused first. For old_size == new_size the proof
// must be empty and the roots equal; for old_size == 0 the proof must be empty and old_root
// must be SHA-256(""). Ok, or bad_proof / too_large.
CryptoResult<Ok> verify_consistency(std::uint64_t old_size, std::uint64_t new_size,
                                    const Hash& old_root, const Hash& new_root,
                                    std::span<const Hash> proof);

}  // namespace pardner::crypto
