// The transactions table as schema 12 left it: the same rule for a status, checked by
// comparisons; a ledger from before keeps every row; migrations leave no reference dangling.
#include "ledger/integrity_check.h"
#include "ledger/migrations.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/undo_migrations.h"

namespace pardner::ledger::testing {
namespace {

class TransactionsTable : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
    shop_ = open("liabilities:members:0002:current", AccountType::liability);
  }

  Result<Applied> reserve(Minor amount, std::optional<std::int64_t> timeout_seconds = {}) {
    auto command = make_transfer(next_key(), savings_, shop_, amount);
    command.pending = true;
    command.timeout_seconds = timeout_seconds;
    return submit(command);
  }

  // Every status and both references: posted, pending, posted after pending, voided, expired,
  // reversed and reversing.
  void write_every_kind_of_row() {
    ASSERT_TRUE(transfer(cash_, savings_, 1000));
    auto reversed = transfer(savings_, shop_, 40);
    ASSERT_TRUE(reversed);
    ASSERT_TRUE(submit(ReverseTransaction{.idempotency_key = next_key(),
                                          .transaction = reversed.value().id,
                                          .memo = "entered twice"}));
    auto posted = reserve(100);
    ASSERT_TRUE(posted);
    ASSERT_TRUE(
        submit(PostPending{.idempotency_key = next_key(), .transaction = posted.value().id}));
    auto voided = reserve(50);
    ASSERT_TRUE(voided);
    ASSERT_TRUE(
        submit(VoidPending{.idempotency_key = next_key(), .transaction = voided.value().id}));
    ASSERT_TRUE(reserve(30, 60));
    ASSERT_TRUE(reserve(20));  // still pending
    clock_.advance_micros(61 * micros_per_second);
    ASSERT_TRUE(transfer(cash_, savings_, 1));  // the expiry goes first in this batch
  }

  Database file() {
    auto db = Database::open(db_path(), Database::Mode::read_write);
    EXPECT_TRUE(db) << db.error().detail;
    return std::move(db.value());
  }

  static std::vector<std::string> rows(Database& db) {
    auto query = db.prepare(
                       "SELECT id, seq, status, value_date, timeout_us, resolved_seq, reverses,"
                       " reversed_by FROM transactions ORDER BY id")
                     .value();
    std::vector<std::string> out;
    while (query.step().value()) {
      std::string row;
      for (int column = 0; column < 8; ++column) {
        row += (query.column_is_null(column) ? "NULL" : query.column_text(column)) + "|";
      }
      out.push_back(row);
    }
    return out;
  }

  static std::string table_sql(Database& db) {
    auto query =
        db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'transactions'")
            .value();
    return query.step().value() ? query.column_text(0) : std::string();
  }

  static bool foreign_keys_on(Database& db) {
    auto keys = db.prepare("PRAGMA foreign_keys").value();
    return keys.step().value() && keys.column_int(0) == 1;
  }

  AccountId cash_ = 0, savings_ = 0, shop_ = 0;
};

TEST_F(TransactionsTable, ALedgerFromBeforeSchemaTwelveKeepsEveryTransaction) {
  ASSERT_NO_FATAL_FAILURE(write_every_kind_of_row());
  const std::int64_t savings_before = balance(savings_);
  writer_->stop();
  reader_.reset();
  std::vector<std::string> before;
  {
    auto db = file();
    before = rows(db);
    ASSERT_NO_FATAL_FAILURE(undo_schemas_down_to(db, 11));
    ASSERT_NE(table_sql(db).find("status IN ('posted'"), std::string::npos) << table_sql(db);
    ASSERT_EQ(rows(db), before);
    auto migrated = migrate(db);
    ASSERT_TRUE(migrated) << migrated.error().detail;
    EXPECT_EQ(rows(db), before);
    EXPECT_EQ(table_sql(db).find(" IN ("), std::string::npos) << table_sql(db);
    EXPECT_TRUE(foreign_keys_on(db));  // given back after migrating with them off
  }
  auto report = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
  start_writer();
  EXPECT_EQ(balance(savings_), savings_before);
  // The migrated table takes new rows and status changes, references included.
  auto held = reserve(10);
  ASSERT_TRUE(held);
  ASSERT_TRUE(submit(PostPending{.idempotency_key = next_key(), .transaction = held.value().id}));
  ASSERT_TRUE(submit(ReverseTransaction{
      .idempotency_key = next_key(), .transaction = held.value().id, .memo = "wrong member"}));
  EXPECT_EQ(balance(savings_), savings_before);
  report = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
}

