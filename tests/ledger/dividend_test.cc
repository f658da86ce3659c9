// Dividends: hand-worked splits (amount and rate), the as_of_seq cut-off, payout accounts, many
// members over several transactions, the refusals in the order the code checks them, the
// per-member statement and the dividend report, and rebuild reproducing the dividend tables.
#include <functional>

#include "tests/ledger/dividend_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Dividends : public DividendTest {};

// By hand: shares of 100.00, 200.00 and 300.00 (60,000 in all), a dividend of 10.00.
// Exact parts 1000 * 10000/60000 = 166 + 40000/60000, 333 + 20000/60000 and 500 + 0. The floors
// sum to 999, so one unit is left over; it goes to the largest remainder (A's): 1.67, 3.33, 5.00.
TEST_F(Dividends, HandWorkedAmountSplitByLargestRemainderIntoTheShareAccounts) {
  Shareholder a = enrol(), b = enrol(), c = enrol();
  buy(a, 100'00);
  buy(b, 200'00);
  buy(c, 300'00);
  earn(50'00);
  Seq as_of = last_seq();
  auto declared = declare(from_income(10'00, as_of));
  ASSERT_TRUE(declared) << declared.error().detail;
  EXPECT_EQ(balance(a.shares), 100'00 + 1'67);
  EXPECT_EQ(balance(b.shares), 200'00 + 3'33);
  EXPECT_EQ(balance(c.shares), 300'00 + 5'00);
  EXPECT_EQ(balance(income_), 40'00);

  auto entry = reader_->entry(declared.value().seq);
  ASSERT_TRUE(entry);
  const auto& f = entry.value().fields;
  EXPECT_EQ(entry.value().kind, EntryKind::dividend_declared);
  EXPECT_EQ(f.at("as_of_seq").as_int64(), as_of);
  EXPECT_EQ(f.at("amount").as_int64(), 10'00);
  EXPECT_EQ(f.at("total_shares").as_int64(), 600'00);
  EXPECT_EQ(f.at("source_account").as_int64(), income_);
  EXPECT_TRUE(f.at("rate_bps").is_null());
  ASSERT_EQ(f.at("transactions").as_array().size(), 1u);
  // The one transaction is the entry just before the dividend's.
  EXPECT_EQ(f.at("transactions").as_array()[0].as_object().at("seq").as_int64(),
            declared.value().seq - 1);

  DividendStatement s = statement(declared.value().id, a.member);
  EXPECT_EQ(s.share_account, a.shares);
  EXPECT_EQ(s.shares, 100'00);
  EXPECT_EQ(s.total_shares, 600'00);
  EXPECT_EQ(s.amount_minor, 10'00);
  EXPECT_EQ(s.floor_minor, 166);
  EXPECT_EQ(s.remainder, 40'000);
  EXPECT_TRUE(s.leftover_unit);
  EXPECT_EQ(s.paid_minor, 167);
  EXPECT_EQ(s.payout_account, a.shares);
  ASSERT_TRUE(s.transaction_seq);
  EXPECT_EQ(*s.transaction_seq, declared.value().seq - 1);
  DividendStatement sb = statement(declared.value().id, b.member);
  EXPECT_EQ(sb.floor_minor, 333);
  EXPECT_EQ(sb.remainder, 20'000);
  EXPECT_FALSE(sb.leftover_unit);
  EXPECT_EQ(sb.paid_minor, 333);
  DividendStatement sc = statement(declared.value().id, c.member);
  EXPECT_EQ(sc.remainder, 0);
  EXPECT_EQ(sc.paid_minor, 500);

  auto report = dividend_report(reader_->db(), declared.value().id);
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().lines, 3);
  EXPECT_EQ(report.value().members_paid, 3);
  EXPECT_EQ(report.value().paid_minor, 10'00);
  EXPECT_EQ(report.value().dividend.transactions.size(), 1u);
  expect_books_balance();
  expect_rebuild_agrees();
}

// By hand: shares 100.00, 200.00 and 300.01 (60,001) at 250 bps: 60001 * 250 / 10000 = 1500.025,
// rounded down to 15.00. Exact parts: 15,000,000/60001 = 249 r 59,751; 30,000,000/60001 = 499 r
// 59,501; 45,001,500/60001 = 750 r 750. Floors 1,498: the two units left go to the two largest
// remainders, A's and B's: 2.50, 5.00, 7.50. Paid into savings under the payout prefix.
TEST_F(Dividends, HandWorkedRateRoundedDownAndPaidIntoSavings) {
  Shareholder a = enrol(), b = enrol(), c = enrol();
  buy(a, 100'00);
  buy(b, 200'00);
  buy(c, 300'01);
  earn(50'00);
  DeclareDividend command = from_income(0, last_seq());
  command.amount_minor.reset();
  command.rate_bps = 250;
  command.payout_prefix = savings_prefix;
  auto declared = declare(command);
  ASSERT_TRUE(declared) << declared.error().detail;
  EXPECT_EQ(balance(a.savings), 2'50);
  EXPECT_EQ(balance(b.savings), 5'00);
  EXPECT_EQ(balance(c.savings), 7'50);
  EXPECT_EQ(balance(c.shares), 300'01);  // the shares themselves are unchanged
  auto entry = reader_->entry(declared.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().fields.at("amount").as_int64(), 15'00);
  EXPECT_EQ(entry.value().fields.at("rate_bps").as_int64(), 250);
  EXPECT_EQ(statement(declared.value().id, c.member).remainder, 750);
  EXPECT_FALSE(statement(declared.value().id, c.member).leftover_unit);
  EXPECT_EQ(statement(declared.value().id, b.member).remainder, 59'501);
  EXPECT_TRUE(statement(declared.value().id, b.member).leftover_unit);
  EXPECT_EQ(statement(declared.value().id, a.member).payout_account, a.savings);
  expect_rebuild_agrees();
}

TEST_F(Dividends, SharesBoughtAfterTheAsOfSeqDoNotCount) {
  Shareholder a = enrol(), b = enrol();
  buy(a, 100'00);
  Seq as_of = buy(b, 200'00);
  // After the cut-off: B buys more, D joins and buys.
  buy(b, 500'00);
  Shareholder d = enrol();
  buy(d, 100'00);
  earn(10'00);
  auto declared = declare(from_income(3'00, as_of));
  ASSERT_TRUE(declared) << declared.error().detail;
  EXPECT_EQ(balance(a.shares), 100'00 + 1'00);
  EXPECT_EQ(balance(b.shares), 700'00 + 2'00);
  EXPECT_EQ(balance(d.shares), 100'00);
  EXPECT_EQ(statement(declared.value().id, b.member).shares, 200'00);
  EXPECT_EQ(statement(declared.value().id, b.member).total_shares, 300'00);
  EXPECT_REFUSED(dividend_statement(reader_->db(), declared.value().id, d.member), Errc::not_found);
  // With the cut-off one entry earlier, B's first purchase does not count either.
  auto earlier = declare(from_income(1'00, as_of - 1));
  ASSERT_TRUE(earlier) << earlier.error().detail;
  EXPECT_EQ(statement(earlier.value().id, a.member).paid_minor, 1'00);
  EXPECT_REFUSED(dividend_statement(reader_->db(), earlier.value().id, b.member), Errc::not_found);
  expect_rebuild_agrees();
}

// 300 members holding 1.00, 2.00, ... 300.00: 127 payouts per transaction (128 postings with the
// source's), so three transactions of 127, 127 and 46.
TEST_F(Dividends, ManyMembersArePaidInSeveralTransactionsOfOneCommand) {
  std::vector<Minor> shares;
  for (Minor i = 1; i <= 300; ++i) shares.push_back(i * 100);
  std::vector<Shareholder> holders = enrol_many(shares.size(), shares);
  earn(20'000'00);
  const Minor amount = 10'000'01;
  auto declared = declare(from_income(amount, last_seq()));
  ASSERT_TRUE(declared) << declared.error().detail;
  auto entry = reader_->entry(declared.value().seq);
  ASSERT_TRUE(entry);
  const auto& named = entry.value().fields.at("transactions").as_array();
  ASSERT_EQ(named.size(), 3u);
  std::size_t lines = 0;
  for (std::size_t i = 0; i < named.size(); ++i) {
    auto postings = load_transaction_postings(
        reader_->db(), named[i].as_object().at("transaction").as_int64(), false);
    ASSERT_TRUE(postings);
    EXPECT_LE(postings.value().size(), postings_per_transaction_max);
    EXPECT_EQ(postings.value().front().account, income_);
    lines += postings.value().size() - 1;
  }
  EXPECT_EQ(lines, 300u);
  const Minor total = 100 * 300 * 301 / 2;
  Minor paid = 0;
  for (std::size_t i = 0; i < holders.size(); ++i) {
    Minor part = balance(holders[i].shares) - shares[i];
    paid += part;
    // Floor or ceiling of the exact part: |part * total - amount * shares| < total.
    __extension__ __int128 gap =
        static_cast<__int128>(part) * total - static_cast<__int128>(amount) * shares[i];
    EXPECT_TRUE(gap > -total && gap < total) << "member " << i;
  }
  EXPECT_EQ(paid, amount);
  auto report = dividend_report(reader_->db(), declared.value().id);
  ASSERT_TRUE(report);
  EXPECT_EQ(report.value().paid_minor, amount);
  EXPECT_EQ(report.value().dividend.transactions.size(), 3u);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(Dividends, FromAPoolDebitsThePoolWithinItsAvailableBalance) {
  Shareholder a = enrol(), b = enrol();
  buy(a, 100'00);
  buy(b, 300'00);
  create_pool();
  ASSERT_TRUE(contribute(admin_, clearing_, 8'00));
  DeclareDividend command = from_income(8'01, last_seq());
  command.source_account.reset();
  command.source_pool = pool_;
  EXPECT_REFUSED(declare(command), Errc::insufficient_funds);
  command.idempotency_key = next_key();
  command.amount_minor = 8'00;
  auto declared = declare(command);
  ASSERT_TRUE(declared) << declared.error().detail;
  EXPECT_EQ(balance(pool_account_), 0);
  EXPECT_EQ(balance(a.shares), 102'00);
  EXPECT_EQ(balance(b.shares), 306'00);
  auto dividend = load_dividend(reader_->db(), declared.value().id);
  ASSERT_TRUE(dividend);
  EXPECT_EQ(dividend.value().source_pool, pool_);
  EXPECT_EQ(dividend.value().source_account, pool_account_);
  // The same key and body again answers the first result without paying twice.
  auto again = declare(command);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().replayed);
  EXPECT_EQ(again.value().id, declared.value().id);
  EXPECT_EQ(balance(a.shares), 102'00);
  expect_rebuild_agrees();
}

TEST_F(Dividends, RefusalsInGuardOrder) {
  Shareholder a = enrol(), b = enrol();
  Shareholder no_savings = enrol(false);
  buy(a, 100'00);
  buy(b, 100'00);
  buy(no_savings, 100'00);
  earn(10'00);
  create_pool();
  auto closed = open("income:closed", AccountType::income);
  ASSERT_TRUE(submit(CloseAccount{.account = closed}));
  Seq as_of = last_seq();
  const Seq size = as_of + 1;
  struct Row {
    const char* what;
    std::function<void(DeclareDividend&)> change;
    Errc code;
  };
  const AccountId income = income_, clearing = clearing_, pool_account = pool_account_;
  const ActorToken member = alice_token_, auditor = auditor_;
  const Row rows[] = {
      {"member token", [&](DeclareDividend& c) { c.actor = member; }, Errc::not_permitted},
      {"auditor token", [&](DeclareDividend& c) { c.actor = auditor; }, Errc::not_permitted},
      {"auditor naming a missing source",
       [&](DeclareDividend& c) {
         c.actor = auditor;
         c.source_account = 999;
       },
       Errc::not_permitted},
      {"missing source account", [](DeclareDividend& c) { c.source_account = 999; },
       Errc::not_found},
      {"missing source pool",
       [](DeclareDividend& c) {
         c.source_account.reset();
         c.source_pool = 999;
       },
       Errc::not_found},
      {"missing source with a bad amount",
       [](DeclareDividend& c) {
         c.source_account = 999;
         c.amount_minor = 0;
       },
       Errc::not_found},
      {"no source", [](DeclareDividend& c) { c.source_account.reset(); }, Errc::invalid_argument},
      {"two sources", [](DeclareDividend& c) { c.source_pool = 1; }, Errc::invalid_argument},
      {"amount and rate", [](DeclareDividend& c) { c.rate_bps = 100; }, Errc::invalid_argument},
      {"neither amount nor rate", [](DeclareDividend& c) { c.amount_minor.reset(); },
       Errc::invalid_argument},
      {"zero amount", [](DeclareDividend& c) { c.amount_minor = 0; }, Errc::invalid_argument},
      {"amount past json_amount_max",
       [](DeclareDividend& c) { c.amount_minor = json_amount_max + 1; }, Errc::invalid_argument},
      {"rate 0",
       [](DeclareDividend& c) {
         c.amount_minor.reset();
         c.rate_bps = 0;
       },
       Errc::invalid_argument},
      {"rate past the maximum",
       [](DeclareDividend& c) {
         c.amount_minor.reset();
         c.rate_bps = dividend_rate_bps_max + 1;
       },
       Errc::invalid_argument},
      {"empty share prefix", [](DeclareDividend& c) { c.share_prefix = ""; },
       Errc::invalid_argument},
      {"share prefix past the limit",
       [](DeclareDividend& c) { c.share_prefix = std::string(dividend_prefix_bytes_max + 1, 'e'); },
       Errc::invalid_argument},
      {"share prefix with a space", [](DeclareDividend& c) { c.share_prefix = "equity shares"; },
       Errc::invalid_argument},
      {"nested prefixes", [](DeclareDividend& c) { c.payout_prefix = "equity:"; },
       Errc::invalid_argument},
      {"as_of_seq negative", [](DeclareDividend& c) { c.as_of_seq = -1; }, Errc::invalid_argument},
      {"as_of_seq at the log size", [&](DeclareDividend& c) { c.as_of_seq = size; },
       Errc::invalid_argument},
      {"closed source", [&](DeclareDividend& c) { c.source_account = closed; },
       Errc::account_closed},
      {"asset source", [&](DeclareDividend& c) { c.source_account = clearing; },
       Errc::invalid_argument},
      {"a pool's account as source_account",
       [&](DeclareDividend& c) { c.source_account = pool_account; }, Errc::invalid_argument},
      {"nobody holds shares under the prefix",
       [](DeclareDividend& c) { c.share_prefix = "equity:nobody:"; }, Errc::invalid_argument},
      {"nobody held shares yet", [](DeclareDividend& c) { c.as_of_seq = 0; },
       Errc::invalid_argument},
      {"a member without a payout account",
       [](DeclareDividend& c) { c.payout_prefix = savings_prefix; }, Errc::not_found},
      {"more than the income's balance", [](DeclareDividend& c) { c.amount_minor = 10'01; },
       Errc::insufficient_funds},
      {"an empty pool",
       [](DeclareDividend& c) {
         c.source_account.reset();
         c.source_pool = 1;
       },
       Errc::insufficient_funds},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    DeclareDividend command = from_income(1'00, as_of);
    row.change(command);
    EXPECT_REFUSED(declare(command), row.code);
  }
  (void)income;
  // At the limits: as_of_seq the last entry, the whole balance, the rate's maximum accepted
  // when the source can pay it.
  EXPECT_TRUE(declare(from_income(10'00, size - 1)));
  earn(300'00);
  DeclareDividend whole = from_income(0, as_of);
  whole.amount_minor.reset();
  whole.rate_bps = dividend_rate_bps_max;
  auto paid = declare(whole);
  ASSERT_TRUE(paid) << paid.error().detail;
  auto entry = reader_->entry(paid.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().fields.at("amount").as_int64(), 300'00);
  expect_rebuild_agrees();
}

TEST_F(Dividends, AClosedShareAccountHoldingSharesIsRefusedByTheTransaction) {
  Shareholder a = enrol(), b = enrol();
  buy(a, 100'00);
  buy(b, 100'00);
  earn(10'00);
  Seq as_of = last_seq();
  // B sells their shares back and closes the account after the cut-off.
  ASSERT_TRUE(transfer(b.shares, clearing_, 100'00));
  ASSERT_TRUE(submit(CloseAccount{.account = b.shares}));
  EXPECT_REFUSED(declare(from_income(2'00, as_of)), Errc::account_closed);
  // Counted from after the sale, only A holds shares.
  auto declared = declare(from_income(2'00, last_seq()));
  ASSERT_TRUE(declared) << declared.error().detail;
  EXPECT_EQ(balance(a.shares), 102'00);
}

}  // namespace
}  // namespace pardner::ledger::testing
