// Storage guarantees enforced by SQLite itself and by migrations: entries and postings refuse
// UPDATE and DELETE (a posting leaves the recent table only once merged); a newer schema is refused
// untouched; an older one is upgraded; settings.
#include <sqlite3.h>

#include "ledger/ledger_lock.h"
#include "ledger/migrations.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Storage : public LedgerTest {
 protected:
  // Raw SQL on a separate connection, as a careless tool or an attacker with the file would.
  std::string raw_exec(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    std::string out = rc == SQLITE_OK ? "ok" : (message ? message : "error");
    sqlite3_free(message);
    sqlite3_close(db);
    return out;
  }
};

TEST_F(Storage, EntriesAndPostingsRefuseUpdateAndDeleteFromRawSql) {
  auto cash = open("assets:cash", AccountType::asset);
  auto savings = open("liabilities:savings", AccountType::liability);
  ASSERT_TRUE(transfer(cash, savings, 10));
  EXPECT_EQ(raw_exec("UPDATE entries SET leaf = X'78' WHERE seq = 0"), "entries are append-only");
  EXPECT_EQ(raw_exec("DELETE FROM entries WHERE seq = 0"), "entries are append-only");
  // Postings are in the recent table until the writer merges them; only a merge removes them.
  EXPECT_EQ(raw_exec("UPDATE postings_recent SET amount_minor = 11"), "postings are append-only");
  EXPECT_EQ(raw_exec("DELETE FROM postings_recent"), "postings are append-only");
  EXPECT_EQ(raw_exec("INSERT INTO postings_merged SELECT * FROM postings_recent"), "ok");
  EXPECT_EQ(raw_exec("UPDATE postings_merged SET amount_minor = 11"), "postings are append-only");
  EXPECT_EQ(raw_exec("DELETE FROM postings_merged"), "postings are append-only");
  EXPECT_EQ(raw_exec("DELETE FROM postings_recent"), "postings are append-only");
  EXPECT_EQ(raw_exec("DELETE FROM idempotency"), "idempotency records are permanent");
  EXPECT_EQ(reader_->log_size().value(), 3);
}

TEST(Migrations, RefuseADatabaseFromANewerPardnerWithoutTouchingIt) {
  pardner::testing::TempDir dir;
  ASSERT_TRUE(init_ledger(dir.path(), Settings{}));
  {
    auto db = Database::open(database_path(dir.path()), Database::Mode::read_write).value();
    ASSERT_TRUE(db.exec("PRAGMA user_version = 999"));
  }
  auto opened = open_ledger(dir.path());
  EXPECT_REFUSED(opened, Errc::schema_too_new);
  auto db = Database::open(database_path(dir.path()), Database::Mode::read_only).value();
  auto version = db.prepare("PRAGMA user_version").value();
  ASSERT_TRUE(version.step().value());
  EXPECT_EQ(version.column_int(0), 999);
}

// A newer Pardner's CLI run beside an older server must not migrate the file under it.
TEST(Migrations, PendingOnesWaitForTheLedgerToBeFree) {
  pardner::testing::TempDir dir;
  const std::string path = database_path(dir.path());
  const int newest = static_cast<int>(embedded_migrations().size());
  auto version_of_file = [&] {
    auto db = Database::open(path, Database::Mode::read_only).value();
    return schema_version(db).value();
  };
  {
    auto db = Database::open(path, Database::Mode::read_write_create).value();
    const Migration& first = embedded_migrations().front();
    ASSERT_TRUE(db.exec(std::string(first.sql) + ";PRAGMA user_version = 1;"));
  }
  auto server = LedgerLock::acquire(dir.path(), "serve");
  ASSERT_TRUE(server) << server.error().detail;
  auto refused = open_ledger(dir.path());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::unavailable);
  EXPECT_NE(refused.error().detail.find("schema is version 1 and this Pardner's is " +
                                        std::to_string(newest)),
            std::string::npos)
      << refused.error().detail;
  EXPECT_NE(refused.error().detail.find("pardner serve"), std::string::npos)
      << refused.error().detail;
  EXPECT_EQ(version_of_file(), 1);

  // Its holder migrates it (a ledger made by migration 1 alone has no settings to load).
  auto held = open_ledger(dir.path(), server.value());
  if (!held) {
    EXPECT_NE(held.error().code, Errc::unavailable) << held.error().detail;
  }
  EXPECT_EQ(version_of_file(), newest);
}

TEST(Migrations, AnUpToDateLedgerOpensBesideAServer) {
  pardner::testing::TempDir dir;
  Settings settings;
  settings.name = "test";
  ASSERT_TRUE(init_ledger(dir.path(), settings));
  auto server = LedgerLock::acquire(dir.path(), "serve");
  ASSERT_TRUE(server) << server.error().detail;
  auto opened = open_ledger(dir.path());
  ASSERT_TRUE(opened) << opened.error().detail;
  EXPECT_EQ(opened.value().name, "test");
}

