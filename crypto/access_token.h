// API bearer tokens: 32 random bytes from libsodium, shown to their holder once, stored by
// everyone else only as a SHA-256 hash. Never logs or keeps a token itself.
#pragma once

#include <string>
#include <string_view>

#include "crypto/sha256.h"

namespace pardner::crypto {

inline constexpr std::size_t access_token_random_bytes = 32;
// "pdn_" then 43 characters of unpadded base64url (RFC 4648 §5): easy to spot in a leaked file.
inline constexpr std::string_view access_token_prefix = "pdn_";
inline constexpr std::size_t access_token_chars = 4 + 43;

std::string generate_access_token();

// The stored form. Tokens have 256 bits of entropy, so a plain (unsalted) hash is safe.
Hash access_token_hash(std::string_view token);

// True when `token` has the shape generate_access_token produces (checked before any lookup).
bool is_access_token_shaped(std::string_view token);

}  // namespace pardner::crypto
