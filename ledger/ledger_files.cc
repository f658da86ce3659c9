// Ledger creation and opening. The database file is created in a fresh transaction and its
// settings stored before anything else can see it.
#include "ledger/ledger_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "crypto/access_token.h"
#include "crypto/secure_file.h"
#include "crypto/signed_note.h"
#include "ledger/access_tokens.h"
#include "ledger/currency.h"
#include "ledger/ledger_lock.h"
#include "ledger/log_key.h"
#include "ledger/signed_log.h"
#include "ledger/migrations.h"
#include "ledger/sqlite.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

Result<Ok> check_settings(const Settings& settings) {
  if (settings.name.empty()) return Error{Errc::invalid_argument, "ledger name is empty"};
  if (settings.name.size() > ledger_name_bytes_max) {
    return Error{Errc::invalid_argument, "ledger name is longer than " +
                                             std::to_string(ledger_name_bytes_max) + " bytes"};
  }
  for (char c : settings.name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.';
    if (!allowed) {
      return Error{Errc::invalid_argument,
                   "ledger name may hold only letters, digits, '-', '_' and '.'"};
    }
  }
  if (!find_currency(settings.currency)) {
    return Error{Errc::invalid_argument,
                 "currency " + settings.currency + " is not an ISO 4217 code"};
  }
  if (!crypto::is_valid_key_name(settings.log_origin)) {
    return Error{Errc::invalid_argument, "log origin " + settings.log_origin +
                                             " is not a valid note key name (no spaces, no '+')"};
  }
  if (settings.value_date_past_days < 0 ||
      settings.value_date_past_days > value_date_past_days_max) {
    return Error{Errc::invalid_argument,
                 "value-date window must be 0.." + std::to_string(value_date_past_days_max) +
                     " days"};
  }
  return Ok{};
}

}  // namespace

std::string database_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "ledger.db").string();
}

std::string admin_token_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "admin.token").string();
}

Result<std::string> init_ledger(const std::string& data_dir, Settings settings,
                                const std::string& passphrase_file) {
  if (settings.log_origin.empty()) settings.log_origin = default_log_origin(settings.name);
  if (auto ok = check_settings(settings); !ok) return ok.error();
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Error{Errc::storage_failed, "cannot create " + data_dir + ": " + ec.message()};
  if (std::filesystem::exists(database_path(data_dir), ec)) {
    return Error{Errc::already_exists, data_dir + " already holds a ledger; not overwriting it"};
  }
  ::chmod(data_dir.c_str(), 0700);  // keys and tokens will live here
  std::string path = database_path(data_dir);
  auto key = create_log_key(data_dir, settings.log_origin, passphrase_file);
  if (!key) return key.error();
  auto db = Database::open(path, Database::Mode::read_write_create);
  if (!db) return db.error();
  auto migrated = migrate(db.value());
  if (!migrated) return migrated.error();
  if (auto begun = db.value().exec("BEGIN IMMEDIATE"); !begun) return begun.error();
  // The empty log gets its checkpoint (root SHA-256("")) at once, so auditors can pin a
  // starting point before the first entry.
  std::string admin_token = crypto::generate_access_token();
  auto stored = store_settings(db.value(), settings);
  if (stored) stored = issue_checkpoint(db.value(), key.value(), 0);
  if (stored) {
    auto token = insert_access_token(db.value(), crypto::access_token_hash(admin_token),
                                     Role::admin, std::nullopt, "first admin (pardner init)",
                                     SystemClock().now());
    if (!token) stored = token.error();
  }
  if (!stored) {
    (void)db.value().exec("ROLLBACK");
    return stored.error();
  }
  if (auto committed = db.value().exec("COMMIT"); !committed) return committed.error();
  auto written = crypto::write_file_atomically(admin_token_path(data_dir), admin_token + "\n", 0600);
  if (!written) return from_crypto_error(written.error());
  return admin_token;
}

namespace {

// `held`: nullptr when the caller holds no lock; one is then taken if migrations are pending.
Result<Settings> open_and_migrate(const std::string& data_dir, const LedgerLock* held) {
  std::string path = database_path(data_dir);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Error{Errc::not_found, data_dir + " holds no ledger (run pardner init)"};
  }
  auto db = Database::open(path, Database::Mode::read_write);
  if (!db) return db.error();
  std::optional<LedgerLock> taken;
  if (held == nullptr) {
    auto version = schema_version(db.value());
    if (!version) return version.error();
    auto newest = static_cast<int>(embedded_migrations().size());
    if (version.value() < newest) {
      auto lock = LedgerLock::acquire(data_dir, "migrate");
      if (!lock) {
        return Error{lock.error().code,
                     "the ledger's schema is version " + std::to_string(version.value()) +
                         " and this Pardner's is " + std::to_string(newest) +
                         "; migrating needs the ledger to itself: " + lock.error().detail};
      }
      taken.emplace(std::move(lock).value());
    }
  }
  auto migrated = migrate(db.value());
  if (!migrated) return migrated.error();
  return load_settings(db.value());
}

}  // namespace

Result<Settings> open_ledger(const std::string& data_dir) {
  return open_and_migrate(data_dir, nullptr);
}

Result<Settings> open_ledger(const std::string& data_dir, const LedgerLock& held) {
  return open_and_migrate(data_dir, &held);
}

}  // namespace pardner::ledger
