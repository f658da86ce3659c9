// New transactions: balancing per currency and every refusal, in the order the guards run.
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Transaction : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
    euro_cash_ = open("assets:cash-eur", AccountType::asset, {}, "EUR");
    euro_savings_ = open("liabilities:members:0001:savings-eur", AccountType::liability, {}, "EUR");
    closed_ = open("liabilities:members:0002:old", AccountType::liability);
    ASSERT_TRUE(submit(CloseAccount{.account = closed_}));
  }

  CreateTransaction with(std::vector<Posting> postings) {
    CreateTransaction command;
    command.idempotency_key = next_key();
    command.postings = std::move(postings);
    command.memo = "test";
    return command;
  }

  AccountId cash_ = 0, savings_ = 0, euro_cash_ = 0, euro_savings_ = 0, closed_ = 0;
};

TEST_F(Transaction, BalancedDepositMovesBothAccountsOnTheirNormalSides) {
  auto done = transfer(cash_, savings_, 2500);
  ASSERT_TRUE(done) << done.error().detail;
  EXPECT_EQ(balance(cash_), 2500);     // asset: debit-normal
  EXPECT_EQ(balance(savings_), 2500);  // liability: credit-normal
  auto view = reader_->transaction(done.value().id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view.value().row.status, TransactionStatus::posted);
  EXPECT_EQ(view.value().postings.size(), 2u);
}

TEST_F(Transaction, BalancesPerCurrencyInOneTransaction) {
  auto done = submit(with({{cash_, 100}, {savings_, -100}, {euro_cash_, 70}, {euro_savings_, -70}}));
  ASSERT_TRUE(done) << done.error().detail;
  EXPECT_EQ(balance(euro_savings_), 70);
}

TEST_F(Transaction, RefusesMixedCurrenciesThatBalanceOnlyInTotal) {
  EXPECT_REFUSED(submit(with({{cash_, 100}, {euro_savings_, -100}})), Errc::unbalanced);
}

TEST_F(Transaction, RefusalsComeInGuardOrder) {
  constexpr AccountId missing = 999;
  struct Case {
    const char* what;
    std::vector<Posting> postings;
    Errc expected;
  };
  // Each row breaks one more rule than the next, so the order of the guards is itself tested.
  std::vector<Case> cases = {
      {"one posting", {{cash_, 100}}, Errc::invalid_argument},
      {"zero amount", {{cash_, 0}, {missing, 0}}, Errc::invalid_argument},
      {"amount over 2^53-1", {{cash_, json_amount_max + 1}, {savings_, -(json_amount_max + 1)}},
       Errc::invalid_argument},
      {"same account twice", {{cash_, 100}, {cash_, -100}}, Errc::invalid_argument},
      {"unknown account before closed", {{missing, 100}, {closed_, -50}}, Errc::not_found},
      {"closed before unbalanced", {{cash_, 100}, {closed_, -50}}, Errc::account_closed},
      {"unbalanced before floor", {{savings_, 100}, {cash_, -50}}, Errc::unbalanced},
      {"below the floor", {{savings_, 100}, {cash_, -100}}, Errc::insufficient_funds},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_REFUSED(submit(with(c.postings)), c.expected);
  }
  auto size = reader_->log_size();
  ASSERT_TRUE(size);
  EXPECT_EQ(size.value(), 6);  // five accounts opened and one closed; no refused entry
}

TEST_F(Transaction, RefusesAMissingIdempotencyKey) {
  auto command = with({{cash_, 100}, {savings_, -100}});
  command.idempotency_key.clear();
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
}

TEST_F(Transaction, LimitsOnPostingsMemoAndMetadataHoldAtTheLimitAndRefuseOnePast) {
  std::vector<Posting> many;
  for (std::size_t i = 0; i + 1 < postings_per_transaction_max; ++i) {
    many.push_back({open("assets:many:" + std::to_string(i), AccountType::asset), 1});
  }
  many.push_back({savings_, -static_cast<Minor>(many.size())});
  EXPECT_TRUE(submit(with(many)));
  many.back().amount -= 1;
  many.push_back({open("assets:many:last", AccountType::asset), 1});
  EXPECT_REFUSED(submit(with(many)), Errc::invalid_argument);

  auto memo = with({{cash_, 1}, {savings_, -1}});
  memo.memo = std::string(memo_bytes_max, 'm');
  EXPECT_TRUE(submit(memo));
  memo = with({{cash_, 1}, {savings_, -1}});
  memo.memo = std::string(memo_bytes_max + 1, 'm');
  EXPECT_REFUSED(submit(memo), Errc::invalid_argument);

  auto metadata = with({{cash_, 1}, {savings_, -1}});
  for (std::size_t i = 0; i < metadata_entries_max; ++i) {
    metadata.metadata.push_back({"k" + std::to_string(i), "v"});
  }
  EXPECT_TRUE(submit(metadata));
  metadata.idempotency_key = next_key();
  metadata.metadata.push_back({"one-more", "v"});
  EXPECT_REFUSED(submit(metadata), Errc::invalid_argument);
}

TEST_F(Transaction, RefusesTextThatIsNotCleanUtf8) {
  auto command = with({{cash_, 1}, {savings_, -1}});
  command.memo = "bad \xC3\x28 utf8";
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
  command = with({{cash_, 1}, {savings_, -1}});
  command.memo = "line\nbreak";
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
  command = with({{cash_, 1}, {savings_, -1}});
  command.memo = "Caf\xC3\xA9 \xF0\x9F\x8D\xB2 soup night";  // accented letter and an emoji
  EXPECT_TRUE(submit(command));
}

TEST_F(Transaction, MetadataAndMemoAreRecordedInTheEntry) {
  auto command = with({{cash_, 5}, {savings_, -5}});
  command.memo = "market stall rent";
  command.metadata = {{"receipt", "R-17"}, {"collected_by", "desk 2"}};
  auto done = submit(command);
  ASSERT_TRUE(done);
  auto entry = reader_->entry(done.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_NE(entry.value().leaf.find("\"memo\":\"market stall rent\""), std::string::npos);
  EXPECT_NE(entry.value().leaf.find("\"metadata\":{\"collected_by\":\"desk 2\",\"receipt\":\"R-17\"}"),
            std::string::npos)
      << entry.value().leaf;
}

}  // namespace
}  // namespace pardner::ledger::testing
