// The ledger's log signing key: DIR/signing.key (private, mode 0600, optionally sealed under a
// passphrase) and DIR/verifier.key (the public verifier key line auditors pin). The key's name
// is the log origin. Passphrases come from the environment or a file, never the command line.
#pragma once

#include <optional>
#include <string>

#include "crypto/key_file.h"
#include "ledger/error.h"

namespace pardner::ledger {

// The environment variable that holds the signing key's passphrase, if it is sealed.
inline constexpr const char* key_passphrase_env = "PARDNER_KEY_PASSPHRASE";

std::string signing_key_path(const std::string& data_dir);
std::string verifier_key_path(const std::string& data_dir);

// Generates a new key named `origin` and writes both files; sealed when a passphrase is given
// in the environment or `passphrase_file`. Refuses with already_exists if a key file is there.
Result<crypto::NamedSigningKey> create_log_key(const std::string& data_dir,
                                               const std::string& origin,
                                               const std::string& passphrase_file = {});

// Loads the signing key, opening it with the passphrase from the environment or
// `passphrase_file` if it is sealed.
Result<crypto::NamedSigningKey> load_log_key(const std::string& data_dir,
                                             const std::string& passphrase_file = {});

}  // namespace pardner::ledger
