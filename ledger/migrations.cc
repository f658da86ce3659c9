// Applies migrations one transaction each, so a failure leaves the database at the last
// complete version, and user_version always names exactly the migrations applied.
#include "ledger/migrations.h"

#include <optional>
#include <string>

namespace pardner::ledger {

namespace {

Result<bool> foreign_keys_enforced(Database& db) {
  auto query = db.prepare("PRAGMA foreign_keys");
  if (!query) return query.error();
  auto row = query.value().step();
  if (!row) return row.error();
  return row.value() && query.value().column_int(0) != 0;
}

// The first row whose reference names nothing, said in words; nullopt when every one holds.
Result<std::optional<std::string>> first_dangling_reference(Database& db) {
  auto check = db.prepare("PRAGMA foreign_key_check");
  if (!check) return check.error();
  auto row = check.value().step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<std::string>{};
  Statement& found = check.value();
  return std::optional<std::string>{found.column_text(0) + " row " +
                                    std::to_string(found.column_int(1)) + " names a missing " +
                                    found.column_text(2) + " row"};
}

// One migration in its own transaction; the caller rolls back when this fails.
Result<Ok> apply_migration(Database& db, const Migration& migration, int number) {
  if (auto done = db.exec("BEGIN IMMEDIATE;\n" + std::string(migration.sql)); !done) return done;
  auto dangling = first_dangling_reference(db);
  if (!dangling) return dangling.error();
  if (dangling.value()) {
    return Error{Errc::storage_failed, "it would leave a reference dangling: " + *dangling.value()};
  }
  return db.exec("PRAGMA user_version = " + std::to_string(number) + ";\nCOMMIT;");
}

}  // namespace

Result<int> schema_version(Database& db) {
  auto version_query = db.prepare("PRAGMA user_version");
  if (!version_query) return version_query.error();
  auto row = version_query.value().step();
  if (!row) return row.error();
  auto version = static_cast<int>(version_query.value().column_int(0));
  // Finished before any migration runs: a statement left mid-read makes SQLite refuse to drop
  // a table or an index ("database table is locked").
  version_query.value().reset();
  return version;
}

Result<int> migrate(Database& db) {
  const auto& migrations = embedded_migrations();
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    PARDNER_ASSERT(migrations[i].number == static_cast<int>(i) + 1);
  }
  auto current = schema_version(db);
  if (!current) return current.error();
  int version = current.value();
  auto newest = static_cast<int>(migrations.size());
  if (version > newest) {
    return Error{Errc::schema_too_new,
                 "database schema version " + std::to_string(version) +
                     " is newer than this Pardner understands (" + std::to_string(newest) +
                     "); upgrade Pardner"};
  }
  if (version == newest) return newest;
  // A migration may copy a table as large as the log (schema 10 copies every Merkle node). The
  // connection keeps temporary data in memory (ledger/sqlite.cc), and SQLite fixes where a
  // transaction's statement journal lives when the transaction begins: in memory, it would hold
  // every free page the copy reuses, and the sort would hold every row (together about 1.6 GiB
  // of resident memory migrating 10,000,000 entries; 24 MiB with files, docs/performance.md).
  // So migrations run with temporary files, set before BEGIN, and memory is set back after.
  auto enforced = foreign_keys_enforced(db);
  if (!enforced) return enforced.error();
  if (auto spill = db.exec("PRAGMA temp_store = FILE"); !spill) return spill.error();
  // Foreign keys are off while migrations run: a migration that rebuilds a table drops one that
  // others reference (schema 12), which SQLite refuses with them on. Every migration is checked
  // whole before it commits instead (PRAGMA foreign_key_check), so none can leave a reference
  // dangling. SQLite ignores the pragma inside a transaction, so it is set before BEGIN and
  // given back after, as temp_store is.
  if (auto off = db.exec("PRAGMA foreign_keys = OFF"); !off) return off.error();
  Result<int> outcome = newest;
  for (int next = version + 1; next <= newest; ++next) {
    const Migration& migration = migrations[static_cast<std::size_t>(next - 1)];
    auto applied = apply_migration(db, migration, next);
    if (!applied) {
      (void)db.exec("ROLLBACK");
      outcome =
          Error{applied.error().code, std::string("migration ") + std::string(migration.name) +
                                          " failed: " + applied.error().detail};
      break;
    }
  }
  const char* restore_keys =
      enforced.value() ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF";
  if (auto restored = db.exec(restore_keys); !restored && outcome) return restored.error();
  if (auto restored = db.exec("PRAGMA temp_store = MEMORY"); !restored && outcome) {
    return restored.error();
  }
  return outcome;
}

}  // namespace pardner::ledger