TEST(Migrations, UpgradeAnOlderDatabaseInOrder) {
  pardner::testing::TempDir dir;
  auto db = Database::open(dir.file("old.db"), Database::Mode::read_write_create).value();
  // An "older" database: made by the first migration only, as a previous release shipped it.
  const Migration& first = embedded_migrations().front();
  ASSERT_TRUE(db.exec(std::string(first.sql) + ";PRAGMA user_version = 1;"));
  auto migrated = migrate(db);
  ASSERT_TRUE(migrated) << migrated.error().detail;
  EXPECT_EQ(migrated.value(), static_cast<int>(embedded_migrations().size()));
  auto version = db.prepare("PRAGMA user_version").value();
  ASSERT_TRUE(version.step().value());
  EXPECT_EQ(version.column_int(0), static_cast<int>(embedded_migrations().size()));
}

// Migrations run with SQLite's temporary data in files (a copy the size of the log would
// otherwise sit in memory); the connection gets its in-memory setting back afterwards.
TEST(Migrations, GiveTheConnectionItsTemporaryStoreBack) {
  pardner::testing::TempDir dir;
  auto db = Database::open(dir.file("old.db"), Database::Mode::read_write_create).value();
  const Migration& first = embedded_migrations().front();
  ASSERT_TRUE(db.exec(std::string(first.sql) + ";PRAGMA user_version = 1;"));
  ASSERT_TRUE(migrate(db));
  auto store = db.prepare("PRAGMA temp_store").value();
  ASSERT_TRUE(store.step().value());
  EXPECT_EQ(store.column_int(0), 2);  // MEMORY, as ledger/sqlite.cc opens every connection
}

TEST(Migrations, AreNumberedWithoutGaps) {
  const auto& migrations = embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].number, static_cast<int>(i) + 1) << migrations[i].name;
  }
}

// The server holds one read transaction around each request and the reader's own multi-read
// snapshots join it: one snapshot for the whole request, however the writer moves on, and the
// next transaction sees the writer's commits.
TEST_F(Storage, ReadTransactionsNestIntoOneSnapshotAndEndWithTheOuter) {
  auto cash = open("assets:cash", AccountType::asset);
  auto savings = open("liabilities:savings", AccountType::liability);
  ASSERT_TRUE(transfer(cash, savings, 10));
  Database& db = reader_->db();
  {
    ReadTransaction outer(db);
    ASSERT_TRUE(outer.ok());
    EXPECT_EQ(reader_->balance(savings).value().balance, 10);
    ASSERT_TRUE(transfer(cash, savings, 5));  // committed by the writer meanwhile
    {
      ReadTransaction inner(db);
      ASSERT_TRUE(inner.ok());
      EXPECT_EQ(reader_->balance_as_of_seq(savings, 3).value().balance, 10);
    }
    // The inner one ended nothing: still the outer's snapshot.
    EXPECT_EQ(sqlite3_get_autocommit(db.handle()), 0);
    EXPECT_EQ(reader_->balance(savings).value().balance, 10);
  }
  EXPECT_NE(sqlite3_get_autocommit(db.handle()), 0);
  EXPECT_EQ(reader_->balance(savings).value().balance, 15);
}

TEST(Init, RefusesToOverwriteAnExistingLedger) {
  pardner::testing::TempDir dir;
  ASSERT_TRUE(init_ledger(dir.path(), Settings{}));
  EXPECT_REFUSED(init_ledger(dir.path(), Settings{}), Errc::already_exists);
}

TEST(Init, UsesWalWithFullSyncAndForeignKeys) {
  pardner::testing::TempDir dir;
  ASSERT_TRUE(init_ledger(dir.path(), Settings{}));
  auto db = Database::open(database_path(dir.path()), Database::Mode::read_write).value();
  auto pragma = [&](const char* sql) {
    auto statement = db.prepare(sql).value();
    EXPECT_TRUE(statement.step().value());
    return statement.column_text(0);
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
}

TEST(Init, RefusesBadSettings) {
  pardner::testing::TempDir dir;
  Settings bad_currency;
  bad_currency.currency = "ABC";
  EXPECT_REFUSED(init_ledger(dir.path(), bad_currency), Errc::invalid_argument);
  Settings bad_name;
  bad_name.name = "has space";
  EXPECT_REFUSED(init_ledger(dir.path(), bad_name), Errc::invalid_argument);
  Settings stored;
  stored.name = "levenshulme-market";
  stored.currency = "EUR";
  stored.value_date_past_days = 7;
  ASSERT_TRUE(init_ledger(dir.path(), stored));
  auto loaded = open_ledger(dir.path()).value();
  EXPECT_EQ(loaded.name, "levenshulme-market");
  EXPECT_EQ(loaded.currency, "EUR");
  EXPECT_EQ(loaded.value_date_past_days, 7);
}

}  // namespace
}  // namespace pardner::ledger::testing