// The reason for schema 12: with the IN list, SQLite built a temporary index of the four
// statuses for every row inserted (docs/performance.md). The rule itself must not have moved.
TEST_F(TransactionsTable, TheStatusRuleHoldsWithoutATemporaryIndex) {
  writer_->stop();
  auto db = file();
  for (const char* change :
       {"INSERT INTO transactions (id, seq, status, value_date) VALUES (?, 0, ?, '2026-11-22')",
        "UPDATE transactions SET status = ? WHERE id = ?"}) {
    auto plan = db.prepare(std::string("EXPLAIN ") + change).value();
    std::string opcodes;
    while (plan.step().value()) opcodes += plan.column_text(1) + " ";
    EXPECT_EQ(opcodes.find("OpenEphemeral"), std::string::npos) << change << ": " << opcodes;
  }
  ASSERT_TRUE(db.exec("BEGIN"));
  std::int64_t id = 1'000'000;
  for (const char* status : {"posted", "pending", "voided", "expired"}) {
    auto inserted = db.prepare(
                          "INSERT INTO transactions (id, seq, status, value_date) VALUES (?, 0, ?, "
                          "'2026-11-22')")
                        .value();
    EXPECT_TRUE(inserted.bind(1, ++id).bind(2, std::string_view(status)).run()) << status;
  }
  for (const char* status : {"Posted", "reversed", "", "posted "}) {
    auto inserted = db.prepare(
                          "INSERT INTO transactions (id, seq, status, value_date) VALUES (?, 0, ?, "
                          "'2026-11-22')")
                        .value();
    auto refused = inserted.bind(1, ++id).bind(2, std::string_view(status)).run();
    ASSERT_FALSE(refused) << "'" << status << "' was taken";
    EXPECT_NE(refused.error().detail.find("CHECK constraint failed"), std::string::npos)
        << refused.error().detail;
    auto changed = db.prepare("UPDATE transactions SET status = ? WHERE id = ?").value();
    EXPECT_FALSE(changed.bind(1, std::string_view(status)).bind(2, std::int64_t{1'000'001}).run())
        << "'" << status << "' was set";
  }
  ASSERT_TRUE(db.exec("ROLLBACK"));
}

// Migrations run with foreign keys off (a rebuilt table is dropped while others reference it),
// so each is checked whole before it commits: one that would leave a reference dangling is
// refused and the file stays at the version before it.
TEST_F(TransactionsTable, AMigrationThatWouldLeaveAReferenceDanglingIsRefused) {
  ASSERT_NO_FATAL_FAILURE(write_every_kind_of_row());
  writer_->stop();
  reader_.reset();
  auto db = file();
  ASSERT_NO_FATAL_FAILURE(undo_schemas_down_to(db, 11));
  // A reversal naming a transaction the file does not hold, written with the keys off.
  ASSERT_TRUE(db.exec("PRAGMA foreign_keys = OFF"));
  ASSERT_TRUE(
      db.exec("UPDATE transactions SET reverses = 424242 WHERE id = (SELECT max(id) FROM"
              " transactions)"));
  ASSERT_TRUE(db.exec("PRAGMA foreign_keys = ON"));
  auto migrated = migrate(db);
  ASSERT_FALSE(migrated);
  EXPECT_NE(migrated.error().detail.find("0012"), std::string::npos) << migrated.error().detail;
  EXPECT_NE(migrated.error().detail.find("transactions row"), std::string::npos)
      << migrated.error().detail;
  EXPECT_EQ(schema_version(db).value(), 11);
  EXPECT_NE(table_sql(db).find("status IN ('posted'"), std::string::npos);
  EXPECT_TRUE(foreign_keys_on(db));  // given back after the refusal too
}

}  // namespace
}  // namespace pardner::ledger::testing
