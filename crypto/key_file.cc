// Key file formats and passphrase sealing. Never writes a private key but through
// write_file_atomically with mode 0600, never reads one but through read_private_file, and wipes
// each seed and derived sealing key it holds before returning.
//
// Private key file, clear:             Private key file, sealed:
//   pardner-signing-key v1               pardner-signing-key v1
//   verifier-key <name+id+key>           verifier-key <name+id+key>
//   seal none                            seal argon2id13-xsalsa20poly1305
//   seed <base64 32-byte seed>           ops-limit <decimal>
//                                        memory-limit-bytes <decimal>
//                                        salt <base64 16 bytes>
//                                        nonce <base64 24 bytes>
//                                        sealed-seed <base64 48 bytes>
// Every line ends in "\n"; lines come in exactly this order. The verifier key line is in clear so
// the public key can be read without the passphrase, and loading checks the seed against it.
#include "crypto/key_file.h"

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "crypto/base64.h"
#include "crypto/decimal.h"
#include "crypto/invariant.h"
#include "crypto/limits.h"
#include "crypto/secure_file.h"

namespace pardner::crypto {
namespace {

constexpr std::string_view seal_none = "none";
constexpr std::string_view seal_argon2id = "argon2id13-xsalsa20poly1305";
constexpr mode_t private_file_mode = 0600;
constexpr mode_t public_file_mode = 0644;

static_assert(crypto_secretbox_KEYBYTES == 32);
static_assert(crypto_pwhash_SALTBYTES == 16);
static_assert(crypto_secretbox_NONCEBYTES == 24);

CryptoError malformed_key(std::string detail) {
  return CryptoError{CryptoErrc::malformed_key, std::move(detail)};
}

// Wipes a secret buffer when it goes out of scope, on every return path.
template <std::size_t Bytes>
struct WipedBytes {
  std::array<std::uint8_t, Bytes> bytes{};
  ~WipedBytes() { sodium_memzero(bytes.data(), bytes.size()); }
};

// Wipes a string holding key material (a key file's text) on every path out of a function.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& text) : text_(text) {}
  ~WipeOnExit() { sodium_memzero(text_.data(), text_.size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string& text_;
};

// The key file's lines, in order; each "field value".
class Lines {
 public:
  explicit Lines(std::string_view text) : rest_(text) {}
  // The value of the next line if it is "field value"; nullopt otherwise.
  std::optional<std::string_view> field(std::string_view name) {
    const std::size_t newline = rest_.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;
    std::string_view line = rest_.substr(0, newline);
    if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ' ') {
      return std::nullopt;
    }
    rest_.remove_prefix(newline + 1);
    return line.substr(name.size() + 1);
  }
  // True, and the line consumed, if the next line is exactly `expected`.
  bool exact(std::string_view expected) {
    if (!rest_.starts_with(expected) || !rest_.substr(expected.size()).starts_with('\n')) {
      return false;
    }
    rest_.remove_prefix(expected.size() + 1);
    return true;
  }
  bool at_end() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Base64 of exactly `Bytes` bytes into `out`.
template <std::size_t Bytes>
bool decode_exact(std::optional<std::string_view> text, std::array<std::uint8_t, Bytes>& out) {
  if (!text) return false;
  auto decoded = base64_decode(*text);
  if (!decoded || decoded.value().size() != Bytes) return false;
  std::copy(decoded.value().begin(), decoded.value().end(), out.begin());
  sodium_memzero(decoded.value().data(), decoded.value().size());
  return true;
}

bool cost_in_bounds(const PassphraseCost& cost) {
  return cost.ops_limit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
         cost.ops_limit <= crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE &&
         cost.memory_limit_bytes >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
         cost.memory_limit_bytes <= crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
}

// Argon2id (crypto_pwhash_ALG_ARGON2ID13) from passphrase and salt to a secretbox key.
CryptoResult<Ok> derive_sealing_key(std::string_view passphrase,
                                    const std::array<std::uint8_t, crypto_pwhash_SALTBYTES>& salt,
                                    const PassphraseCost& cost,
                                    std::array<std::uint8_t, crypto_secretbox_KEYBYTES>& key) {
  ensure_sodium_initialised();
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(),
                    cost.ops_limit, cost.memory_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return CryptoError{CryptoErrc::io_failed, "Argon2id could not run (out of memory?)"};
  }
  return Ok{};
}

std::string header_lines(const NamedSigningKey& key, std::string_view seal) {
  std::string text(key_file_version_line);
  text.append("\nverifier-key ").append(format_verifier_key(key.verifier_key()));
  text.append("\nseal ").append(seal).append("\n");
  return text;
}

CryptoResult<Ok> check_passphrase(std::string_view passphrase) {
  if (passphrase.empty()) {
    return CryptoError{CryptoErrc::passphrase_missing, "the passphrase is empty"};
  }
  if (passphrase.size() > passphrase_bytes_max) {
    return CryptoError{CryptoErrc::too_large, "the passphrase is over passphrase_bytes_max"};
  }
  return Ok{};
}

// Reads the sealed fields after "seal argon2id13-..." and opens the seed.
CryptoResult<Ok> open_sealed_seed(Lines& lines, std::optional<std::string_view> passphrase,
                                  SigningKey::Seed& seed) {
  const auto ops = lines.field("ops-limit");
  const auto memory = lines.field("memory-limit-bytes");
  const auto ops_limit = ops ? parse_canonical_decimal(*ops) : std::nullopt;
  const auto memory_limit = memory ? parse_canonical_decimal(*memory) : std::nullopt;
  std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
  std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
  std::array<std::uint8_t, crypto_secretbox_MACBYTES + seed_bytes> sealed{};
  if (!ops_limit || !memory_limit || !decode_exact(lines.field("salt"), salt) ||
      !decode_exact(lines.field("nonce"), nonce) ||
      !decode_exact(lines.field("sealed-seed"), sealed) || !lines.at_end()) {
    return malformed_key("the sealed key file's fields are malformed");
  }
  static_assert(sizeof(std::size_t) == sizeof(std::uint64_t), "a 64-bit platform");
  const PassphraseCost cost{*ops_limit, static_cast<std::size_t>(*memory_limit)};
  if (!cost_in_bounds(cost)) {
    return malformed_key("the key file's Argon2id cost is outside libsodium's MIN..SENSITIVE");
  }
  if (!passphrase) {
    return CryptoError{CryptoErrc::passphrase_missing, "the key file is sealed"};
  }
  if (auto usable = check_passphrase(*passphrase); !usable) return usable.error();
  WipedBytes<crypto_secretbox_KEYBYTES> sealing_key;
  if (auto derived = derive_sealing_key(*passphrase, salt, cost, sealing_key.bytes); !derived) {
    return derived.error();
  }
  // Poly1305 authenticates the sealed seed: a wrong passphrase (or a changed salt, cost or
  // nonce, which gives a different key) fails here rather than yielding a wrong key.
  if (crypto_secretbox_open_easy(seed.data(), sealed.data(), sealed.size(), nonce.data(),
                                 sealing_key.bytes.data()) != 0) {
    return CryptoError{CryptoErrc::bad_passphrase, "the passphrase does not open the key file"};
  }
  return Ok{};
}

}  // namespace

VerifierKey NamedSigningKey::verifier_key() const {
  return VerifierKey{name, key_id(name, key.public_key()), key.public_key()};
}

PassphraseCost interactive_passphrase_cost() {
  return PassphraseCost{crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

CryptoResult<Ok> save_signing_key(const std::filesystem::path& path, const NamedSigningKey& key) {
  if (!is_valid_key_name(key.name)) return malformed_key("the key name is not valid");
  std::string text = header_lines(key, seal_none);
  const WipeOnExit wipe_text(text);
  text.append("seed ").append(base64_encode(key.key.seed())).append("\n");
  return write_file_atomically(path, text, private_file_mode);
}

CryptoResult<Ok> save_sealed_signing_key(const std::filesystem::path& path,
                                         const NamedSigningKey& key, std::string_view passphrase,
                                         const PassphraseCost& cost) {
  if (!is_valid_key_name(key.name)) return malformed_key("the key name is not valid");
  if (auto usable = check_passphrase(passphrase); !usable) return usable.error();
  PARDNER_ASSERT(cost_in_bounds(cost));
  ensure_sodium_initialised();
  std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
  std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  WipedBytes<crypto_secretbox_KEYBYTES> sealing_key;
  if (auto derived = derive_sealing_key(passphrase, salt, cost, sealing_key.bytes); !derived) {
    return derived.error();
  }
  std::array<std::uint8_t, crypto_secretbox_MACBYTES + seed_bytes> sealed{};
  const int sealed_ok = crypto_secretbox_easy(sealed.data(), key.key.seed().data(), seed_bytes,
                                              nonce.data(), sealing_key.bytes.data());
  PARDNER_ASSERT(sealed_ok == 0);
  std::string text = header_lines(key, seal_argon2id);
  text.append("ops-limit ").append(std::to_string(cost.ops_limit)).append("\n");
  text.append("memory-limit-bytes ").append(std::to_string(cost.memory_limit_bytes)).append("\n");
  text.append("salt ").append(base64_encode(salt)).append("\n");
  text.append("nonce ").append(base64_encode(nonce)).append("\n");
  text.append("sealed-seed ").append(base64_encode(sealed)).append("\n");
  return write_file_atomically(path, text, private_file_mode);
}

CryptoResult<NamedSigningKey> load_signing_key(const std::filesystem::path& path,
                                               std::optional<std::string_view> passphrase) {
  auto text = read_private_file(path, key_file_bytes_max);
  if (!text) return text.error();
  const WipeOnExit wipe_text(text.value());
  Lines lines(text.value());
  if (!lines.exact(key_file_version_line))
    return malformed_key("not a pardner-signing-key v1 file");
  const auto verifier_line = lines.field("verifier-key");
  if (!verifier_line) return malformed_key("the verifier-key line is missing");
  auto recorded = parse_verifier_key(*verifier_line);
  if (!recorded)
    return malformed_key("the verifier-key line is invalid: " + recorded.error().detail);
  const auto seal = lines.field("seal");
  WipedBytes<seed_bytes> seed;
  if (seal && *seal == seal_none) {
    if (!decode_exact(lines.field("seed"), seed.bytes) || !lines.at_end()) {
      return malformed_key("the seed line is malformed");
    }
  } else if (seal && *seal == seal_argon2id) {
    if (auto opened = open_sealed_seed(lines, passphrase, seed.bytes); !opened) {
      return opened.error();
    }
  } else {
    return malformed_key("the seal line names no known sealing");
  }
  NamedSigningKey loaded{recorded.value().name, SigningKey::from_seed(seed.bytes)};
  if (loaded.key.public_key() != recorded.value().public_key) {
    return malformed_key("the seed does not give the key file's verifier key");
  }
  return loaded;
}

CryptoResult<Ok> save_verifier_key(const std::filesystem::path& path, const VerifierKey& key) {
  return write_file_atomically(path, format_verifier_key(key) + "\n", public_file_mode);
}

CryptoResult<VerifierKey> load_verifier_key(const std::filesystem::path& path) {
  auto text = read_small_file(path, key_name_bytes_max + 128);
  if (!text) return text.error();
  std::string_view line = text.value();
  if (line.ends_with('\n')) line.remove_suffix(1);
  return parse_verifier_key(line);
}

CryptoResult<std::string> passphrase_from_env_or_file(std::string_view env_var_name,
                                                      const std::filesystem::path& file_path) {
  // std::getenv is read-only here; the process sets no environment variables after start-up.
  const char* from_env = std::getenv(std::string(env_var_name).c_str());
  if (from_env != nullptr && from_env[0] != '\0') {
    std::string passphrase(from_env);
    if (auto usable = check_passphrase(passphrase); !usable) return usable.error();
    return passphrase;
  }
  if (file_path.empty()) {
    return CryptoError{CryptoErrc::passphrase_missing,
                       std::string(env_var_name) + " is not set and no passphrase file is named"};
  }
  auto text = read_private_file(file_path, passphrase_bytes_max + 1);
  if (!text) return text.error();
  std::string passphrase = std::move(text.value());
  if (passphrase.ends_with('\n')) passphrase.pop_back();
  if (auto usable = check_passphrase(passphrase); !usable) return usable.error();
  return passphrase;
}

}  // namespace pardner::crypto
