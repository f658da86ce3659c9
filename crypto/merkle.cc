// RFC 6962 / RFC 9162 §2.1 Merkle tree arithmetic over complete stored nodes. Owns the hashing
// rules, the proof walks and their verification. Never reads a leaf range node by node: every
// range is decomposed into complete nodes, so each call costs O(log n) reads from NodeSource.
#include "crypto/merkle.h"

#include <algorithm>
#include <array>
#include <bit>
#include <utility>

#include "crypto/invariant.h"
#include "crypto/limits.h"

namespace pardner::crypto {
namespace {

constexpr std::uint8_t leaf_prefix = 0x00;  // RFC 6962 §2.1 domain separation
constexpr std::uint8_t node_prefix = 0x01;

// RFC 6962 §2.1: "k is the largest power of two smaller than n (i.e., k < n <= 2k)".
std::uint64_t split_point(std::uint64_t size) {
  PARDNER_ASSERT(size >= 2);
  return std::uint64_t{1} << (std::bit_width(size - 1) - 1);
}

std::uint8_t log2_exact(std::uint64_t power_of_two) {
  PARDNER_ASSERT(std::has_single_bit(power_of_two));
  return static_cast<std::uint8_t>(std::countr_zero(power_of_two));
}

CryptoError too_large(const char* what) {
  return CryptoError{CryptoErrc::too_large, std::string(what) + " is above 2^62"};
}

CryptoError bad_proof(std::string detail) {
  return CryptoError{CryptoErrc::bad_proof, std::move(detail)};
}

// The RFC 9162 §2.1.3.1 PATH recursion, walked from the root down without hashing: calls
// `sibling(begin, end)` for each sibling range, top first (the proof lists them bottom first).
template <class OnSibling>
void walk_path(std::uint64_t leaf_index, std::uint64_t tree_size, OnSibling&& sibling) {
  std::uint64_t begin = 0;
  std::uint64_t end = tree_size;
  while (end - begin > 1) {
    const std::uint64_t k = split_point(end - begin);
    if (leaf_index < begin + k) {  // PATH(m, D[0:k]) : MTH(D[k:n])
      sibling(begin + k, end);
      end = begin + k;
    } else {  // PATH(m - k, D[k:n]) : MTH(D[0:k])
      sibling(begin, begin + k);
      begin += k;
    }
  }
}

// The RFC 9162 §2.1.4.1 SUBPROOF recursion for 0 < old_size < new_size, walked from the root
// down without hashing. Calls `sibling(begin, end)` for each MTH the recursion appends, top
// first, and returns the range of the final MTH(D[m]) when the recursion ends with b == false
// (begin == end when it ends with b == true, which then contributes nothing).
template <class OnSibling>
std::pair<std::uint64_t, std::uint64_t> walk_subproof(std::uint64_t old_size,
                                                      std::uint64_t new_size, OnSibling&& sibling) {
  std::uint64_t begin = 0;
  std::uint64_t end = new_size;
  bool whole_old_tree = true;  // the RFC's b: is D[begin:begin+m] the whole old tree?
  while (true) {
    const std::uint64_t m = old_size - begin;  // m relative to this range, 1 <= m <= size
    const std::uint64_t size = end - begin;
    if (m == size) {  // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}
      if (whole_old_tree) return {begin, begin};
      return {begin, end};
    }
    const std::uint64_t k = split_point(size);
    if (m <= k) {  // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
      sibling(begin + k, end);
      end = begin + k;
    } else {  // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
      sibling(begin, begin + k);
      begin += k;
      whole_old_tree = false;
    }
  }
}

std::size_t inclusion_proof_length(std::uint64_t leaf_index, std::uint64_t tree_size) {
  std::size_t length = 0;
  walk_path(leaf_index, tree_size, [&](std::uint64_t, std::uint64_t) { ++length; });
  return length;
}

std::size_t consistency_proof_length(std::uint64_t old_size, std::uint64_t new_size) {
  std::size_t length = 0;
  const auto last =
      walk_subproof(old_size, new_size, [&](std::uint64_t, std::uint64_t) { ++length; });
  return length + (last.first != last.second ? 1 : 0);
}

}  // namespace

NodeSource::~NodeSource() = default;

Hash leaf_hash(std::span<const std::uint8_t> leaf) {
  const std::array<std::uint8_t, 1> prefix{leaf_prefix};
  return sha256({prefix, leaf});
}

Hash leaf_hash(std::string_view leaf) {
  return leaf_hash(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(leaf.data()),
                                                 leaf.size()));
}

