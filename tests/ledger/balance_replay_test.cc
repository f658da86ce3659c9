// The balances-only replay (`pardner verify --replay balances`) on a small real ledger: it
// reaches the full replay's trial balance after every entry, and it refuses each broken money
// rule in a log re-signed by a forger, with the full replay's own words where the projection
// has words of its own.
#include "ledger/balance_replay.h"

#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/tampered_log.h"
#include "tests/support/log_leaves.h"

namespace pardner::ledger::testing {
namespace {

class BalanceReplayTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:savings", AccountType::liability);
    euros_ = open("assets:euros", AccountType::asset, {}, "EUR");
    euro_savings_ = open("liabilities:euro-savings", AccountType::liability, {}, "EUR");
    posted_ = transfer(cash_, savings_, 500).value().id;
    ASSERT_TRUE(transfer(euros_, euro_savings_, 700));
    // A pending transfer posted for less, one voided, one expired, and a reversal.
    auto held = make_transfer(next_key(), savings_, cash_, 80);
    held.pending = true;
    held_ = submit(held).value().id;
    ASSERT_TRUE(submit(PostPending{.idempotency_key = next_key(), .transaction = held_, .amount = 30}));
    held.idempotency_key = next_key();
    voided_ = submit(held).value().id;
    ASSERT_TRUE(submit(VoidPending{.idempotency_key = next_key(), .transaction = voided_}));
    held.idempotency_key = next_key();
    held.timeout_seconds = 60;
    auto expiring = submit(held).value().id;
    clock_.advance_micros(61 * micros_per_second);
    reversed_ = transfer(cash_, savings_, 40).value().id;  // its batch expires the reservation
    ASSERT_EQ(reader_->transaction(expiring).value().row.status, TransactionStatus::expired);
    ASSERT_TRUE(submit(ReverseTransaction{.idempotency_key = next_key(), .transaction = reversed_}));
    ASSERT_TRUE(transfer(cash_, savings_, 5));
    auto leaves = pardner::testing::read_leaves(*reader_);
    ASSERT_TRUE(leaves) << leaves.error().detail;
    leaves_ = std::move(leaves).value();
  }

  // The seq of the last entry of `kind`.
  Seq last_of(EntryKind kind) {
    for (std::size_t i = leaves_.size(); i-- > 0;) {
      if (decode_leaf(leaves_[i]).value().kind == kind) return static_cast<Seq>(i);
    }
    ADD_FAILURE() << "no " << wire_name(kind);
    return 0;
  }

  // Both replays refuse the change, the balances-only one with `code`; the full one with the
  // same code and words when `same_words` (else a table constraint of its own refuses it).
  void expect_both_refuse(Seq seq, const EntryChange& change, Errc code, bool same_words = true) {
    auto full = replay_with_change(leaves_, seq, change);
    auto balances = replay_with_change(leaves_, seq, change, true);
    ASSERT_FALSE(balances) << "the balances-only replay took it";
    ASSERT_FALSE(full) << "the full replay took it; balances-only: " << balances.error().detail;
    EXPECT_EQ(wire_name(balances.error().code), wire_name(code)) << balances.error().detail;
    if (same_words) {
      EXPECT_EQ(wire_name(full.error().code), wire_name(code)) << full.error().detail;
      EXPECT_EQ(balances.error().detail, full.error().detail);
    }
    EXPECT_EQ(balances.error().detail.rfind("entry " + std::to_string(seq) + ": ", 0), 0u)
        << balances.error().detail;
  }

  static void set_posting(boost::json::object& fields, std::size_t index, const char* field,
                          std::int64_t value) {
    fields.at("postings").as_array().at(index).as_object()[field] = value;
  }

  AccountId cash_ = 0, savings_ = 0, euros_ = 0, euro_savings_ = 0;
  TransactionId posted_ = 0, held_ = 0, voided_ = 0, reversed_ = 0;
  std::vector<std::string> leaves_;
};

TEST_F(BalanceReplayTest, ReachesTheFullReplaysTrialBalanceAfterEveryEntry) {
  auto trial = expect_balance_replays_agree(leaves_);
  EXPECT_EQ(trial, reader_->trial_balance().value());
  ASSERT_EQ(trial.size(), 2u);
  EXPECT_EQ(trial[0].currency, "EUR");
  EXPECT_EQ(trial[1].debits, 500 - 30 + 5);  // the reversed 40 nets out
}

TEST_F(BalanceReplayTest, AnUnbalancedOrZeroPostingIsRefusedInTheFullReplaysWords) {
  Seq first = static_cast<Seq>(leaves_.size()) - 2;  // the reversal
  expect_both_refuse(first, [](auto& f) { set_posting(f, 0, "amount", 41); }, Errc::unbalanced);
  expect_both_refuse(first, [](auto& f) { set_posting(f, 0, "amount", 0); },
                     Errc::invalid_argument);
  // A euro account in a sterling transaction: neither currency nets to zero; EUR is named first.
  expect_both_refuse(first, [&](auto& f) { set_posting(f, 0, "account", euros_); },
                     Errc::unbalanced);
}

TEST_F(BalanceReplayTest, AnAccountNeverOpenedIsRefusedInTheFullReplaysWords) {
  Seq seq = last_of(EntryKind::transaction);
  expect_both_refuse(seq, [](auto& f) { set_posting(f, 1, "account", 999); }, Errc::not_found);
  expect_both_refuse(last_of(EntryKind::account_opened),
                     [&](auto& f) { f["account"] = cash_; }, Errc::invalid_argument,
                     /*same_words=*/false);  // the full replay's words are SQLite's
}

TEST_F(BalanceReplayTest, ReversalsAndResolutionsFollowTheTransactionsStatus) {
  Seq last = static_cast<Seq>(leaves_.size()) - 1;  // a transfer after the reversal
  Seq reversal = last - 1;
  // Reversing a transaction voided, or one reversed already.
  expect_both_refuse(reversal, [&](auto& f) { f["reverses"] = voided_; }, Errc::already_reversed);
  expect_both_refuse(last, [&](auto& f) { f["reverses"] = reversed_; }, Errc::already_reversed);
  // Reversing no transaction at all (the full replay's foreign key refuses it).
  expect_both_refuse(reversal, [&](auto& f) { f["reverses"] = 424242; }, Errc::not_found,
                     /*same_words=*/false);
  // Posting or voiding a transaction that is not pending.
  expect_both_refuse(last_of(EntryKind::pending_posted),
                     [&](auto& f) { f["transaction"] = posted_; }, Errc::not_pending);
  expect_both_refuse(last_of(EntryKind::pending_voided),
                     [&](auto& f) { f["transaction"] = held_; }, Errc::not_pending);
  // A transaction id used twice.
  expect_both_refuse(last, [&](auto& f) { f["transaction"] = posted_; }, Errc::invalid_argument,
                     /*same_words=*/false);
}

}  // namespace
}  // namespace pardner::ledger::testing
