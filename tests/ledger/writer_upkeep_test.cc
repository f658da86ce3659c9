// The writer's upkeep between batches (Writer::upkeep_between_batches): a postings merge due
// runs one step in the gap after each batch, and goes on while the writer idles, so a merge
// under way ends without waiting for more writes.
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
    // Due after every batch from now on.
    writer_->stop();
    writer_options_.postings_merge_entries = 1;
    start_writer();
  }

  AccountId cash_ = 0;
  AccountId savings_ = 0;
};

TEST_F(WriterUpkeep, AMergeDueRunsInTheGapAfterEachBatch) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transfer(cash_, savings_, 1));
  writer_->stop();  // joins the thread: every batch's upkeep has run
  WriterStats stats = writer_->stats();
  // Each merge, in one step, moved its batch's two postings, and the tables took turns.
  EXPECT_EQ(stats.postings_merges, 3U);
  EXPECT_EQ(stats.postings_merge_steps, 3U);
  EXPECT_EQ(postings_rows("postings_merged"), 6);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(postings_rows("postings_recent_b"), 0);
  EXPECT_EQ(balance(savings_), 3);
}

TEST_F(WriterUpkeep, AnIdleWriterFinishesAMergeUnderWay) {
  writer_->stop();
  writer_options_.postings_merge_step = 1;  // one posting a step: a transfer's take two
  start_writer();
  ASSERT_TRUE(transfer(cash_, savings_, 1));
  // The first step took the gap after the batch; no batch follows, so the second waits for the
  // writer's next idle wake (once a second at most).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (writer_->stats().postings_merges == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  WriterStats stats = writer_->stats();
  EXPECT_EQ(stats.postings_merges, 1U);
  EXPECT_EQ(stats.postings_merge_steps, 2U);
  EXPECT_EQ(stats.batches, 1U);  // counted since this writer started: no batch ran the second
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(postings_rows("postings_merged"), 2);
}

}  // namespace
}  // namespace pardner::ledger::testing
