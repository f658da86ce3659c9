// Two-phase transfers: reserve, then post (in full or for less), void, or expire; and floors,
// which count pending amounts that could lower a balance.
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Pending : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
    shop_ = open("liabilities:members:0002:current", AccountType::liability);
    ASSERT_TRUE(transfer(cash_, savings_, 1000));
  }

  Result<Applied> reserve(AccountId debit, AccountId credit, Minor amount,
                          std::optional<std::int64_t> timeout_seconds = {}) {
    auto command = make_transfer(next_key(), debit, credit, amount);
    command.pending = true;
    command.timeout_seconds = timeout_seconds;
    return submit(command);
  }

  Balance full_balance(AccountId id) {
    auto b = reader_->balance(id);
    EXPECT_TRUE(b);
    return b ? b.value() : Balance{};
  }

  AccountId cash_ = 0, savings_ = 0, shop_ = 0;
};

TEST_F(Pending, ReservationCountsAgainstTheFloorButNotTheBalance) {
  auto held = reserve(savings_, shop_, 700);
  ASSERT_TRUE(held);
  EXPECT_EQ(balance(savings_), 1000);
  EXPECT_EQ(full_balance(savings_).debits_pending, 700);
  EXPECT_EQ(full_balance(shop_).credits_pending, 700);
  // 1000 posted minus 700 reserved leaves 300 above the floor of 0.
  EXPECT_REFUSED(transfer(savings_, shop_, 301), Errc::insufficient_funds);
  EXPECT_TRUE(transfer(savings_, shop_, 300));
}

TEST_F(Pending, PostInFullMovesTheReservedAmount) {
  auto held = reserve(savings_, shop_, 700);
  ASSERT_TRUE(held);
  ASSERT_TRUE(submit(PostPending{.idempotency_key = next_key(), .transaction = held.value().id}));
  EXPECT_EQ(balance(savings_), 300);
  EXPECT_EQ(balance(shop_), 700);
  EXPECT_EQ(full_balance(savings_).debits_pending, 0);
  auto view = reader_->transaction(held.value().id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view.value().row.status, TransactionStatus::posted);
}

TEST_F(Pending, APostingsValueDateBecomesTheTransactionsAndAVoidKeepsItsOwn) {
  auto held = reserve(savings_, shop_, 100);
  auto voided = reserve(savings_, shop_, 100);
  Date reserved_on = reader_->transaction(held.value().id).value().row.value_date;
  clock_.advance_micros(3LL * 24 * 3600 * 1000 * 1000);
  Date posted_on = reserved_on + 2;
  ASSERT_TRUE(submit(PostPending{
      .idempotency_key = next_key(), .transaction = held.value().id, .value_date = posted_on}));
  ASSERT_TRUE(submit(VoidPending{.idempotency_key = next_key(), .transaction = voided.value().id}));
  EXPECT_EQ(reader_->transaction(held.value().id).value().row.value_date, posted_on);
  EXPECT_EQ(reader_->transaction(voided.value().id).value().row.value_date, reserved_on);
  auto lines = reader_->statement(shop_, std::nullopt, 10).value().lines;
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].value_date, posted_on);
}

TEST_F(Pending, PostForLessReleasesTheRest) {
  auto held = reserve(savings_, shop_, 700);
  ASSERT_TRUE(held);
  EXPECT_REFUSED(submit(PostPending{
                     .idempotency_key = next_key(), .transaction = held.value().id, .amount = 701}),
                 Errc::invalid_argument);
  EXPECT_REFUSED(submit(PostPending{
                     .idempotency_key = next_key(), .transaction = held.value().id, .amount = 0}),
                 Errc::invalid_argument);
  ASSERT_TRUE(submit(
      PostPending{.idempotency_key = next_key(), .transaction = held.value().id, .amount = 450}));
  EXPECT_EQ(balance(savings_), 550);
  EXPECT_EQ(balance(shop_), 450);
  EXPECT_EQ(full_balance(savings_).debits_pending, 0);
  EXPECT_EQ(full_balance(shop_).credits_pending, 0);
}

TEST_F(Pending, VoidReleasesEverythingAndCannotBeRepeated) {
  auto held = reserve(savings_, shop_, 700);
  ASSERT_TRUE(held);
  ASSERT_TRUE(submit(VoidPending{.idempotency_key = next_key(), .transaction = held.value().id}));
  EXPECT_EQ(balance(savings_), 1000);
  EXPECT_EQ(full_balance(savings_).debits_pending, 0);
  EXPECT_REFUSED(submit(VoidPending{.idempotency_key = next_key(), .transaction = held.value().id}),
                 Errc::not_pending);
  EXPECT_REFUSED(submit(PostPending{.idempotency_key = next_key(), .transaction = held.value().id}),
                 Errc::not_pending);
  EXPECT_REFUSED(submit(VoidPending{.idempotency_key = next_key(), .transaction = 9999}),
                 Errc::not_found);
}

