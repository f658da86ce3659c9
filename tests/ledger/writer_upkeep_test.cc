// The writer's upkeep between batches (Writer::upkeep_between_batches): the idempotency keys'
// sorted run and the postings merge each stop the writer for a while, so when both are due
// only one runs after a batch, the other after the next one (or when the writer idles), and
// neither is put off for ever.
#include <chrono>
#include <string>
#include <thread>

#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class WriterUpkeep : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
    // Both due after every batch from now on: a key and a posting each time.
    writer_->stop();
    writer_options_.idempotency_run_keys = 1;
    writer_options_.postings_merge_entries = 1;
    writer_options_.postings_merge_step = postings_merge_step_default;  // a merge in one step
    start_writer();
  }

  AccountId cash_ = 0;
  AccountId savings_ = 0;
};

TEST_F(WriterUpkeep, TwoRunsDueTogetherTakeTurnsOnePerGap) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transfer(cash_, savings_, 1));
  writer_->stop();  // joins the thread: every batch's upkeep has run
  WriterStats stats = writer_->stats();
  // One upkeep after each of the three batches, the two kinds in turn, the key run first: a
  // run, a merge (of the first two transfers), a run.
  EXPECT_EQ(stats.idempotency_runs, 2U);
  EXPECT_EQ(stats.postings_merges, 1U);
  EXPECT_EQ(postings_rows("postings_merged"), 4);
  // The third transfer's, in the table that took over from postings_recent; its merge put off.
  EXPECT_EQ(postings_rows("postings_recent_b"), 2);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(balance(savings_), 3);
}

TEST_F(WriterUpkeep, AnIdleWriterRunsWhatItPutOff) {
  ASSERT_TRUE(transfer(cash_, savings_, 1));
  // The key run took the gap after the batch; no batch follows, so the merge waits for the
  // writer's next idle wake (once a second at most).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (writer_->stats().postings_merges == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  WriterStats stats = writer_->stats();
  EXPECT_EQ(stats.idempotency_runs, 1U);
  EXPECT_EQ(stats.postings_merges, 1U);
  EXPECT_EQ(stats.batches, 1U);  // counted since this writer started: no batch ran it
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(postings_rows("postings_merged"), 2);
}

}  // namespace
}  // namespace pardner::ledger::testing
