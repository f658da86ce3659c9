// The idempotency key index in sorted runs (schema/0009_idempotency_runs.sql): a key is found
// the same whether its hash is in a run, in the writer's memory, or loaded from the rows above
// the newest run after a restart; keys a rollback undid are found nowhere; and a ledger made
// before the runs existed keeps its keys when migrated.
#include <string>
#include <vector>

#include "ledger/migrations.h"
#include "ledger/sqlite.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/undo_migrations.h"

namespace pardner::ledger::testing {
namespace {

class IdempotencyRuns : public LedgerTest {
 protected:
  void SetUp() override {
    writer_options_.idempotency_run_keys = 4;  // a run every few commands
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset, Minor{0});
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
  }

  // A count from the ledger file, on a connection of our own.
  std::int64_t count(const char* sql) {
    auto db = Database::open(db_path(), Database::Mode::read_only);
    EXPECT_TRUE(db) << db.error().detail;
    if (!db) return -1;
    Statement& query = db.value().cached(sql);
    auto row = query.step();
    EXPECT_TRUE(row && row.value());
    std::int64_t n = query.column_int(0);
    query.reset();
    return n;
  }

  // Pays `amount` under `key`, expects it applied for the first time, and records it.
  Applied pay(const std::string& key, Minor amount) {
    auto paid = submit(make_transfer(key, cash_, savings_, amount));
    EXPECT_TRUE(paid) << (paid ? "" : paid.error().detail);
    EXPECT_TRUE(!paid || !paid.value().replayed) << key;
    Applied applied = paid ? paid.value() : Applied{};
    paid_.push_back({key, amount, applied});
    return applied;
  }

  // Every key paid so far, again with the same content, answers its first result, and with
  // other content a conflict; neither adds an entry.
  void expect_all_remembered() {
    auto size = reader_->log_size().value();
    for (const Paid& p : paid_) {
      auto again = submit(make_transfer(p.key, cash_, savings_, p.amount));
      ASSERT_TRUE(again) << p.key << ": " << again.error().detail;
      EXPECT_TRUE(again.value().replayed) << p.key;
      EXPECT_EQ(again.value(), p.first) << p.key;
      EXPECT_REFUSED(submit(make_transfer(p.key, cash_, savings_, p.amount + 1)),
                     Errc::idempotency_conflict);
    }
    EXPECT_EQ(reader_->log_size().value(), size);
  }

  struct Paid {
    std::string key;
    Minor amount;
    Applied first;
  };
  std::vector<Paid> paid_;
  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(IdempotencyRuns, KeysInRunsAndKeysInMemoryAreFoundAlike) {
  for (int i = 0; i < 10; ++i) pay("pay-" + std::to_string(i), 10 + i);
  // Ten keys with a run every four: two runs written, the last two keys still in memory.
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_runs"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys"), 8);
  EXPECT_EQ(writer_->stats().idempotency_runs, 2U);
  EXPECT_EQ(writer_->stats().idempotency_keys_in_memory, 2U);
  EXPECT_EQ(count("SELECT max(through_id) FROM idempotency_runs"),
            count("SELECT id FROM idempotency WHERE key = 'pay-7'"));
  expect_all_remembered();
  EXPECT_EQ(balance(cash_), 10 * 10 + 45);
}

TEST_F(IdempotencyRuns, ARestartedWriterFindsTheKeysAboveTheNewestRun) {
  for (int i = 0; i < 6; ++i) pay("pay-" + std::to_string(i), 10 + i);
  ASSERT_EQ(count("SELECT count(*) FROM idempotency_keys"), 4);  // pay-4 and pay-5 are not
  writer_->stop();
  start_writer();
  expect_all_remembered();
  pay("pay-6", 16);  // and a new key is new
}