Hash node_hash(const Hash& left, const Hash& right) {
  // The thread's reused context and no copying: this is the hot path of every proof.
  const std::array<std::uint8_t, 1> prefix{node_prefix};
  return sha256({prefix, left, right});
}

Hash empty_root() { return sha256(std::span<const std::uint8_t>{}); }

std::vector<Node> nodes_completed_by_append(std::uint64_t leaf_index, const Hash& leaf_hash,
                                            const NodeSource& source) {
  PARDNER_ASSERT(leaf_index < tree_size_max);
  std::vector<Node> completed{Node{0, leaf_index, leaf_hash}};
  Node current = completed.back();
  // A node with an odd index is a right child; with it its parent becomes complete.
  while (current.index % 2 == 1) {
    const Hash left = source.node(current.level, current.index - 1);
    current = Node{static_cast<std::uint8_t>(current.level + 1), current.index / 2,
                   node_hash(left, current.hash)};
    completed.push_back(current);
  }
  return completed;
}

Hash subtree_hash(std::uint64_t begin, std::uint64_t end, const NodeSource& source) {
  PARDNER_ASSERT(begin < end);
  PARDNER_ASSERT(end <= tree_size_max);
  PARDNER_ASSERT(begin == 0 || end - begin <= (begin & (~begin + 1)));
  // Complete nodes left to right, each the largest power of two that fits in what remains; the
  // alignment precondition makes each start a multiple of its own size.
  std::array<Hash, 64> parts{};
  std::size_t part_count = 0;
  for (std::uint64_t position = begin; position < end;) {
    const std::uint64_t width = std::bit_floor(end - position);
    const std::uint8_t level = log2_exact(width);
    PARDNER_ASSERT(position % width == 0);
    parts[part_count++] = source.node(level, position >> level);
    position += width;
  }
  // MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the largest complete part, so the
  // parts fold from the right.
  Hash folded = parts[part_count - 1];
  for (std::size_t i = part_count - 1; i-- > 0;) folded = node_hash(parts[i], folded);
  return folded;
}

CryptoResult<Hash> root(std::uint64_t tree_size, const NodeSource& source) {
  if (tree_size > tree_size_max) return too_large("tree size");
  if (tree_size == 0) return empty_root();
  return subtree_hash(0, tree_size, source);
}

CryptoResult<std::vector<Hash>> inclusion_proof(std::uint64_t leaf_index, std::uint64_t tree_size,
                                                const NodeSource& source) {
  if (tree_size > tree_size_max) return too_large("tree size");
  if (leaf_index >= tree_size) return bad_proof("the leaf index is not below the tree size");
  std::vector<Hash> proof;
  walk_path(leaf_index, tree_size, [&](std::uint64_t begin, std::uint64_t end) {
    proof.push_back(subtree_hash(begin, end, source));
  });
  std::reverse(proof.begin(), proof.end());
  return proof;
}

CryptoResult<std::vector<Hash>> consistency_proof(std::uint64_t old_size, std::uint64_t new_size,
                                                  const NodeSource& source) {
  if (new_size > tree_size_max) return too_large("new tree size");
  if (old_size > new_size) return bad_proof("the old tree size is above the new one");
  if (old_size == 0 || old_size == new_size) return std::vector<Hash>{};
  std::vector<Hash> siblings;
  const auto last = walk_subproof(old_size, new_size, [&](std::uint64_t begin, std::uint64_t end) {
    siblings.push_back(subtree_hash(begin, end, source));
  });
  std::vector<Hash> proof;
  proof.reserve(siblings.size() + 1);
  if (last.first != last.second) proof.push_back(subtree_hash(last.first, last.second, source));
  proof.insert(proof.end(), siblings.rbegin(), siblings.rend());
  return proof;
}

