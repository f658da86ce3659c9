// Ed25519 through libsodium's crypto_sign_* (RFC 8032 pure Ed25519). Owns sodium_init and the
// wiping of secret key bytes. Never exposes libsodium types and never logs key material.
#include "crypto/ed25519.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/invariant.h"

namespace pardner::crypto {
namespace {

static_assert(crypto_sign_PUBLICKEYBYTES == public_key_bytes);
static_assert(crypto_sign_SEEDBYTES == seed_bytes);
static_assert(crypto_sign_BYTES == signature_bytes);
static_assert(crypto_sign_SECRETKEYBYTES == 64);

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

void ensure_sodium_initialised() {
  // sodium_init is itself safe to call repeatedly, but the function-local static makes the
  // check once and gives a happens-before edge to every later call on any thread.
  static const int initialised = sodium_init();
  PARDNER_ASSERT(initialised >= 0);
}

CryptoResult<PublicKey> PublicKey::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != public_key_bytes) {
    return CryptoError{CryptoErrc::malformed_key, "an Ed25519 public key is 32 bytes"};
  }
  Bytes key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return PublicKey(key);
}

SigningKey SigningKey::generate() {
  ensure_sodium_initialised();
  Seed seed{};
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey SigningKey::from_seed(const Seed& seed) {
  ensure_sodium_initialised();
  SigningKey key;
  key.seed_ = seed;
  std::array<std::uint8_t, public_key_bytes> public_bytes{};
  const int derived =
      crypto_sign_seed_keypair(public_bytes.data(), key.secret_.data(), seed.data());
  PARDNER_ASSERT(derived == 0);
  return key;
}

CryptoResult<SigningKey> SigningKey::from_seed_bytes(std::span<const std::uint8_t> seed) {
  if (seed.size() != seed_bytes) {
    return CryptoError{CryptoErrc::malformed_key, "an Ed25519 seed is 32 bytes"};
  }
  Seed fixed{};
  std::copy(seed.begin(), seed.end(), fixed.begin());
  SigningKey key = from_seed(fixed);
  sodium_memzero(fixed.data(), fixed.size());
  return key;
}

SigningKey::~SigningKey() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(secret_.data(), secret_.size());
}

PublicKey SigningKey::public_key() const {
  // libsodium's secret key is seed || public key.
  PublicKey::Bytes bytes{};
  std::copy(secret_.begin() + seed_bytes, secret_.end(), bytes.begin());
  return PublicKey(bytes);
}

Signature SigningKey::sign(std::span<const std::uint8_t> message) const {
  Signature signature{};
  const int signed_ok = crypto_sign_detached(signature.data(), nullptr, message.data(),
                                             message.size(), secret_.data());
  PARDNER_ASSERT(signed_ok == 0);
  return signature;
}

Signature SigningKey::sign(std::string_view message) const { return sign(as_bytes(message)); }

CryptoResult<Ok> verify(const PublicKey& key, std::span<const std::uint8_t> message,
                        const Signature& signature) {
  ensure_sodium_initialised();
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                  key.bytes().data()) != 0) {
    return CryptoError{CryptoErrc::bad_signature, "the Ed25519 signature does not verify"};
  }
  return Ok{};
}

CryptoResult<Ok> verify(const PublicKey& key, std::string_view message,
                        const Signature& signature) {
  return verify(key, as_bytes(message), signature);
}

CryptoResult<Signature> signature_from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != signature_bytes) {
    return CryptoError{CryptoErrc::bad_signature, "an Ed25519 signature is 64 bytes"};
  }
  Signature signature{};
  std::copy(bytes.begin(), bytes.end(), signature.begin());
  return signature;
}

}  // namespace pardner::crypto
