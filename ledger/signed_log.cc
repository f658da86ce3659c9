// Signing entries and issuing checkpoints. Every checkpoint is stored in the same SQLite
// transaction as the entries it covers, so a committed batch always has its checkpoint.
#include "ledger/signed_log.h"

#include <cstring>

#include "crypto/checkpoint.h"
#include "ledger/merkle_store.h"

namespace pardner::ledger {
namespace {

Result<StoredCheckpoint> read_checkpoint(Statement& query) {
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    query.reset();
    return Error{Errc::not_found, "no checkpoint"};
  }
  StoredCheckpoint out;
  out.tree_size = static_cast<std::uint64_t>(query.column_int(0));
  auto root = query.column_blob(1);
  if (root.size() != out.root_hash.size()) {
    query.reset();
    return Error{Errc::storage_failed, "stored checkpoint root is not 32 bytes"};
  }
  std::memcpy(out.root_hash.data(), root.data(), root.size());
  out.note = query.column_text(2);
  query.reset();
  return out;
}

}  // namespace

Result<Ok> sign_and_hash_entry(Database& db, const crypto::NamedSigningKey& key, Seq seq,
                               std::string_view leaf) {
  auto stored = store_entry_signature(db, seq, key.key.sign(leaf));
  if (!stored) return stored;
  return hash_entry(db, seq, leaf);
}

Result<Ok> hash_entry(Database& db, Seq seq, std::string_view leaf) {
  return append_merkle_leaf(db, static_cast<std::uint64_t>(seq), leaf);
}

Result<Ok> store_entry_signature(Database& db, Seq seq, const crypto::Signature& signature) {
  return db.cached("INSERT INTO entry_signatures (seq, signature) VALUES (?, ?)")
      .bind(1, seq)
      .bind_blob(2, signature)
      .run();
}

Result<Ok> issue_checkpoint(Database& db, const crypto::NamedSigningKey& key,
                            std::uint64_t tree_size) {
  auto existing = checkpoint_at(db, tree_size);
  if (existing) return Ok{};
  if (existing.error().code != Errc::not_found) return existing.error();
  auto root = merkle_root(db, tree_size);
  if (!root) return root.error();
  crypto::Checkpoint checkpoint{key.name, tree_size, root.value(), {}};
  auto note = crypto::sign_checkpoint(checkpoint, key.key);
  if (!note) return from_crypto_error(note.error());
  return db.cached("INSERT INTO checkpoints (tree_size, root_hash, note) VALUES (?, ?, ?)")
      .bind(1, static_cast<std::int64_t>(tree_size))
      .bind_blob(2, root.value())
      .bind(3, std::string_view(note.value()))
      .run();
}

Result<Ok> catch_up_signed_log(Database& db, const crypto::NamedSigningKey& key,
                               std::uint64_t tree_size) {
  auto hashed = merkle_size(db);
  if (!hashed) return hashed.error();
  if (hashed.value() > tree_size) {
    return Error{Errc::storage_failed, "the Merkle tree holds more leaves than the log"};
  }
  for (std::uint64_t seq = hashed.value(); seq < tree_size; ++seq) {
    Statement& query = db.cached("SELECT leaf FROM entries WHERE seq = ?");
    query.bind(1, static_cast<std::int64_t>(seq));
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) return Error{Errc::storage_failed, "entry missing while catching up"};
    auto blob = query.column_blob(0);
    std::string leaf(reinterpret_cast<const char*>(blob.data()), blob.size());
    query.reset();
    auto done = sign_and_hash_entry(db, key, static_cast<Seq>(seq), leaf);
    if (!done) return done;
  }
  return issue_checkpoint(db, key, tree_size);
}

Result<StoredCheckpoint> latest_checkpoint(Database& db) {
  Statement& query = db.cached(
      "SELECT tree_size, root_hash, note FROM checkpoints ORDER BY tree_size DESC LIMIT 1");
  return read_checkpoint(query);
}

Result<StoredCheckpoint> checkpoint_at(Database& db, std::uint64_t tree_size) {
  Statement& query =
      db.cached("SELECT tree_size, root_hash, note FROM checkpoints WHERE tree_size = ?");
  query.bind(1, static_cast<std::int64_t>(tree_size));
  return read_checkpoint(query);
}

Result<crypto::Signature> entry_signature(Database& db, Seq seq) {
  Statement& query = db.cached("SELECT signature FROM entry_signatures WHERE seq = ?");
  query.bind(1, seq);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    query.reset();
    return Error{Errc::not_found, "no signature for entry " + std::to_string(seq)};
  }
  auto blob = query.column_blob(0);
  crypto::Signature signature{};
  bool sized = blob.size() == signature.size();
  if (sized) std::memcpy(signature.data(), blob.data(), blob.size());
  query.reset();
  if (!sized) return Error{Errc::storage_failed, "stored signature is not 64 bytes"};
  return signature;
}

}  // namespace pardner::ledger
