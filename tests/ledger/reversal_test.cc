// Reversals: a new entry with the negated postings, naming what it reverses; once only.
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Reversal : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
  }
  Result<Applied> reverse(TransactionId id) {
    return submit(ReverseTransaction{.idempotency_key = next_key(), .transaction = id,
                                     .memo = "entered twice"});
  }
  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(Reversal, NegatesThePostingsAndNamesTheOriginal) {
  auto original = transfer(cash_, savings_, 400);
  ASSERT_TRUE(original);
  auto reversal = reverse(original.value().id);
  ASSERT_TRUE(reversal) << reversal.error().detail;
  EXPECT_EQ(balance(cash_), 0);
  EXPECT_EQ(balance(savings_), 0);
  auto entry = reader_->entry(reversal.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(int_field(entry.value().fields, "reverses").value(), original.value().id);
  EXPECT_EQ(int_field(entry.value().fields, "reverses_seq").value(), original.value().seq);
  EXPECT_EQ(reader_->transaction(original.value().id).value().row.reversed_by,
            reversal.value().id);
}

TEST_F(Reversal, HappensAtMostOnce) {
  auto original = transfer(cash_, savings_, 400);
  ASSERT_TRUE(original);
  ASSERT_TRUE(reverse(original.value().id));
  EXPECT_REFUSED(reverse(original.value().id), Errc::already_reversed);
  EXPECT_EQ(balance(cash_), 0);
}

TEST_F(Reversal, OfAReversalRestoresTheOriginal) {
  auto original = transfer(cash_, savings_, 400);
  auto reversal = reverse(original.value().id);
  ASSERT_TRUE(reversal);
  ASSERT_TRUE(reverse(reversal.value().id));
  EXPECT_EQ(balance(savings_), 400);
}

TEST_F(Reversal, RefusesPendingAndUnknownTransactions) {
  auto held = make_transfer(next_key(), cash_, savings_, 10);
  held.pending = true;
  auto pending = submit(held);
  ASSERT_TRUE(pending);
  EXPECT_REFUSED(reverse(pending.value().id), Errc::not_posted);
  EXPECT_REFUSED(reverse(12345), Errc::not_found);
}

TEST_F(Reversal, OfAPartlyPostedPendingNegatesWhatWasPosted) {
  auto held = make_transfer(next_key(), cash_, savings_, 100);
  held.pending = true;
  auto pending = submit(held);
  ASSERT_TRUE(pending);
  ASSERT_TRUE(submit(PostPending{.idempotency_key = next_key(), .transaction = pending.value().id,
                                 .amount = 60}));
  auto reversal = reverse(pending.value().id);
  ASSERT_TRUE(reversal);
  auto entry = reader_->entry(reversal.value().seq).value();
  EXPECT_EQ(int_field(entry.fields, "reverses_seq").value(),
            *reader_->transaction(pending.value().id).value().row.resolved_seq);
  EXPECT_EQ(balance(savings_), 0);
}

TEST_F(Reversal, RespectsFloorsLikeAnyOtherMovement) {
  auto deposit = transfer(cash_, savings_, 400);
  ASSERT_TRUE(transfer(savings_, cash_, 300));  // the member spent most of it
  EXPECT_REFUSED(reverse(deposit.value().id), Errc::insufficient_funds);
}

}  // namespace
}  // namespace pardner::ledger::testing
