// SQLite-backed Merkle node storage. The proof algorithms are crypto/'s; this file only stores
// and fetches complete nodes and maps crypto refusals to ledger errors.
#include "ledger/merkle_store.h"

#include <cstring>

#include "crypto/invariant.h"
#include "ledger/limits.h"

namespace pardner::ledger {
namespace {

// Where the node (level, idx) is stored: its in-order position
// (schema/0010_merkle_tree_in_order.sql).
std::int64_t position_of(std::uint8_t level, std::uint64_t index) {
  return static_cast<std::int64_t>((index << (level + 1)) + (std::uint64_t{1} << level) - 1);
}

template <class T>
Result<T> checked(crypto::CryptoResult<T> result, const SqliteNodeSource& source) {
  if (source.failed()) return Error{Errc::storage_failed, "a Merkle node is missing or unreadable"};
  if (!result) return from_crypto_error(result.error());
  return std::move(result).value();
}

}  // namespace

const crypto::Hash* MerkleNodeCache::find(std::uint8_t level, std::uint64_t index) const {
  if (level < merkle_cached_level_min) return nullptr;
  const std::size_t slot = level - merkle_cached_level_min;
  if (slot >= levels_.size() || index >= levels_[slot].size()) return nullptr;
  return &levels_[slot][index];
}

bool MerkleNodeCache::add(std::uint8_t level, const crypto::Hash& hash) {
  PARDNER_ASSERT(level >= merkle_cached_level_min);
  if (size_ >= merkle_cached_nodes_max) return false;
  const std::size_t slot = level - merkle_cached_level_min;
  if (slot >= levels_.size()) levels_.resize(slot + 1);
  levels_[slot].push_back(hash);
  ++size_;
  return true;
}

std::uint64_t MerkleNodeCache::cached(std::uint8_t level) const {
  const std::size_t slot = level - merkle_cached_level_min;
  return level < merkle_cached_level_min || slot >= levels_.size() ? 0 : levels_[slot].size();
}

crypto::Hash SqliteNodeSource::node(std::uint8_t level, std::uint64_t index) const {
  if (cache_ == nullptr || level < merkle_cached_level_min) return read(level, index);
  if (const crypto::Hash* hit = cache_->find(level, index)) return *hit;
  load(level);
  if (const crypto::Hash* hit = cache_->find(level, index)) return *hit;
  return read(level, index);  // the cache is full
}

void SqliteNodeSource::load(std::uint8_t level) const {
  // One range scan from where the cache ends, over the partial index of the upper levels. The
  // query repeats the index's own condition word for word, which is how SQLite knows it may use
  // a partial index for a level given as a parameter.
  static_assert(merkle_cached_level_min == 6, "merkle_tree_upper_levels covers level >= 6");
  Statement& scan = db_.cached(
      "SELECT idx, hash FROM merkle_tree WHERE level = ? AND level >= 6 AND idx >= ?"
      " ORDER BY idx");
  std::uint64_t next = cache_->cached(level);
  scan.bind(1, std::int64_t{level}).bind(2, static_cast<std::int64_t>(next));
  while (true) {
    auto row = scan.step();
    if (!row || !row.value()) break;
    crypto::Hash hash{};
    if (static_cast<std::uint64_t>(scan.column_int(0)) != next ||
        scan.column_blob(1).size() != hash.size()) {
      break;  // a gap or a bad row: left to read(), which reports it
    }
    std::memcpy(hash.data(), scan.column_blob(1).data(), hash.size());
    if (!cache_->add(level, hash)) break;
    ++next;
  }
  scan.reset();
}

crypto::Hash SqliteNodeSource::read(std::uint8_t level, std::uint64_t index) const {
  crypto::Hash hash{};
  Statement& query = db_.cached("SELECT hash FROM merkle_tree WHERE position = ?");
  query.bind(1, position_of(level, index));
  auto row = query.step();
  if (!row || !row.value() || query.column_blob(0).size() != hash.size()) {
    failed_ = true;
  } else {
    std::memcpy(hash.data(), query.column_blob(0).data(), hash.size());
  }
  query.reset();
  return hash;
}

Result<Ok> append_merkle_leaf(Database& db, std::uint64_t leaf_index, std::string_view leaf) {
  SqliteNodeSource source(db);
  auto nodes = crypto::nodes_completed_by_append(leaf_index, crypto::leaf_hash(leaf), source);
  if (source.failed()) return Error{Errc::storage_failed, "a Merkle node is missing"};
  for (const crypto::Node& node : nodes) {
    auto stored =
        db.cached("INSERT INTO merkle_tree (position, level, idx, hash) VALUES (?, ?, ?, ?)")
            .bind(1, position_of(node.level, node.index))
            .bind(2, std::int64_t{node.level})
            .bind(3, static_cast<std::int64_t>(node.index))
            .bind_blob(4, node.hash)
            .run();
    if (!stored) return stored;
  }
  return Ok{};
}

Result<crypto::Hash> merkle_root(Database& db, std::uint64_t tree_size) {
  SqliteNodeSource source(db);
  return checked(crypto::root(tree_size, source), source);
}

Result<std::vector<crypto::Hash>> merkle_inclusion_proof(Database& db, std::uint64_t leaf_index,
                                                         std::uint64_t tree_size,
                                                         MerkleNodeCache* cache) {
  SqliteNodeSource source(db, cache);
  return checked(crypto::inclusion_proof(leaf_index, tree_size, source), source);
}

Result<std::vector<crypto::Hash>> merkle_consistency_proof(Database& db, std::uint64_t old_size,
                                                           std::uint64_t new_size,
                                                           MerkleNodeCache* cache) {
  SqliteNodeSource source(db, cache);
  return checked(crypto::consistency_proof(old_size, new_size, source), source);
}

Result<std::uint64_t> merkle_size(Database& db) {
  // The rightmost node is the newest leaf, at 2 * (size - 1): every node it completed lies to
  // its left.
  Statement& query = db.cached("SELECT coalesce(max(position) / 2 + 1, 0) FROM merkle_tree");
  auto row = query.step();
  if (!row) return row.error();
  auto size = static_cast<std::uint64_t>(query.column_int(0));
  query.reset();
  return size;
}

}  // namespace pardner::ledger
