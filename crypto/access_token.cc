// Token generation with libsodium's CSPRNG and base64url encoding.
#include "crypto/access_token.h"

#include <sodium.h>

#include <array>

#include "crypto/ed25519.h"
#include "crypto/invariant.h"

namespace pardner::crypto {

std::string generate_access_token() {
  ensure_sodium_initialised();
  std::array<unsigned char, access_token_random_bytes> random{};
  randombytes_buf(random.data(), random.size());
  std::array<char, 64> encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), random.data(), random.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(random.data(), random.size());
  std::string token(access_token_prefix);
  token += encoded.data();
  PARDNER_ASSERT(token.size() == access_token_chars);
  return token;
}

Hash access_token_hash(std::string_view token) { return sha256(token); }

bool is_access_token_shaped(std::string_view token) {
  if (token.size() != access_token_chars || token.substr(0, 4) != access_token_prefix) return false;
  for (char c : token.substr(4)) {
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace pardner::crypto
