// Atomic groups (Writer::submit_atomic): every command applied in one batch, or none; a refusal
// rolls back the group's entries, derived state and idempotency records, and leaves the log and
// its checkpoint as they were; replays; a group past a batch's command cap; groups mixed with
// ordinary commands in one batch; a storage failure inside a group stops the writer.
#include <sqlite3.h>

#include <future>

#include "ledger/limits.h"
#include "ledger/rebuild.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

using Results = std::vector<Result<Applied>>;

class AtomicGroup : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
    shop_ = open("liabilities:members:0002:current", AccountType::liability, Minor{0});
    ASSERT_TRUE(transfer(cash_, savings_, 1000));
  }

  Results atomic(std::vector<Command> commands) {
    return writer_->submit_atomic(std::move(commands)).get();
  }

  // Savings pays the shop: refused insufficient_funds past the savings balance (floor 0).
  CreateTransaction pay(const std::string& key, Minor amount) {
    return make_transfer(key, savings_, shop_, amount);
  }

  std::int64_t log_size() { return reader_->log_size().value(); }
  std::string checkpoint() { return reader_->latest_checkpoint().value().note; }

  // Rows in the idempotency table under `key`, read on a connection of our own.
  int idempotency_rows(const std::string& key) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM idempotency WHERE key = ?", -1, &query,
                                 nullptr),
              SQLITE_OK);
    sqlite3_bind_text(query, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(query), SQLITE_ROW);
    int rows = sqlite3_column_int(query, 0);
    sqlite3_finalize(query);
    sqlite3_close(db);
    return rows;
  }

  void expect_rebuild_agrees() {
    auto report = rebuild(db_path());
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_TRUE(report.value().differences.empty());
  }

  AccountId cash_ = 0, savings_ = 0, shop_ = 0;
};

TEST_F(AtomicGroup, AppliesEveryCommandInOrderInOneBatch) {
  auto batches = writer_->stats().batches;
  auto size = log_size();
  Results results = atomic({pay("a", 100), pay("b", 200), pay("c", 300)});
  ASSERT_EQ(results.size(), 3u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().detail;
    EXPECT_EQ(results[i].value().seq, size + static_cast<Seq>(i));
    EXPECT_FALSE(results[i].value().replayed);
  }
  EXPECT_EQ(writer_->stats().batches, batches + 1);
  EXPECT_EQ(balance(savings_), 400);
  EXPECT_EQ(balance(shop_), 600);
  EXPECT_EQ(reader_->latest_checkpoint().value().tree_size, static_cast<std::uint64_t>(size + 3));
  expect_rebuild_agrees();
}

TEST_F(AtomicGroup, OneRefusalRollsBackTheWholeGroupAndLeavesNoTrace) {
  auto size = log_size();
  auto signed_checkpoint = checkpoint();
  // 600 + 300 leaves 100 in savings; the third payment of 200 passes the floor.
  Results results = atomic({pay("a", 600), pay("b", 300), pay("c", 200), pay("d", 50)});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_REFUSED(results[0], Errc::batch_rolled_back);
  EXPECT_REFUSED(results[1], Errc::batch_rolled_back);
  EXPECT_REFUSED(results[2], Errc::insufficient_funds);
  EXPECT_REFUSED(results[3], Errc::batch_rolled_back);  // after the refusal: never tried
  EXPECT_NE(results[0].error().detail.find("command 2"), std::string::npos);

  EXPECT_EQ(log_size(), size);
  EXPECT_EQ(checkpoint(), signed_checkpoint);
  EXPECT_EQ(balance(savings_), 1000);
  EXPECT_EQ(balance(shop_), 0);
  for (const char* key : {"a", "b", "c", "d"}) EXPECT_EQ(idempotency_rows(key), 0) << key;

  // The keys are free: the applied commands' records went, and so did the refusal's, so the
  // same payment retried alone is a new request, not a replay of the group's answer.
  auto retried = submit(pay("a", 600));
  ASSERT_TRUE(retried) << retried.error().detail;
  EXPECT_FALSE(retried.value().replayed);
  EXPECT_EQ(retried.value().seq, size);  // the tail was restored: no gap in seq
  ASSERT_TRUE(submit(pay("c", 200)));
  EXPECT_EQ(balance(savings_), 200);
  expect_rebuild_agrees();
}

TEST_F(AtomicGroup, AReplayedGroupAnswersItsFirstResultsWithoutNewEntries) {
  Results first = atomic({pay("a", 100), pay("b", 200)});
  ASSERT_TRUE(first[0] && first[1]);
  auto size = log_size();
  Results again = atomic({pay("a", 100), pay("b", 200)});
  ASSERT_TRUE(again[0] && again[1]);
  EXPECT_EQ(again[0].value(), first[0].value());
  EXPECT_EQ(again[1].value(), first[1].value());
  EXPECT_TRUE(again[0].value().replayed && again[1].value().replayed);
  EXPECT_EQ(log_size(), size);

  // A replay inside a new group counts as that command's success.
  Results mixed = atomic({pay("a", 100), pay("e", 10)});
  ASSERT_TRUE(mixed[0] && mixed[1]);
  EXPECT_TRUE(mixed[0].value().replayed);
  EXPECT_FALSE(mixed[1].value().replayed);
  EXPECT_EQ(log_size(), size + 1);

  // A key used before with other content refuses the group, as it refuses a single command.
  Results conflict = atomic({pay("f", 10), pay("b", 201)});
  EXPECT_REFUSED(conflict[0], Errc::batch_rolled_back);
  EXPECT_REFUSED(conflict[1], Errc::idempotency_conflict);
  EXPECT_EQ(idempotency_rows("f"), 0);
  EXPECT_EQ(log_size(), size + 1);
  // A refusal remembered from a single command refuses the group too.
  EXPECT_REFUSED(submit(pay("g", 5000)), Errc::insufficient_funds);
  Results remembered = atomic({pay("g", 5000)});
  EXPECT_REFUSED(remembered[0], Errc::insufficient_funds);
  EXPECT_EQ(idempotency_rows("g"), 1);
}