TEST_F(Pending, TheWriterExpiresAReservationPastItsTimeoutAsAnEntryOfItsOwn) {
  auto held = reserve(savings_, shop_, 700, 60);
  ASSERT_TRUE(held);
  auto size_before = reader_->log_size().value();
  clock_.advance_micros(59 * micros_per_second);
  ASSERT_TRUE(transfer(cash_, savings_, 1));  // a batch runs; not yet due
  EXPECT_EQ(reader_->transaction(held.value().id).value().row.status, TransactionStatus::pending);
  clock_.advance_micros(1 * micros_per_second);
  ASSERT_TRUE(transfer(cash_, savings_, 1));  // the expiry goes first in this batch
  auto view = reader_->transaction(held.value().id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view.value().row.status, TransactionStatus::expired);
  EXPECT_EQ(full_balance(savings_).debits_pending, 0);
  auto expiry = reader_->entry(*view.value().row.resolved_seq);
  ASSERT_TRUE(expiry);
  EXPECT_EQ(expiry.value().kind, EntryKind::pending_expired);
  EXPECT_EQ(reader_->log_size().value(), size_before + 3);
  EXPECT_REFUSED(submit(PostPending{.idempotency_key = next_key(), .transaction = held.value().id}),
                 Errc::not_pending);
}

TEST_F(Pending, WakingTheWriterExpiresWithoutOtherTraffic) {
  auto held = reserve(savings_, shop_, 700, 1);
  ASSERT_TRUE(held);
  clock_.advance_micros(2 * micros_per_second);
  writer_->wake();
  // Wait on the condition, with a deadline, rather than sleeping a fixed time.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (reader_->transaction(held.value().id).value().row.status == TransactionStatus::pending &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(reader_->transaction(held.value().id).value().row.status, TransactionStatus::expired);
}

TEST_F(Pending, TimeoutIsBoundedAndOnlyForPendingTransactions) {
  EXPECT_TRUE(reserve(savings_, shop_, 1, pending_timeout_seconds_max));
  EXPECT_REFUSED(reserve(savings_, shop_, 1, pending_timeout_seconds_max + 1),
                 Errc::invalid_argument);
  EXPECT_REFUSED(reserve(savings_, shop_, 1, 0), Errc::invalid_argument);
  auto posted = make_transfer(next_key(), savings_, shop_, 1);
  posted.timeout_seconds = 10;
  EXPECT_REFUSED(submit(posted), Errc::invalid_argument);
}

TEST_F(Pending, NegativeFloorIsACreditLine) {
  auto loan = open("assets:members:0003:credit", AccountType::asset);
  auto member = open("liabilities:members:0003:current", AccountType::liability, Minor{-500});
  (void)loan;
  // The member may go 500 below zero on their normal (credit) side, pending included.
  auto held = reserve(member, shop_, 300);
  ASSERT_TRUE(held);
  EXPECT_REFUSED(transfer(member, shop_, 201), Errc::insufficient_funds);
  EXPECT_TRUE(transfer(member, shop_, 200));
  EXPECT_EQ(balance(member), -200);
  // A deposit into an account at its floor is always accepted.
  EXPECT_TRUE(transfer(cash_, member, 50));
  EXPECT_EQ(balance(member), -150);
}

TEST_F(Pending, ChangingTheFloorIsAnEntryAndTakesEffectAtOnce) {
  auto changed = submit(SetAccountFloor{.idempotency_key = {}, .account = savings_, .floor = 900});
  ASSERT_TRUE(changed);
  EXPECT_EQ(reader_->entry(changed.value().seq).value().kind, EntryKind::account_floor_changed);
  EXPECT_REFUSED(transfer(savings_, shop_, 101), Errc::insufficient_funds);
  EXPECT_TRUE(transfer(savings_, shop_, 100));
  ASSERT_TRUE(submit(SetAccountFloor{.idempotency_key = {}, .account = savings_, .floor = {}}));
  EXPECT_TRUE(transfer(savings_, shop_, 5000));  // no floor at all now
  EXPECT_EQ(balance(savings_), -4100);
}

}  // namespace
}  // namespace pardner::ledger::testing
