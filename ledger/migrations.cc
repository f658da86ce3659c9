// Applies migrations one transaction each, so a failure leaves the database at the last
// complete version, and user_version always names exactly the migrations applied.
#include "ledger/migrations.h"

#include <string>

namespace pardner::ledger {

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
  if (auto spill = db.exec("PRAGMA temp_store = FILE"); !spill) return spill.error();
  Result<int> outcome = newest;
  for (int next = version + 1; next <= newest; ++next) {
    const Migration& migration = migrations[static_cast<std::size_t>(next - 1)];
    std::string sql = "BEGIN IMMEDIATE;\n";
    sql += migration.sql;
    sql += "\nPRAGMA user_version = " + std::to_string(next) + ";\nCOMMIT;";
    if (auto done = db.exec(sql); !done) {
      (void)db.exec("ROLLBACK");
      outcome =
          Error{Errc::storage_failed, std::string("migration ") + std::string(migration.name) +
                                          " failed: " + done.error().detail};
      break;
    }
  }
  if (auto restored = db.exec("PRAGMA temp_store = MEMORY"); !restored && outcome) {
    return restored.error();
  }
  return outcome;
}

}  // namespace pardner::ledger
