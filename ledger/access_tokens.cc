// Token rows. Lookups are by the UNIQUE hash index; a revoked token is simply not found.
#include "ledger/access_tokens.h"

namespace pardner::ledger {

std::string_view wire_name(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::member: return "member";
    case Role::auditor: return "auditor";
  }
  return "unknown";
}

std::optional<Role> role_from(std::string_view name) {
  for (auto role : {Role::admin, Role::member, Role::auditor}) {
    if (wire_name(role) == name) return role;
  }
  return std::nullopt;
}

Result<Principal> find_access_token(Database& db, const crypto::Hash& token_hash) {
  Statement& query = db.cached(
      "SELECT id, role, member_id FROM access_tokens WHERE token_hash = ? AND revoked_us IS NULL");
  query.bind_blob(1, token_hash);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    query.reset();
    return Error{Errc::not_found, "no such token"};
  }
  auto role = role_from(query.column_text(1));
  Principal principal{query.column_int(0), role.value_or(Role::member),
                      query.column_optional_int(2)};
  query.reset();
  if (!role) return Error{Errc::storage_failed, "token row holds an unknown role"};
  return principal;
}

Result<std::int64_t> insert_access_token(Database& db, const crypto::Hash& token_hash, Role role,
                                         std::optional<MemberId> member, std::string_view label,
                                         std::int64_t created_us) {
  auto inserted = db.cached(
                        "INSERT INTO access_tokens (token_hash, role, member_id, label, created_us)"
                        " VALUES (?, ?, ?, ?, ?)")
                      .bind_blob(1, token_hash)
                      .bind(2, wire_name(role))
                      .bind(3, member)
                      .bind(4, label)
                      .bind(5, created_us)
                      .run();
  if (!inserted) return inserted.error();
  return sqlite3_last_insert_rowid(db.handle());
}

}  // namespace pardner::ledger
