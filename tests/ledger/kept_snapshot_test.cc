// A reader's kept snapshot (Reader::enter_request) and the writer's snapshot epoch that says
// when it may serve another request: never across a commit somebody has been answered for.
#include <future>

#include "ledger/sqlite.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger {
namespace {

class KeptSnapshot : public testing::LedgerTest {
 protected:
  void SetUp() override {
    testing::LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:savings", AccountType::liability);
    ASSERT_TRUE(transfer(cash_, savings_, 100));
  }

  // The balance as a request would read it: inside whatever snapshot the reader has open.
  Minor read_savings() {
    auto account = reader_->account(savings_);
    EXPECT_TRUE(account) << (account ? "" : account.error().detail);
    return account ? balance_of(account.value()).value().balance : -1;
  }

  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(KeptSnapshot, IsKeptWhileTheEpochStandsAndRenewedOnceACommitMovesIt) {
  const std::uint64_t before = writer_->snapshot_epoch();
  ASSERT_EQ(before % 2, 0u);
  ASSERT_TRUE(reader_->enter_request(before));
  EXPECT_EQ(read_savings(), 100);
  reader_->leave_request(before);
  EXPECT_TRUE(reader_->keeps_snapshot());

  ASSERT_TRUE(transfer(cash_, savings_, 50));  // answered
  const std::uint64_t after = writer_->snapshot_epoch();
  EXPECT_EQ(after % 2, 0u);
  EXPECT_GT(after, before);

  // Under the old epoch the snapshot is kept: it really is the earlier state...
  ASSERT_TRUE(reader_->enter_request(before));
  EXPECT_EQ(read_savings(), 100);
  // ...and the epoch read after the answer renews it.
  ASSERT_TRUE(reader_->enter_request(after));
  EXPECT_EQ(read_savings(), 150);
  reader_->leave_request(after);
  EXPECT_TRUE(reader_->keeps_snapshot());
}

TEST_F(KeptSnapshot, LeavingUnderAMovedOrOddEpochKeepsNothing) {
  const std::uint64_t epoch = writer_->snapshot_epoch();
  ASSERT_TRUE(reader_->enter_request(epoch));
  reader_->leave_request(epoch + 1);  // a commit in flight
  EXPECT_FALSE(reader_->keeps_snapshot());
  EXPECT_FALSE(reader_->db().in_transaction());

  ASSERT_TRUE(reader_->enter_request(epoch));
  reader_->leave_request(epoch + 2);  // committed since
  EXPECT_FALSE(reader_->keeps_snapshot());

  // Begun under an odd epoch, a snapshot is the request's own even if the epoch stands.
  ASSERT_TRUE(reader_->enter_request(epoch + 1));
  reader_->leave_request(epoch + 1);
  EXPECT_FALSE(reader_->keeps_snapshot());
  EXPECT_FALSE(reader_->db().in_transaction());
}

TEST_F(KeptSnapshot, EndingItClosesTheTransactionAndATransactionNotItsOwnIsLeftAlone) {
  const std::uint64_t epoch = writer_->snapshot_epoch();
  ASSERT_TRUE(reader_->enter_request(epoch));
  reader_->leave_request(epoch);
  ASSERT_TRUE(reader_->keeps_snapshot());
  reader_->end_kept_snapshot();
  EXPECT_FALSE(reader_->keeps_snapshot());
  EXPECT_FALSE(reader_->db().in_transaction());

  {
    ReadTransaction outer(reader_->db());
    ASSERT_TRUE(outer.ok());
    EXPECT_FALSE(reader_->enter_request(epoch));
    EXPECT_FALSE(reader_->keeps_snapshot());
    EXPECT_TRUE(reader_->db().in_transaction());  // still the outer one's
  }
  EXPECT_FALSE(reader_->db().in_transaction());
}

TEST_F(KeptSnapshot, TheEpochHasMovedBeforeTheWriterAnswers) {
  const std::uint64_t before = writer_->snapshot_epoch();
  std::promise<std::uint64_t> seen;
  writer_->submit(make_transfer(next_key(), cash_, savings_, 7),
                  [this, &seen](Result<Applied> done) {
                    EXPECT_TRUE(done);
                    seen.set_value(writer_->snapshot_epoch());
                  });
  const std::uint64_t at_answer = seen.get_future().get();
  EXPECT_EQ(at_answer % 2, 0u);
  EXPECT_GT(at_answer, before);
}

class KeptSnapshotWhileTheWalWaits : public KeptSnapshot {
 protected:
  void SetUp() override {
    // A threshold of one page: every commit leaves the WAL over four times it, so the WAL always
    // waits to start over, and no reader may keep a snapshot that would stop it.
    writer_options_.checkpoint_wal_frames = 1;
    KeptSnapshot::SetUp();
  }
};

TEST_F(KeptSnapshotWhileTheWalWaits, NoSnapshotIsKept) {
  const std::uint64_t epoch = writer_->snapshot_epoch();
  EXPECT_EQ(epoch % 2, 1u);
  ASSERT_TRUE(reader_->enter_request(epoch));
  EXPECT_EQ(read_savings(), 100);
  reader_->leave_request(writer_->snapshot_epoch());
  EXPECT_FALSE(reader_->keeps_snapshot());
  EXPECT_FALSE(reader_->db().in_transaction());
}

}  // namespace
}  // namespace pardner::ledger
