// Who is calling: bearer tokens (RFC 6750) looked up by their SHA-256 hash in a TokenStore (the
// ledger's access_tokens table when serving), and the roles a route may require. Never stores,
// logs or compares a token in clear: it is hashed at once.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "api/problem.h"
#include "crypto/result.h"
#include "ledger/access_tokens.h"
#include "ledger/reader.h"

namespace pardner::api {

// DESIGN.md "Roles", as the ledger stores them with each token: {token id, role, member id}.
// A member's principal always names the member; an admin's may too.
using Role = ledger::Role;
using Principal = ledger::Principal;

// The roles a route admits, as a small set. Empty means the route is public.
class Roles {
 public:
  constexpr Roles() = default;
  constexpr Roles(std::initializer_list<Role> roles) {
    for (Role role : roles) bits_ = static_cast<std::uint8_t>(bits_ | bit(role));
  }
  constexpr bool contains(Role role) const { return (bits_ & bit(role)) != 0; }
  constexpr bool is_public() const { return bits_ == 0; }
  std::vector<Role> list() const;

 private:
  static constexpr std::uint8_t bit(Role role) {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(role));
  }
  std::uint8_t bits_ = 0;
};

inline constexpr std::size_t token_hash_hex_chars = 64;

// Where principals are found by the hash of their token. find() is called from every I/O
// thread at once, so implementations must be thread-safe, quick, and never block on the writer.
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // `token_hash_hex` is hash_token(token): 64 lowercase hex digits. nullopt when no live token
  // has it; an error only when the store cannot be read (storage_failed: answered 503).
  virtual ledger::Result<std::optional<Principal>> find(std::string_view token_hash_hex) = 0;
};

// Lowercase hex of SHA-256(token) (crypto::access_token_hash): the only form in which a token
// is stored or looked up.
std::string hash_token(std::string_view token);

// The ledger's access_tokens table, read through the calling I/O thread's Reader
// (Reader::access_token, which remembers live tokens between requests while no token changes).
// The lookup is by the table's UNIQUE hash index or a hash map of hashes: its timing can show at
// most something of a hash of a 256-bit random token, which gives nothing towards a token
// (SHA-256 is preimage-resistant).
class LedgerTokenStore final : public TokenStore {
 public:
  explicit LedgerTokenStore(std::function<ledger::Reader&()> reader) : reader_(std::move(reader)) {}
  ledger::Result<std::optional<Principal>> find(std::string_view token_hash_hex) override;

 private:
  std::function<ledger::Reader&()> reader_;
};

// For tests. Compares every stored hash with sodium_memcmp. Thread-safe.
class InMemoryTokenStore final : public TokenStore {
 public:
  // Asserts `token_hash_hex` is 64 lowercase hex digits and a member principal names its member.
  void add(std::string_view token_hash_hex, Principal principal);
  ledger::Result<std::optional<Principal>> find(std::string_view token_hash_hex) override;
  std::size_t size() const;

 private:
  struct Row {
    std::string hash_hex;
    Principal principal;
  };
  mutable std::mutex mutex_;
  std::vector<Row> rows_;
};

// Whether `text` is 64 lowercase hex digits.
bool is_token_hash_hex(std::string_view text);

// The token of an "Authorization: Bearer <token>" header: the scheme is case-insensitive
// (RFC 9110 §11.1), one space, then 1..token_bytes_max RFC 6750 b64token characters. A missing
// or malformed header is unauthorized (401 with WWW-Authenticate: Bearer).
pardner::Result<std::string_view, Problem> bearer_token(std::string_view authorization);

// The caller's principal: unauthorized for a missing, malformed or unknown token, a 503
// problem when the store cannot be read.
pardner::Result<Principal, Problem> authenticate(const Request& request, TokenStore& store);

}  // namespace pardner::api