CryptoResult<Ok> verify_inclusion(std::uint64_t leaf_index, std::uint64_t tree_size,
                                  const Hash& leaf_hash, std::span<const Hash> proof,
                                  const Hash& root) {
  if (tree_size > tree_size_max) return too_large("tree size");
  // 1. "If leaf_index is greater than or equal to tree_size, then fail".
  if (leaf_index >= tree_size) return bad_proof("the leaf index is not below the tree size");
  if (proof.size() != inclusion_proof_length(leaf_index, tree_size)) {
    return bad_proof("the inclusion proof has the wrong number of hashes");
  }
  // 2. "Set fn to leaf_index and sn to tree_size - 1." 3. "Set r to hash."
  std::uint64_t fn = leaf_index;
  std::uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  // 4. For each value p in the inclusion_path array:
  for (const Hash& p : proof) {
    // a. "If sn is 0, then stop the iteration and fail the proof verification."
    if (sn == 0) return bad_proof("the inclusion proof is too long");
    // b. "If LSB(fn) is set, or if fn is equal to sn, then:"
    if (fn % 2 == 1 || fn == sn) {
      r = node_hash(p, r);  // i. r = HASH(0x01 || p || r)
      // ii. "If LSB(fn) is not set, then right-shift both fn and sn equally until either
      // LSB(fn) is set or fn is 0."
      if (fn % 2 == 0) {
        while (fn % 2 == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);  // "Otherwise: Set r to HASH(0x01 || r || p)."
    }
    // c. "Finally, right-shift both fn and sn one time."
    fn >>= 1;
    sn >>= 1;
  }
  // 5. "If sn is equal to 0 and r and the root_hash are equal, then the log has proven the
  // inclusion of hash. Otherwise, fail the proof verification."
  if (sn != 0) return bad_proof("the inclusion proof is too short");
  if (r != root) return bad_proof("the inclusion proof does not lead to the root");
  return Ok{};
}

CryptoResult<Ok> verify_consistency(std::uint64_t old_size, std::uint64_t new_size,
                                    const Hash& old_root, const Hash& new_root,
                                    std::span<const Hash> proof) {
  if (new_size > tree_size_max) return too_large("new tree size");
  if (old_size > new_size) return bad_proof("the old tree size is above the new one");
  // The cases the RFC leaves undefined (see consistency_proof): nothing to prove.
  if (old_size == new_size || old_size == 0) {
    if (!proof.empty()) return bad_proof("this consistency proof must be empty");
    if (old_size == new_size && old_root != new_root) {
      return bad_proof("equal tree sizes with different roots");
    }
    if (old_size == 0 && old_root != empty_root()) {
      return bad_proof("the empty tree's root is SHA-256 of nothing");
    }
    return Ok{};
  }
  // 1. "If consistency_path is an empty array, stop and fail the proof verification." The exact
  // length check covers it: for 0 < old_size < new_size the proof is never empty.
  if (proof.size() != consistency_proof_length(old_size, new_size)) {
    return bad_proof("the consistency proof has the wrong number of hashes");
  }
  PARDNER_ASSERT(!proof.empty());
  PARDNER_ASSERT(proof.size() < proof_hashes_max);
  // 2. "If first is an exact power of 2, then prepend first_hash to the consistency_path array."
  std::array<Hash, proof_hashes_max + 1> path{};
  std::size_t path_length = 0;
  if (std::has_single_bit(old_size)) path[path_length++] = old_root;
  for (const Hash& hash : proof) path[path_length++] = hash;
  // 3. "Set fn to first - 1 and sn to second - 1."
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  // 4. "If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set."
  while (fn % 2 == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // 5. "Set both fr and sr to the first value in the consistency_path array."
  Hash fr = path[0];
  Hash sr = path[0];
  // 6. For each subsequent value c in the consistency_path array:
  for (std::size_t i = 1; i < path_length; ++i) {
    const Hash& c = path[i];
    // a. "If sn is 0, then stop the iteration and fail the proof verification."
    if (sn == 0) return bad_proof("the consistency proof is too long");
    // b. "If LSB(fn) is set, or if fn is equal to sn, then:"
    if (fn % 2 == 1 || fn == sn) {
      fr = node_hash(c, fr);  // i. fr = HASH(0x01 || c || fr)
      sr = node_hash(c, sr);  // ii. sr = HASH(0x01 || c || sr)
      // iii. "If LSB(fn) is not set, then right-shift both fn and sn equally until either
      // LSB(fn) is set or fn is 0."
      if (fn % 2 == 0) {
        while (fn % 2 == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node_hash(sr, c);  // "Otherwise: i. Set sr to HASH(0x01 || sr || c)."
    }
    // c. "Finally, right-shift both fn and sn one time."
    fn >>= 1;
    sn >>= 1;
  }
  // 7. "verify that the fr calculated is equal to the first_hash supplied, that the sr calculated
  // is equal to the second_hash supplied, and that sn is 0."
  if (sn != 0) return bad_proof("the consistency proof is too short");
  if (fr != old_root) return bad_proof("the consistency proof does not lead to the old root");
  if (sr != new_root) return bad_proof("the consistency proof does not lead to the new root");
  return Ok{};
}

}  // namespace pardner::crypto
