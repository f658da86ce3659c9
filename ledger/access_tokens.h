// Who may use the API: roles, and access tokens kept outside the log as SHA-256 hashes. The
// rules of what each role may do are the API's route table; this file only stores and finds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

enum class Role : std::uint8_t { admin, member, auditor };
std::string_view wire_name(Role role);
std::optional<Role> role_from(std::string_view name);

struct Principal {
  std::int64_t token_id = 0;
  Role role = Role::member;
  std::optional<MemberId> member;  // required for members; an admin may also be a member
};

// A live (not revoked) token with this hash; not_found otherwise.
Result<Principal> find_access_token(Database& db, const crypto::Hash& token_hash);

// Stores a token hash directly (used by `pardner init` for the first admin token, before any
// writer runs). Everything later goes through the writer's CreateAccessToken.
Result<std::int64_t> insert_access_token(Database& db, const crypto::Hash& token_hash, Role role,
                                         std::optional<MemberId> member, std::string_view label,
                                         std::int64_t created_us);

}  // namespace pardner::ledger