// A run in steps, one range of key hashes a step and one step between two batches: every key
// is found at every step (halfway, its hash is both in memory and in the table), keys paid
// while the run goes on wait for the next one, and the run ends with each key in the table once.
TEST_F(IdempotencyRuns, ARunInStepsFindsEveryKeyAtEveryStep) {
  writer_->stop();
  writer_options_.idempotency_run_keys = 12;
  writer_options_.idempotency_run_step = 4;  // twelve keys: three ranges of hashes
  start_writer();
  for (int i = 0; i < 12; ++i) pay("pay-" + std::to_string(i), 10 + i);
  // The run's three steps follow the twelfth payment, the next and the first of the checks'
  // batches: every key is looked up halfway through it.
  for (int i = 12; i < 15; ++i) {
    pay("pay-" + std::to_string(i), 10 + i);
    ASSERT_NO_FATAL_FAILURE(expect_all_remembered());
  }
  pay("pay-15", 25);
  EXPECT_EQ(writer_->stats().idempotency_runs, 1U);
  EXPECT_EQ(writer_->stats().idempotency_run_steps, 3U);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_runs"), 1);
  EXPECT_EQ(count("SELECT keys FROM idempotency_runs"), 12);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys"), 12);
  EXPECT_EQ(count("SELECT max(through_id) FROM idempotency_runs"),
            count("SELECT id FROM idempotency WHERE key = 'pay-11'"));
  // The expect_all_remembered() calls paid nothing new: pay-12 to pay-15 wait in memory.
  EXPECT_EQ(writer_->stats().idempotency_keys_in_memory, 4U);
  expect_all_remembered();
}

// A writer stopped halfway through a run (or killed: each step is its own transaction) starts
// it over from the rows above the newest recorded run; the keys its first steps added are not
// added twice.
TEST_F(IdempotencyRuns, ARunStartedOverAddsEachKeyOnce) {
  writer_->stop();
  writer_options_.idempotency_run_keys = 12;
  writer_options_.idempotency_run_step = 4;
  start_writer();
  for (int i = 0; i < 13; ++i) pay("pay-" + std::to_string(i), 10 + i);
  writer_->stop();
  const std::int64_t added = count("SELECT count(*) FROM idempotency_keys");
  ASSERT_GE(added, 1);  // the first step, after the twelfth batch
  ASSERT_EQ(count("SELECT count(*) FROM idempotency_runs"), 0);
  start_writer();
  expect_all_remembered();
  for (int i = 13; i < 16; ++i) pay("pay-" + std::to_string(i), 10 + i);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_runs"), 1);
  // The run started over took in every row there was when it began again: more than twelve.
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys"),
            count("SELECT keys FROM idempotency_runs"));
  EXPECT_GE(count("SELECT keys FROM idempotency_runs"), 13);
  expect_all_remembered();
}

TEST_F(IdempotencyRuns, KeysOfARolledBackGroupAreFoundNowhere) {
  // The group's first command writes its key's row, the second is refused: both roll back, and
  // the next insert takes the row id the first key had held.
  auto results = writer_->submit_atomic({make_transfer("group-a", cash_, savings_, 10),
                                         make_transfer("group-b", savings_, cash_, 1'000'000)})
                     .get();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_REFUSED(results[0], Errc::batch_rolled_back);
  EXPECT_REFUSED(results[1], Errc::insufficient_funds);
  Applied other = pay("other", 5);
  // Retried alone, group-a is new: its rolled-back id now holds another key.
  Applied a = pay("group-a", 10);
  EXPECT_NE(a, other);
  for (int i = 0; i < 4; ++i) pay("more-" + std::to_string(i), 1);  // and past a run
  EXPECT_GE(count("SELECT count(*) FROM idempotency_runs"), 1);
  expect_all_remembered();
  EXPECT_EQ(count("SELECT count(*) FROM idempotency WHERE key = 'group-a'"), 1);
}

TEST_F(IdempotencyRuns, ALedgerFromBeforeTheRunsKeepsItsKeys) {
  for (int i = 0; i < 3; ++i) pay("pay-" + std::to_string(i), 10 + i);
  writer_->stop();
  {
    // Back to schema 8 as that release left it: its key-hash index, no runs.
    auto db = Database::open(db_path(), Database::Mode::read_write);
    ASSERT_TRUE(db) << db.error().detail;
    ASSERT_NO_FATAL_FAILURE(undo_schema_13(db.value()));
    ASSERT_NO_FATAL_FAILURE(undo_schema_12(db.value()));
    ASSERT_NO_FATAL_FAILURE(undo_schema_11(db.value()));
    ASSERT_NO_FATAL_FAILURE(undo_schema_10(db.value()));
    ASSERT_NO_FATAL_FAILURE(undo_schema_9(db.value()));
    auto migrated = migrate(db.value());
    ASSERT_TRUE(migrated) << migrated.error().detail;
  }
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys"),
            count("SELECT count(*) FROM idempotency"));
  EXPECT_EQ(count("SELECT max(through_id) FROM idempotency_runs"),
            count("SELECT max(id) FROM idempotency"));
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE name = 'idempotency_by_key_hash'"), 0);
  start_writer();
  expect_all_remembered();
}

}  // namespace
}  // namespace pardner::ledger::testing
