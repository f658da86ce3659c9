// Creating and loading the log key. A sealed key without a passphrase available is refused
// rather than silently left unusable.
#include "ledger/log_key.h"

#include <cstdlib>
#include <filesystem>

namespace pardner::ledger {

std::string signing_key_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "signing.key").string();
}

std::string verifier_key_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "verifier.key").string();
}

Result<crypto::NamedSigningKey> create_log_key(const std::string& data_dir,
                                               const std::string& origin,
                                               const std::string& passphrase_file) {
  std::error_code ec;
  if (std::filesystem::exists(signing_key_path(data_dir), ec)) {
    return Error{Errc::already_exists, data_dir + " already holds a signing key"};
  }
  crypto::NamedSigningKey key{origin, crypto::SigningKey::generate()};
  const char* from_env = std::getenv(key_passphrase_env);
  bool sealed = (from_env != nullptr && *from_env != '\0') || !passphrase_file.empty();
  if (sealed) {
    auto passphrase = crypto::passphrase_from_env_or_file(key_passphrase_env, passphrase_file);
    if (!passphrase) return from_crypto_error(passphrase.error());
    auto saved = crypto::save_sealed_signing_key(signing_key_path(data_dir), key,
                                                 passphrase.value(),
                                                 crypto::interactive_passphrase_cost());
    if (!saved) return from_crypto_error(saved.error());
  } else {
    auto saved = crypto::save_signing_key(signing_key_path(data_dir), key);
    if (!saved) return from_crypto_error(saved.error());
  }
  auto published = crypto::save_verifier_key(verifier_key_path(data_dir), key.verifier_key());
  if (!published) return from_crypto_error(published.error());
  return key;
}

Result<crypto::NamedSigningKey> load_log_key(const std::string& data_dir,
                                             const std::string& passphrase_file) {
  std::optional<std::string> passphrase;
  const char* from_env = std::getenv(key_passphrase_env);
  if ((from_env != nullptr && *from_env != '\0') || !passphrase_file.empty()) {
    auto found = crypto::passphrase_from_env_or_file(key_passphrase_env, passphrase_file);
    if (!found) return from_crypto_error(found.error());
    passphrase = std::move(found.value());
  }
  std::optional<std::string_view> view;
  if (passphrase) view = *passphrase;
  auto key = crypto::load_signing_key(signing_key_path(data_dir), view);
  if (!key) return from_crypto_error(key.error());
  return std::move(key).value();
}

}  // namespace pardner::ledger