TEST_F(AtomicGroup, AGroupPastTheBatchCapIsAppliedWholeInOneBatch) {
  static_assert(atomic_group_commands_max > batch_commands_max);
  std::vector<Command> commands;
  for (std::size_t i = 0; i < atomic_group_commands_max; ++i) {
    commands.push_back(make_transfer("big-" + std::to_string(i), cash_, shop_, 1));
  }
  auto batches = writer_->stats().batches;
  auto size = log_size();
  Results results = atomic(commands);
  ASSERT_EQ(results.size(), atomic_group_commands_max);
  for (const auto& result : results) ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(writer_->stats().batches, batches + 1);
  EXPECT_EQ(writer_->stats().last_batch_commands, atomic_group_commands_max);
  EXPECT_EQ(log_size(), size + static_cast<std::int64_t>(atomic_group_commands_max));
  EXPECT_EQ(balance(shop_), static_cast<Minor>(atomic_group_commands_max));

  // One past the cap is refused whole before it reaches the queue.
  commands.push_back(make_transfer("big-past", cash_, shop_, 1));
  for (auto& command : commands) std::get<CreateTransaction>(command).idempotency_key += "-2";
  Results refused = atomic(commands);
  ASSERT_EQ(refused.size(), atomic_group_commands_max + 1);
  for (const auto& result : refused) EXPECT_REFUSED(result, Errc::invalid_argument);
  EXPECT_EQ(log_size(), size + static_cast<std::int64_t>(atomic_group_commands_max));
}

TEST_F(AtomicGroup, GroupsAndOrdinaryCommandsShareOneBatchWithoutDisturbingEachOther) {
  // Hold the writer thread in a completion so everything below is queued before it takes the
  // next batch; a real completion must never block, this one does only to fix the batching.
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  writer_->submit(make_transfer("hold", cash_, savings_, 1), [&entered, released](Result<Applied>) {
    entered.set_value();
    released.wait();
  });
  entered.get_future().wait();
  auto batches = writer_->stats().batches;
  auto size = log_size();

  auto before = writer_->submit_all({pay("x1", 100), pay("x2", 5000)});
  auto refused_group = writer_->submit_atomic({pay("r1", 100), pay("r2", 5000)});
  auto applied_group = writer_->submit_atomic({pay("g1", 200), pay("g2", 300)});
  auto after = writer_->submit_all({pay("y1", 1)});
  release.set_value();

  auto x1 = before[0].get(), x2 = before[1].get(), y1 = after[0].get();
  Results refused = refused_group.get(), applied = applied_group.get();
  EXPECT_EQ(writer_->stats().batches, batches + 1);
  EXPECT_EQ(writer_->stats().last_batch_commands, 7u);

  ASSERT_TRUE(x1);
  EXPECT_REFUSED(x2, Errc::insufficient_funds);
  EXPECT_REFUSED(refused[0], Errc::batch_rolled_back);
  EXPECT_REFUSED(refused[1], Errc::insufficient_funds);
  ASSERT_TRUE(applied[0] && applied[1]);
  ASSERT_TRUE(y1);
  // Seqs run on without a gap where the refused group was rolled back.
  EXPECT_EQ(x1.value().seq, size);
  EXPECT_EQ(applied[0].value().seq, size + 1);
  EXPECT_EQ(applied[1].value().seq, size + 2);
  EXPECT_EQ(y1.value().seq, size + 3);
  EXPECT_EQ(log_size(), size + 4);
  EXPECT_EQ(reader_->latest_checkpoint().value().tree_size, static_cast<std::uint64_t>(size + 4));
  EXPECT_EQ(balance(savings_), 1001 - 100 - 200 - 300 - 1);
  // The ordinary refusal is remembered; the group's is not.
  EXPECT_EQ(idempotency_rows("x2"), 1);
  EXPECT_EQ(idempotency_rows("r1") + idempotency_rows("r2"), 0);
  expect_rebuild_agrees();
}

TEST_F(AtomicGroup, AStorageFailureInsideAGroupStopsTheWriterAndWritesNothing) {
  auto size = log_size();
  // A trigger added behind the writer's back fails the second command's entry as a full disk
  // would: an SQLite error the writer cannot tell from any other.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TRIGGER fail_poison BEFORE INSERT ON entries"
                           " WHEN instr(CAST(NEW.leaf AS TEXT), 'poison') > 0"
                           " BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  Results results =
      atomic({pay("a", 10), make_transfer("b", savings_, shop_, 10, "poison"), pay("c", 10)});
  for (const auto& result : results) EXPECT_REFUSED(result, Errc::storage_failed);
  EXPECT_FALSE(writer_->healthy());
  EXPECT_EQ(log_size(), size);
  EXPECT_EQ(idempotency_rows("a"), 0);
  EXPECT_REFUSED(writer_->submit_and_wait(pay("d", 1)), Errc::unavailable);
  Results later = atomic({pay("e", 1)});
  EXPECT_REFUSED(later[0], Errc::unavailable);
}

}  // namespace
}  // namespace pardner::ledger::testing
