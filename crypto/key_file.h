// The ledger's signing key on disk: a small versioned text file holding the key name and seed,
// optionally sealed under a passphrase (Argon2id + XSalsa20-Poly1305), and the public verifier
// key file. Owns the file formats and the sealing; never takes a passphrase from a command line
// (only passphrase_from_env_or_file supplies one) and never writes a key file others may read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/crypto_error.h"
#include "crypto/ed25519.h"
#include "crypto/signed_note.h"

namespace pardner::crypto {

// The first line of every private key file; a future format gets a new version and this one
// stays readable.
inline constexpr std::string_view key_file_version_line = "pardner-signing-key v1";

// A signing key and the note key name it signs under.
struct NamedSigningKey {
  std::string name;
  SigningKey key;
  VerifierKey verifier_key() const;
};

// crypto_pwhash (Argon2id v1.3) cost. Files record their own; loading refuses costs outside
// libsodium's MIN..SENSITIVE range, so a crafted file cannot ask for unbounded memory.
struct PassphraseCost {
  std::uint64_t ops_limit;
  std::size_t memory_limit_bytes;
};
// libsodium's OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (2 passes, 64 MiB).
PassphraseCost interactive_passphrase_cost();

// Writes the key in clear to `path`, mode 0600, atomically (see write_file_atomically).
// Refuses an invalid key name (malformed_key); io_failed on any file error.
CryptoResult<Ok> save_signing_key(const std::filesystem::path& path, const NamedSigningKey& key);

// As save_signing_key, with the seed sealed under `passphrase`: a fresh random salt and nonce
// each time. Refuses an empty passphrase or one over passphrase_bytes_max (passphrase_missing /
// too_large).
CryptoResult<Ok> save_sealed_signing_key(const std::filesystem::path& path,
                                         const NamedSigningKey& key, std::string_view passphrase,
                                         const PassphraseCost& cost);

// Reads a private key file. Refuses, in this order: a file that cannot be opened (io_failed);
// one its group or others may access (key_file_insecure); one that is not a regular file or
// cannot be read (io_failed) or is over key_file_bytes_max (too_large); a format violation or a
// sealing cost outside bounds (malformed_key); a sealed file with no passphrase or an empty one
// (passphrase_missing); a passphrase that does not open it (bad_passphrase); a seed that does not
// give the recorded verifier key (malformed_key). A passphrase given for a clear file is unused.
CryptoResult<NamedSigningKey> load_signing_key(const std::filesystem::path& path,
                                               std::optional<std::string_view> passphrase);

// The verifier key line and "\n", mode 0644, atomically: the file `GET /v1/log/key` serves.
CryptoResult<Ok> save_verifier_key(const std::filesystem::path& path, const VerifierKey& key);

// Reads a verifier key file: one key line, with or without a final "\n" (see
// parse_verifier_key for what it refuses; io_failed / too_large for the file).
CryptoResult<VerifierKey> load_verifier_key(const std::filesystem::path& path);

// The passphrase from the environment variable `env_var_name` if it is set and non-empty, else
// from `file_path` (if not empty) without one final "\n". The file must be private like a key
// file (key_file_insecure). passphrase_missing if neither gives a non-empty passphrase,
// io_failed if the file cannot be read, too_large over passphrase_bytes_max.
CryptoResult<std::string> passphrase_from_env_or_file(std::string_view env_var_name,
                                                      const std::filesystem::path& file_path);

}  // namespace pardner::crypto
