// Ed25519 keys and detached signatures (RFC 8032 §5.1, pure Ed25519, no context) via libsodium.
// Owns the key types and the only calls into libsodium's signing API; never writes a key
// anywhere (crypto/key_file.h does) and never signs anything but the bytes it is given.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/crypto_error.h"

namespace pardner::crypto {

inline constexpr std::size_t public_key_bytes = 32;
inline constexpr std::size_t seed_bytes = 32;
inline constexpr std::size_t signature_bytes = 64;

using Signature = std::array<std::uint8_t, signature_bytes>;

// Initialises libsodium once per process (thread-safe); every function here calls it first.
void ensure_sodium_initialised();

class PublicKey {
 public:
  using Bytes = std::array<std::uint8_t, public_key_bytes>;
  explicit PublicKey(const Bytes& bytes) : bytes_(bytes) {}
  // Refuses (malformed_key) anything but 32 bytes.
  static CryptoResult<PublicKey> from_bytes(std::span<const std::uint8_t> bytes);
  const Bytes& bytes() const { return bytes_; }
  bool operator==(const PublicKey&) const = default;

 private:
  Bytes bytes_;
};

// A private key: the RFC 8032 32-byte seed and libsodium's expanded 64-byte secret key
// (seed || public key). Movable and copyable; both copies are wiped when destroyed.
class SigningKey {
 public:
  using Seed = std::array<std::uint8_t, seed_bytes>;
  // A fresh key from libsodium's CSPRNG.
  static SigningKey generate();
  // The key for a given seed (RFC 8032 §5.1.5): test vectors and key files use this.
  static SigningKey from_seed(const Seed& seed);
  // As from_seed, refusing (malformed_key) anything but 32 bytes.
  static CryptoResult<SigningKey> from_seed_bytes(std::span<const std::uint8_t> seed);

  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

  const Seed& seed() const { return seed_; }
  PublicKey public_key() const;
  // A detached signature over exactly `message` (RFC 8032 §5.1.6); deterministic.
  Signature sign(std::span<const std::uint8_t> message) const;
  Signature sign(std::string_view message) const;

 private:
  SigningKey() = default;
  Seed seed_{};
  std::array<std::uint8_t, 64> secret_{};  // libsodium's crypto_sign_SECRETKEYBYTES layout
};

// Ok when `signature` is a valid signature of `message` by `key` (RFC 8032 §5.1.7, with
// libsodium's canonical-encoding and small-order checks); bad_signature otherwise.
CryptoResult<Ok> verify(const PublicKey& key, std::span<const std::uint8_t> message,
                        const Signature& signature);
CryptoResult<Ok> verify(const PublicKey& key, std::string_view message, const Signature& signature);

// Refuses (bad_signature) anything but 64 bytes: a signature of the wrong length is not one.
CryptoResult<Signature> signature_from_bytes(std::span<const std::uint8_t> bytes);

}  // namespace pardner::crypto
