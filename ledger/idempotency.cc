// Lookups go through a 64-bit hash of the key (an integer index, small and cache-friendly),
// then compare the full key, so hash collisions cost a second row read and nothing else.
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

Result<std::optional<Result<Applied>>> settle_idempotency_key(Database& db,
                                                              const IdempotencyKey& key,
                                                              const RequestHash& request) {
  Statement& query = db.cached(
      "SELECT key, request_hash, seq, result_id, error_code, error_detail FROM idempotency"
      " WHERE key_hash = ?");
  query.bind(1, key.hash);
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto stored_key = query.column_blob(0);  // the text's bytes, without a copy
    if (std::string_view(reinterpret_cast<const char*>(stored_key.data()), stored_key.size()) !=
        key.text) {
      continue;  // a 64-bit hash collision
    }
    std::optional<Result<Applied>> outcome;
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
  query.reset();
  return std::optional<Result<Applied>>{};
}

Result<Ok> remember_outcome(Database& db, const IdempotencyKey& key, const RequestHash& request,
                            const Result<Applied>& outcome) {
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
  return insert.run();
}

}  // namespace pardner::ledger
