// Pools: creating one, contributions from each kind of source, allocation policy versions and
// distributions, each command's refusals in the order the code checks them, the entries they
// make, rebuild reproducing the pool tables, and replay refusing a distribution whose recorded
// split is not the policy's.
#include "tests/ledger/pool_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Pools : public PoolTest {};

TEST_F(Pools, CreatesAPoolOverAnEquityAccountAsALoggedEntry) {
  create_pool();
  auto pool = load_pool(reader_->db(), pool_);
  ASSERT_TRUE(pool) << pool.error().detail;
  EXPECT_EQ(pool.value().account, pool_account_);
  EXPECT_EQ(pool.value().currency, "GBP");
  EXPECT_EQ(pool.value().description, "market surplus");
  auto entry = reader_->entry(pool.value().created_seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::pool_created);
  EXPECT_EQ(entry.value().fields.at("admin").as_int64(), admin_);
  expect_rebuild_agrees();
}

TEST_F(Pools, CreateRefusalsInGuardOrder) {
  create_pool();
  auto closed = open("equity:closed", AccountType::equity);
  ASSERT_TRUE(submit(CloseAccount{.account = closed}));
  struct Row {
    const char* what;
    void (*change)(CreatePool&, PoolTest&, AccountId);
    Errc code;
  };
  const Row rows[] = {
      {"member token", [](CreatePool& c, PoolTest& t, AccountId) { c.actor = t.alice_token_; },
       Errc::not_permitted},
      {"auditor token", [](CreatePool& c, PoolTest& t, AccountId) { c.actor = t.auditor_; },
       Errc::not_permitted},
      {"currency", [](CreatePool& c, PoolTest&, AccountId) { c.currency = "XXY"; },
       Errc::invalid_argument},
      {"description past the limit",
       [](CreatePool& c, PoolTest&, AccountId) {
         c.description = std::string(pool_text_bytes_max + 1, 'd');
       },
       Errc::invalid_argument},
      {"missing account", [](CreatePool& c, PoolTest&, AccountId) { c.pool_account = 999; },
       Errc::not_found},
      {"closed account", [](CreatePool& c, PoolTest&, AccountId a) { c.pool_account = a; },
       Errc::account_closed},
      {"asset account", [](CreatePool& c, PoolTest& t, AccountId) { c.pool_account = t.clearing_; },
       Errc::invalid_argument},
      {"already a pool", [](CreatePool&, PoolTest&, AccountId) {}, Errc::already_exists},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    CreatePool command = pool_command();
    row.change(command, *this, closed);
    EXPECT_REFUSED(submit(command), row.code);
  }
  // The description at its limit is accepted.
  CreatePool at_limit = pool_command();
  at_limit.pool_account = reserve_;
  at_limit.description = std::string(pool_text_bytes_max, 'd');
  EXPECT_TRUE(submit(at_limit));
}

