// Lookups go through a 64-bit hash of the key (integers, small and cache-friendly), then compare
// the full key, so hash collisions cost a second row read and nothing else. Where the hashes are
// kept, and why in memory: ledger/key_hash_index.h and docs/ledger.md, "Idempotency".
#include "ledger/idempotency.h"

#include <cstring>

namespace pardner::ledger {
namespace {

std::int64_t key_hash(std::string_view key) {
  crypto::Hash digest = crypto::sha256(key);
  std::uint64_t prefix = 0;
  for (int i = 0; i < 8; ++i) prefix = (prefix << 8) | digest[static_cast<std::size_t>(i)];
  return static_cast<std::int64_t>(prefix);
}

bool same_hash(std::span<const std::uint8_t> stored, const RequestHash& request) {
  return stored.size() == request.size() &&
         std::memcmp(stored.data(), request.data(), request.size()) == 0;
}

}  // namespace

IdempotencyKey::IdempotencyKey(std::string_view key) : text(key), hash(key_hash(key)) {}

RequestHash request_hash_of(const Command& command) {
  return crypto::sha256(command_fingerprint(command));
}

Result<IdempotencyIndex> IdempotencyIndex::load(Database& db) {
  IdempotencyIndex index;
  // Two passes over the rows, the first to size each bucket: cheaper than holding every hash
  // twice, and reading the table again costs less than moving keys about in memory.
  Statement& hashes = db.cached("SELECT key_hash FROM idempotency");
  while (true) {
    auto next = hashes.step();
    if (!next) return next.error();
    if (!next.value()) break;
    index.hashes_.count(hashes.column_int(0));
  }
  hashes.reset();
  Statement& rows = db.cached("SELECT key_hash, id FROM idempotency");
  while (true) {
    auto next = rows.step();
    if (!next) return next.error();
    if (!next.value()) break;
    index.hashes_.add_unsorted(rows.column_int(0), rows.column_int(1));
  }
  rows.reset();
  index.hashes_.sort();
  return index;
}

namespace {

// The outcome recorded in idempotency row `id` if it holds `key`; nullopt if it holds another
// key (a 64-bit hash collision) or no longer exists (its insert was rolled back).
Result<std::optional<Result<Applied>>> outcome_in_row(Database& db, std::int64_t id,
                                                      const IdempotencyKey& key,
                                                      const RequestHash& request) {
  Statement& query = db.cached(
      "SELECT key, request_hash, seq, result_id, error_code, error_detail FROM idempotency"
      " WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  std::optional<Result<Applied>> outcome;
  if (!row.value()) {
    query.reset();
    return outcome;
  }
  auto stored_key = query.column_blob(0);  // the text's bytes, without a copy
  if (std::string_view(reinterpret_cast<const char*>(stored_key.data()), stored_key.size()) !=
      key.text) {
    query.reset();
    return outcome;
  }
  if (!same_hash(query.column_blob(1), request)) {
    outcome = Result<Applied>(Error{Errc::idempotency_conflict,
                                    "this idempotency key was used for a different request"});
  } else if (auto seq = query.column_optional_int(2)) {
    outcome = Result<Applied>(Applied{*seq, query.column_int(3), true});
  } else {
    Errc code = Errc::invalid_argument;
    if (!errc_from_wire_name(query.column_text(4), code)) {
      query.reset();
      return Error{Errc::storage_failed, "idempotency record holds an unknown refusal code"};
    }
    outcome = Result<Applied>(Error{code, query.column_text(5)});
  }
  query.reset();
  return outcome;
}

}  // namespace

Result<std::optional<Result<Applied>>> settle_idempotency_key(Database& db,
                                                              const IdempotencyIndex& index,
                                                              const IdempotencyKey& key,
                                                              const RequestHash& request) {
  // Candidates: nearly always none, or one; more only after a hash collision or a rollback.
  for (const KeyHashIndex::Slot& candidate : index.hashes_.find(key.hash)) {
    auto outcome = outcome_in_row(db, candidate.id, key, request);
    if (!outcome || outcome.value()) return outcome;
  }
  return std::optional<Result<Applied>>{};
}

Result<Ok> remember_outcome(Database& db, IdempotencyIndex& index, const IdempotencyKey& key,
                            const RequestHash& request, const Result<Applied>& outcome) {
  if (!outcome && (outcome.error().code == Errc::storage_failed ||
                   outcome.error().code == Errc::unavailable)) {
    return Ok{};
  }
  Statement& insert = db.cached(
      "INSERT INTO idempotency (key_hash, key, request_hash, seq, result_id, error_code,"
      " error_detail) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, key.hash).bind(2, key.text).bind_blob(3, request);
  if (outcome) {
    insert.bind(4, outcome.value().seq).bind(5, outcome.value().id).bind_null(6).bind_null(7);
  } else {
    insert.bind_null(4).bind_null(5).bind(6, wire_name(outcome.error().code))
        .bind(7, std::string_view(outcome.error().detail));
  }
  auto inserted = insert.run();
  if (inserted) index.hashes_.add(key.hash, db.last_insert_rowid());
  return inserted;
}

}  // namespace pardner::ledger
