// Bearer tokens to principals. The token is hashed before any lookup; the store is scanned
// whole with sodium_memcmp, so neither the match nor its position shows in the timing.
#include "api/auth.h"

#include <sodium.h>

#include <algorithm>
#include <span>

#include "api/limits.h"
#include "crypto/access_token.h"
#include "crypto/base64.h"

namespace pardner::api {
namespace {

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view token) {
  std::size_t i = 0;
  for (; i < token.size(); ++i) {
    char c = token[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < token.size(); ++i) {
    if (token[i] != '=') return false;
  }
  return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Problem unauthorized(std::string detail) {
  Problem problem = make_problem(ApiErrc::unauthorized, std::move(detail));
  problem.headers.emplace_back("WWW-Authenticate", "Bearer");
  return problem;
}

}  // namespace

std::vector<Role> Roles::list() const {
  std::vector<Role> out;
  for (Role role : {Role::admin, Role::member, Role::auditor}) {
    if (contains(role)) out.push_back(role);
  }
  return out;
}

std::string hash_token(std::string_view token) {
  return crypto::hex_encode(crypto::access_token_hash(token));
}

bool is_token_hash_hex(std::string_view text) {
  if (text.size() != token_hash_hex_chars) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void InMemoryTokenStore::add(std::string_view token_hash_hex, Principal principal) {
  PARDNER_ASSERT(is_token_hash_hex(token_hash_hex));
  PARDNER_ASSERT(principal.role != Role::member || principal.member.has_value());
  std::lock_guard lock(mutex_);
  rows_.push_back(Row{std::string(token_hash_hex), principal});
}

ledger::Result<std::optional<Principal>> InMemoryTokenStore::find(std::string_view token_hash_hex) {
  if (token_hash_hex.size() != token_hash_hex_chars) return std::optional<Principal>();
  std::lock_guard lock(mutex_);
  std::optional<Principal> found;
  // Every row is compared, matching or not, so the time taken says nothing about which (if
  // any) matched. Hashes are unique in practice; the first match wins.
  for (const Row& row : rows_) {
    bool equal =
        sodium_memcmp(row.hash_hex.data(), token_hash_hex.data(), token_hash_hex_chars) == 0;
    if (equal && !found) found = row.principal;
  }
  return found;
}

ledger::Result<std::optional<Principal>> LedgerTokenStore::find(std::string_view token_hash_hex) {
  auto bytes = crypto::hex_decode(token_hash_hex);
  if (!bytes || bytes.value().size() != crypto::hash_bytes) return std::optional<Principal>();
  crypto::Hash hash{};
  std::copy(bytes.value().begin(), bytes.value().end(), hash.begin());
  auto found = reader_().access_token(hash);
  if (found) return std::optional<Principal>(found.value());
  if (found.error().code == ledger::Errc::not_found) return std::optional<Principal>();
  return found.error();
}

std::size_t InMemoryTokenStore::size() const {
  std::lock_guard lock(mutex_);
  return rows_.size();
}

pardner::Result<std::string_view, Problem> bearer_token(std::string_view authorization) {
  if (authorization.empty()) return unauthorized("send Authorization: Bearer <token>");
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size() ||
      !equals_ignoring_case(authorization.substr(0, scheme.size()), scheme)) {
    return unauthorized("the Authorization scheme must be Bearer");
  }
  std::string_view token = authorization.substr(scheme.size());
  if (token.size() > token_bytes_max) {
    return unauthorized("the bearer token is longer than " + std::to_string(token_bytes_max) +
                        " bytes");
  }
  if (!is_b64token(token)) return unauthorized("the bearer token is malformed");
  return token;
}

pardner::Result<Principal, Problem> authenticate(const Request& request, TokenStore& store) {
  auto token = bearer_token(request.authorization);
  if (!token) return token.error();
  auto principal = store.find(hash_token(token.value()));
  if (!principal) return problem_from(principal.error());
  if (!principal.value()) return unauthorized("the bearer token is not known");
  return *principal.value();
}

}  // namespace pardner::api
