// Lookups go through a 64-bit hash of the key (integers, small and cache-friendly), then compare
// the full key, so hash collisions cost a second row read and nothing else. Where the hashes are
// kept, and why in sorted runs: schema/0009_idempotency_runs.sql and docs/ledger.md.
#include "ledger/idempotency.h"

#include <algorithm>
#include <cstring>

#include "ledger/state.h"

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
  Statement& newest = db.cached("SELECT coalesce(max(through_id), 0) FROM idempotency_runs");
  auto row = newest.step();
  if (!row) return row.error();
  index.through_id_ = newest.column_int(0);
  newest.reset();
  Statement& rows = db.cached("SELECT key_hash, id FROM idempotency WHERE id > ? ORDER BY id");
  rows.bind(1, index.through_id_);
  while (true) {
    auto next = rows.step();
    if (!next) return next.error();
    if (!next.value()) break;
    index.recent_.emplace(rows.column_int(0), rows.column_int(1));
  }
  rows.reset();
  return index;
}

namespace {

// Where hash range `range` of `ranges` starts: the 64-bit hashes split into equal ranges, so a
// run's keys, evenly spread, are split about evenly too. The first starts at the smallest hash.
std::int64_t hash_range_start(std::uint64_t range, std::uint64_t ranges) {
  const std::uint64_t offset = range * (UINT64_MAX / ranges);           // from the smallest hash
  return static_cast<std::int64_t>(offset - (std::uint64_t{1} << 63));  // modulo 2^64
}

}  // namespace

Result<bool> IdempotencyIndex::write_run_step(Database& db, std::size_t max_keys) {
  if (!run_) {
    // Only the writer inserts rows, and it is between batches: every row up to `through` is
    // committed, and the step's range stays fixed while later rows join the map.
    auto next = next_id(db, "SELECT max(id) FROM idempotency");
    if (!next) return next.error();
    const std::int64_t through = next.value() - 1;
    if (through <= through_id_) {
      recent_.clear();  // only ids of rolled-back rows were left
      return false;
    }
    const std::uint64_t keys = static_cast<std::uint64_t>(through - through_id_);
    run_ = RunUnderWay{.through = through,
                       .ranges = std::max<std::uint64_t>(1, (keys + max_keys - 1) / max_keys)};
  }
  RunUnderWay& run = *run_;
  const bool last = run.next_range + 1 == run.ranges;
  if (auto begun = db.exec("BEGIN IMMEDIATE"); !begun) return begun.error();
  // In hash order within the range, so each leaf of the key table it reaches is dirtied once.
  // A row a step of an interrupted run added already is passed over.
  Statement& add = db.cached(
      "INSERT INTO idempotency_keys (key_hash, id) SELECT key_hash, id FROM idempotency"
      " WHERE id > ?1 AND id <= ?2 AND key_hash >= ?3 AND (?4 IS NULL OR key_hash < ?4)"
      " ORDER BY key_hash, id ON CONFLICT (key_hash, id) DO NOTHING");
  add.bind(1, through_id_)
      .bind(2, run.through)
      .bind(3, hash_range_start(run.next_range, run.ranges));
  if (last) {
    add.bind(4, std::optional<std::int64_t>{});
  } else {
    add.bind(4, hash_range_start(run.next_range + 1, run.ranges));
  }
  auto added = add.run();
  if (added && last) {
    added = db.cached(
                  "INSERT INTO idempotency_runs (through_id, keys)"
                  " SELECT ?1, count(*) FROM idempotency WHERE id > ?2 AND id <= ?1")
                .bind(1, run.through)
                .bind(2, through_id_)
                .run();
  }
  if (added) added = db.exec("COMMIT");
  if (!added) {
    (void)db.exec("ROLLBACK");
    return added.error();
  }
  if (!last) {
    run.next_range += 1;
    return true;
  }
  // Keys of rows above the run, inserted while it went on, stay for the next one.
  std::erase_if(recent_, [&](const auto& key) { return key.second <= run.through; });
  through_id_ = run.through;
  run_.reset();
  return false;
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
  // The map holds ids above the newest run and the table those up to it, so the order of the
  // two does not matter.
  auto [first, last] = index.recent_.equal_range(key.hash);
  for (auto it = first; it != last; ++it) {
    auto outcome = outcome_in_row(db, it->second, key, request);
    if (!outcome || outcome.value()) return outcome;
  }
  Statement& runs = db.cached("SELECT id FROM idempotency_keys WHERE key_hash = ?");
  runs.bind(1, key.hash);
  while (true) {
    auto row = runs.step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto outcome = outcome_in_row(db, runs.column_int(0), key, request);
    if (!outcome || outcome.value()) {
      runs.reset();
      return outcome;
    }
  }
  runs.reset();
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
  if (inserted) index.recent_.emplace(key.hash, db.last_insert_rowid());
  return inserted;
}

}  // namespace pardner::ledger