TEST_F(Pools, ContributionsFromTheThreeKindsOfSourceEachMakeOneTransaction) {
  create_pool();
  // Alice from her own savings; an admin from the enterprise's profit; an admin from cash-in
  // clearing, recording Bob as the contributor (he handed in the Soup evening's tickets).
  auto from_savings = contribute(alice_token_, alice_savings_, 120'00);
  auto from_income = contribute(admin_, income_, 300'00);
  auto from_clearing = contribute(admin_, clearing_, 45'50, bob_);
  ASSERT_TRUE(from_savings) << from_savings.error().detail;
  ASSERT_TRUE(from_income) << from_income.error().detail;
  ASSERT_TRUE(from_clearing) << from_clearing.error().detail;
  EXPECT_EQ(balance(pool_account_), 465'50);
  EXPECT_EQ(balance(alice_savings_), 380'00);
  EXPECT_EQ(balance(income_), -300'00);  // profit moved out of income into the pool

  auto rows = load_pool_contributions(reader_->db(), pool_);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows.value().size(), 3u);
  EXPECT_EQ(rows.value()[0].source_kind, "member_account");
  EXPECT_EQ(rows.value()[0].contributor_member, alice_);
  EXPECT_EQ(rows.value()[1].source_kind, "income");
  EXPECT_EQ(rows.value()[1].contributor_member, std::nullopt);
  EXPECT_EQ(rows.value()[2].source_kind, "clearing");
  EXPECT_EQ(rows.value()[2].contributor_member, bob_);
  EXPECT_EQ(rows.value()[2].reason, "stall rent surplus");
  // The pool entry follows the transaction entry it names.
  auto entry = reader_->entry(from_clearing.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::pool_contributed);
  EXPECT_EQ(entry.value().fields.at("transaction").as_int64(), from_clearing.value().id);
  EXPECT_EQ(entry.value().fields.at("transaction_seq").as_int64(), from_clearing.value().seq - 1);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(Pools, ContributionRefusalsInGuardOrder) {
  create_pool();
  auto expense = open("expenses:stall", AccountType::expense);
  auto dollars = open("assets:clearing:usd", AccountType::asset, {}, "USD");
  struct Row {
    const char* what;
    ActorToken actor;
    AccountId source;
    Minor amount;
    std::optional<MemberId> contributor;
    Errc code;
  };
  const Row rows[] = {
      {"unknown token", 999, alice_savings_, 1'00, {}, Errc::not_permitted},
      {"zero amount", admin_, alice_savings_, 0, {}, Errc::invalid_argument},
      {"amount past json_amount_max",
       admin_,
       alice_savings_,
       json_amount_max + 1,
       {},
       Errc::invalid_argument},
      {"missing source", admin_, 999, 1'00, {}, Errc::not_found},
      {"other currency", admin_, dollars, 1'00, {}, Errc::invalid_argument},
      {"the pool itself", admin_, pool_account_, 1'00, {}, Errc::invalid_argument},
      {"expense source", admin_, expense, 1'00, {}, Errc::invalid_argument},
      {"auditor", auditor_, alice_savings_, 1'00, {}, Errc::not_permitted},
      {"another member's account", bob_token_, alice_savings_, 1'00, {}, Errc::not_permitted},
      {"member from clearing", alice_token_, clearing_, 1'00, {}, Errc::not_permitted},
      {"contributor not the owner", admin_, alice_savings_, 1'00, bob_, Errc::invalid_argument},
      {"unknown contributor", admin_, clearing_, 1'00, 999, Errc::not_found},
      {"past the savings floor",
       alice_token_,
       alice_savings_,
       500'01,
       {},
       Errc::insufficient_funds},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    EXPECT_REFUSED(contribute(row.actor, row.source, row.amount, row.contributor), row.code);
  }
  EXPECT_EQ(balance(pool_account_), 0);
  auto none = load_pool_contributions(reader_->db(), pool_);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none.value().empty());
}

TEST_F(Pools, PolicyVersionsAreKeptAndTheNewestIsInForce) {
  create_pool();
  auto first = submit(policy_command());
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(first.value().id, 1);
  auto second = submit(SetAllocationPolicy{.idempotency_key = next_key(),
                                           .actor = admin_,
                                           .pool = pool_,
                                           .shares = {{"grants", grants_, 10'000}}});
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_EQ(second.value().id, 2);
  auto history = load_policy_history(reader_->db(), pool_);
  ASSERT_TRUE(history);
  ASSERT_EQ(history.value().size(), 2u);
  EXPECT_EQ(history.value()[0].shares.size(), 3u);
  EXPECT_EQ(history.value()[0].shares[1].name, "community grants");
  auto current = load_current_policy(reader_->db(), pool_);
  ASSERT_TRUE(current);
  EXPECT_EQ(current.value().version, 2);
  EXPECT_EQ(current.value().shares.size(), 1u);
  expect_rebuild_agrees();
}

TEST_F(Pools, PolicyRefusalsInGuardOrder) {
  create_pool();
  auto dollars = open("equity:usd", AccountType::equity, {}, "USD");
  using Shares = std::vector<PolicyShare>;
  std::vector<PolicyShare> too_many;
  for (std::size_t i = 0; i <= pool_policy_shares_max; ++i) too_many.push_back({"s", grants_, 1});
  struct Row {
    const char* what;
    ActorToken actor;
    PoolId pool;
    Shares shares;
    Errc code;
  };
  const Row rows[] = {
      {"member token", alice_token_, pool_, {{"a", grants_, 10'000}}, Errc::not_permitted},
      {"missing pool", admin_, 999, {{"a", grants_, 10'000}}, Errc::not_found},
      {"no shares", admin_, pool_, {}, Errc::invalid_argument},
      {"shares past the limit", admin_, pool_, too_many, Errc::invalid_argument},
      {"zero bps",
       admin_,
       pool_,
       {{"a", grants_, 0}, {"b", reserve_, 10'000}},
       Errc::invalid_argument},
      {"sum 9,999",
       admin_,
       pool_,
       {{"a", grants_, 4'999}, {"b", reserve_, 5'000}},
       Errc::invalid_argument},
      {"sum 10,001",
       admin_,
       pool_,
       {{"a", grants_, 5'001}, {"b", reserve_, 5'000}},
       Errc::invalid_argument},
      {"missing account", admin_, pool_, {{"a", 999, 10'000}}, Errc::not_found},
      {"other currency", admin_, pool_, {{"a", dollars, 10'000}}, Errc::invalid_argument},
      {"asset account", admin_, pool_, {{"a", clearing_, 10'000}}, Errc::invalid_argument},
      {"the pool itself", admin_, pool_, {{"a", pool_account_, 10'000}}, Errc::invalid_argument},
      {"an account twice",
       admin_,
       pool_,
       {{"a", grants_, 5'000}, {"b", grants_, 5'000}},
       Errc::invalid_argument},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    EXPECT_REFUSED(submit(SetAllocationPolicy{.idempotency_key = next_key(),
                                              .actor = row.actor,
                                              .pool = row.pool,
                                              .shares = row.shares}),
                   row.code);
  }
  EXPECT_REFUSED(load_current_policy(reader_->db(), pool_), Errc::not_found);
}

TEST_F(Pools, DistributesByLargestRemainderInOneTransaction) {
  create_pool();
  ASSERT_TRUE(contribute(admin_, income_, 100'00));
  ASSERT_TRUE(submit(policy_command()));
  // 10.01 by 50/30/20: 500.5, 300.3, 200.2 -> floors 500, 300, 200 and the one unit left to the
  // largest remainder (capital's .5).
  auto done = distribute(10'01);
  ASSERT_TRUE(done) << done.error().detail;
  EXPECT_EQ(balance(capital_), 5'01);
  EXPECT_EQ(balance(grants_), 3'00);
  EXPECT_EQ(balance(reserve_), 2'00);
  EXPECT_EQ(balance(pool_account_), 89'99);
  auto entry = reader_->entry(done.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::pool_distributed);
  EXPECT_EQ(entry.value().fields.at("policy_version").as_int64(), 1);
  EXPECT_EQ(entry.value().fields.at("amount").as_int64(), 10'01);
  EXPECT_EQ(entry.value().fields.at("split").as_array().size(), 3u);
  auto money = reader_->transaction(entry.value().fields.at("transaction").as_int64());
  ASSERT_TRUE(money) << money.error().detail;

  // The rest of the pool: 89.99 -> 44.995, 26.997, 17.998: floors 44.99, 26.99, 17.99 (sum
  // 89.97), two units to the remainders .8 (reserve) and .7 (grants).
  auto whole = distribute(std::nullopt);
  ASSERT_TRUE(whole) << whole.error().detail;
  EXPECT_EQ(balance(pool_account_), 0);
  EXPECT_EQ(balance(capital_), 5'01 + 44'99);
  EXPECT_EQ(balance(grants_), 3'00 + 27'00);
  EXPECT_EQ(balance(reserve_), 2'00 + 18'00);
  auto distributions = load_pool_distributions(reader_->db(), pool_);
  ASSERT_TRUE(distributions);
  ASSERT_EQ(distributions.value().size(), 2u);
  EXPECT_EQ(distributions.value()[1].amount_minor, 89'99);
  EXPECT_EQ(distributions.value()[1].lines,
            (std::vector<DistributionLine>{
                {capital_, 5'000, 44'99}, {grants_, 3'000, 27'00}, {reserve_, 2'000, 18'00}}));
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(Pools, DistributionRefusalsInGuardOrder) {
  create_pool();
  EXPECT_REFUSED(distribute(1'00), Errc::not_found);  // no policy yet
  ASSERT_TRUE(submit(policy_command()));
  ASSERT_TRUE(contribute(admin_, income_, 10'00));
  EXPECT_REFUSED(submit(Distribute{.idempotency_key = next_key(),
                                   .actor = alice_token_,
                                   .pool = pool_,
                                   .amount_minor = 1'00}),
                 Errc::not_permitted);
  EXPECT_REFUSED(
      submit(Distribute{
          .idempotency_key = next_key(), .actor = admin_, .pool = 999, .amount_minor = 1'00}),
      Errc::not_found);
  EXPECT_REFUSED(distribute(0), Errc::invalid_argument);
  EXPECT_REFUSED(distribute(10'01), Errc::insufficient_funds);
  ASSERT_TRUE(submit(CloseAccount{.account = reserve_}));
  EXPECT_REFUSED(distribute(10'00), Errc::account_closed);
  EXPECT_EQ(balance(pool_account_), 10'00);
  auto emptied = submit(SetAllocationPolicy{.idempotency_key = next_key(),
                                            .actor = admin_,
                                            .pool = pool_,
                                            .shares = {{"grants", grants_, 10'000}}});
  ASSERT_TRUE(emptied);
  ASSERT_TRUE(distribute(std::nullopt));
  EXPECT_REFUSED(distribute(std::nullopt), Errc::insufficient_funds);  // an empty pool
}

TEST_F(Pools, ReplayRefusesADistributionWhoseSplitIsNotThePolicys) {
  create_pool();
  ASSERT_TRUE(contribute(admin_, income_, 100'00));
  ASSERT_TRUE(submit(policy_command()));
  auto done = distribute(10'01);
  ASSERT_TRUE(done);
  auto entry = reader_->entry(done.value().seq);
  ASSERT_TRUE(entry);
  // The untouched log replays.
  auto honest = replay_with(done.value().seq, entry.value().fields);
  ASSERT_TRUE(honest) << honest.error().detail;
  // The leftover unit moved from capital to grants in the entry: the split no longer is the
  // largest-remainder one, so replay refuses it (before even looking at the transaction).
  boost::json::object moved = entry.value().fields;
  auto& split = moved.at("split").as_array();
  for (auto& line : split) {
    auto& l = line.as_object();
    if (l.at("account").as_int64() == capital_) l["amount"] = 5'00;
    if (l.at("account").as_int64() == grants_) l["amount"] = 3'01;
  }
  EXPECT_REFUSED(replay_with(done.value().seq, moved), Errc::invalid_argument);
  // An entry naming an older policy version than the one in force is refused too.
  boost::json::object stale = entry.value().fields;
  stale["policy_version"] = 2;
  EXPECT_FALSE(replay_with(done.value().seq, stale));
}

}  // namespace
}  // namespace pardner::ledger::testing
