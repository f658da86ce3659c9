// The dividend routes without sockets: the worked examples of docs/pools.md "Dividends" declared
// over POST /v1/dividends and read back to the penny (the report, each member's statement, the
// lines paged by cursor, the accounts paid), a member reading only their own statement, missing
// dividends answering 404, and a replayed key answering 200 with the first result.
#include "api/limits.h"
#include "crypto/access_token.h"
#include "ledger/limits.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

std::string n(std::int64_t v) { return std::to_string(v); }

// Members 1, 2 and 3 hold 100.00, 200.00 and 300.00 in their share accounts as of seq as_of_;
// an income account holds 100.00 to pay from.
class DividendEndpoints : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // A ledger token: the fixture's own tokens have no ledger row for the writer to check.
    auto id = must(ledger::CreateAccessToken{.token_hash = crypto::access_token_hash(admin_),
                                             .role = Role::admin})
                  .id;
    tokens_.add(hash_token(admin_), Principal{.token_id = id, .role = Role::admin});
    member3_ = must(ledger::CreateMember{}).id;
    savings3_ = must(ledger::OpenAccount{.code = "liabilities:members:0003:savings",
                                         .type = ledger::AccountType::liability,
                                         .member = member3_})
                    .id;
    source_ =
        must(ledger::OpenAccount{.code = "income:profit", .type = ledger::AccountType::income}).id;
    must(ledger::make_transfer("profit", cash_, source_, 100'00, "profit"));
    const ledger::MemberId members[] = {member1_, member2_, member3_};
    for (int i = 0; i < 3; ++i) {
      shares_[i] = must(ledger::OpenAccount{.code = "equity:shares:000" + n(i + 1),
                                            .type = ledger::AccountType::equity,
                                            .member = members[i]})
                       .id;
      as_of_ = must(ledger::make_transfer("shares-" + n(i), cash_, shares_[i], (i + 1) * 100'00,
                                          "shares"))
                   .seq;
    }
  }

  std::string body(const std::string& rest) const {
    return R"({"source_account":)" + n(source_) + R"(,"share_prefix":"equity:shares:",)" + rest +
           "}";
  }
  std::int64_t declare(const std::string& rest) {
    auto response = post("/v1/dividends", body(rest), admin_, "dividend-" + n(++keys_));
    EXPECT_EQ(response.status, 201) << response.body;
    return response.status == 201 ? json_of(response).at("id").as_int64() : 0;
  }
  ledger::Minor balance(ledger::AccountId account) {
    auto b = reader_->balance(account);
    EXPECT_TRUE(b);
    return b ? b.value().balance : -1;
  }
  boost::json::object statement(std::int64_t dividend, ledger::MemberId member,
                                const std::string& token = admin_token) {
    auto response = get("/v1/dividends/" + n(dividend) + "/statements/" + n(member), token);
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? json_of(response).as_object() : boost::json::object{};
  }

  const std::string admin_ = "dividend-admin-000000000001";
  ledger::MemberId member3_ = 0;
  ledger::AccountId savings3_ = 0, source_ = 0;
  ledger::AccountId shares_[3] = {};
  ledger::Seq as_of_ = 0;
  int keys_ = 0;
};

// 10.00 over 100.00, 200.00, 300.00: 1.67, 3.33, 5.00, paid into the share accounts.
TEST_F(DividendEndpoints, AnAmountIsPaidToThePennyAndEachStatementShowsHow) {
  std::int64_t id = declare(R"("as_of_seq":)" + n(as_of_) + R"(,"amount":1000)");
  auto report = json_of(get("/v1/dividends/" + n(id), auditor_token)).as_object();
  EXPECT_EQ(report.at("id").as_int64(), id);
  EXPECT_TRUE(report.at("source_pool").is_null());
  EXPECT_EQ(report.at("source_account").as_int64(), source_);
  EXPECT_EQ(report.at("currency").as_string(), "GBP");
  EXPECT_EQ(report.at("share_prefix").as_string(), "equity:shares:");
  EXPECT_TRUE(report.at("payout_prefix").is_null());
  EXPECT_EQ(report.at("as_of_seq").as_int64(), as_of_);
  EXPECT_TRUE(report.at("rate_bps").is_null());
  EXPECT_EQ(report.at("amount").as_int64(), 1000);
  EXPECT_EQ(report.at("total_shares").as_int64(), 600'00);
  EXPECT_EQ(report.at("lines").as_int64(), 3);
  EXPECT_EQ(report.at("members_paid").as_int64(), 3);
  EXPECT_EQ(report.at("paid").as_int64(), 1000);
  ASSERT_EQ(report.at("transactions").as_array().size(), 1u);
  const std::int64_t transaction = report.at("transactions").at(0).at("transaction").as_int64();

  struct Expected {
    ledger::Minor floor, remainder;
    bool leftover;
    ledger::Minor paid;
  };
  // 1000 x 100.00 / 600.00 = 166 + 40000 / 60000, and so on.
  const Expected expected[] = {
      {166, 400'00, true, 167}, {333, 200'00, false, 333}, {500, 0, false, 500}};
  const ledger::MemberId members[] = {member1_, member2_, member3_};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    auto s = statement(id, members[i]);
    EXPECT_EQ(s.at("dividend").as_int64(), id);
    EXPECT_EQ(s.at("member").as_int64(), members[i]);
    EXPECT_EQ(s.at("share_account").as_int64(), shares_[i]);
    EXPECT_EQ(s.at("shares").as_int64(), (i + 1) * 100'00);
    EXPECT_EQ(s.at("total_shares").as_int64(), 600'00);
    EXPECT_EQ(s.at("amount").as_int64(), 1000);
    EXPECT_EQ(s.at("floor").as_int64(), expected[i].floor);
    EXPECT_EQ(s.at("remainder").as_int64(), expected[i].remainder);
    EXPECT_EQ(s.at("leftover_unit").as_bool(), expected[i].leftover);
    EXPECT_EQ(s.at("paid").as_int64(), expected[i].paid);
    EXPECT_EQ(s.at("payout_account").as_int64(), shares_[i]);
    EXPECT_EQ(s.at("transaction").as_int64(), transaction);
    EXPECT_EQ(balance(shares_[i]), (i + 1) * 100'00 + expected[i].paid);
  }
  EXPECT_EQ(balance(source_), 100'00 - 1000);
}

// 250 bps of 100.00, 200.00, 300.01 (600.01) is 15.00: 2.50, 5.00, 7.50 into the members'
// savings. Shares bought after the cut-off do not count.
TEST_F(DividendEndpoints, ARateIsPaidIntoThePayoutAccountsAsOfTheCutOff) {
  ledger::Seq as_of = must(ledger::make_transfer("one-more", cash_, shares_[2], 1, "shares")).seq;
  must(ledger::make_transfer("too-late", cash_, shares_[0], 500'00, "shares"));
  std::int64_t id = declare(R"("as_of_seq":)" + n(as_of) +
                            R"(,"rate_bps":250,"payout_prefix":"liabilities:members:")");
  auto report = json_of(get("/v1/dividends/" + n(id), admin_token)).as_object();
  EXPECT_EQ(report.at("rate_bps").as_int64(), 250);
  EXPECT_EQ(report.at("amount").as_int64(), 15'00);
  EXPECT_EQ(report.at("total_shares").as_int64(), 600'01);
  EXPECT_EQ(report.at("payout_prefix").as_string(), "liabilities:members:");
  const ledger::AccountId savings[] = {savings1_, savings2_, savings3_};
  const ledger::Minor before[] = {5000, 7000, 0};
  const ledger::Minor paid[] = {2'50, 5'00, 7'50};
  const ledger::MemberId members[] = {member1_, member2_, member3_};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    auto s = statement(id, members[i]);
    EXPECT_EQ(s.at("paid").as_int64(), paid[i]);
    EXPECT_EQ(s.at("payout_account").as_int64(), savings[i]);
    EXPECT_EQ(balance(savings[i]), before[i] + paid[i]);
  }
  EXPECT_EQ(statement(id, member1_).at("shares").as_int64(), 100'00);
}

TEST_F(DividendEndpoints, AMemberReadsOnlyTheirOwnStatement) {
  std::int64_t id = declare(R"("as_of_seq":)" + n(as_of_) + R"(,"amount":1000)");
  EXPECT_EQ(statement(id, member1_, member1_token).at("paid").as_int64(), 167);
  auto other = get("/v1/dividends/" + n(id) + "/statements/" + n(member2_), member1_token);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(problem_code(other), "not_found");
  EXPECT_EQ(statement(id, member2_, auditor_token).at("paid").as_int64(), 333);
  // The report and the lines name every member's shares: not a member's to read.
  EXPECT_EQ(get("/v1/dividends/" + n(id), member1_token).status, 403);
  EXPECT_EQ(get("/v1/dividends/" + n(id) + "/lines", member1_token).status, 403);
  EXPECT_EQ(post("/v1/dividends", body(R"("as_of_seq":1,"amount":1)"), member1_token, "m").status,
            403);
}

TEST_F(DividendEndpoints, LinesArePagedByShareAccount) {
  std::int64_t id = declare(R"("as_of_seq":)" + n(as_of_) + R"(,"amount":1000)");
  const std::string target = "/v1/dividends/" + n(id) + "/lines";
  auto first = json_of(get(target + "?limit=2", auditor_token)).as_object();
  ASSERT_EQ(first.at("lines").as_array().size(), 2u);
  EXPECT_EQ(first.at("dividend").as_int64(), id);
  auto line = first.at("lines").at(0).as_object();
  EXPECT_EQ(line.at("share_account").as_int64(), shares_[0]);
  EXPECT_EQ(line.at("member").as_int64(), member1_);
  EXPECT_EQ(line.at("shares").as_int64(), 100'00);
  EXPECT_EQ(line.at("payout_account").as_int64(), shares_[0]);
  EXPECT_EQ(line.at("amount").as_int64(), 167);
  EXPECT_FALSE(line.at("transaction").is_null());
  ASSERT_TRUE(first.contains("next_cursor"));
  std::string cursor(first.at("next_cursor").as_string());
  auto second = json_of(get(target + "?limit=2&cursor=" + cursor, auditor_token)).as_object();
  ASSERT_EQ(second.at("lines").as_array().size(), 1u);
  EXPECT_EQ(second.at("lines").at(0).at("share_account").as_int64(), shares_[2]);
  EXPECT_EQ(second.at("lines").at(0).at("amount").as_int64(), 500);
  EXPECT_FALSE(second.contains("next_cursor"));
  EXPECT_FALSE(
      json_of(get(target + "?limit=3", auditor_token)).as_object().contains("next_cursor"));
  auto bad = get(target + "?cursor=not-ours", auditor_token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(problem_code(bad), "invalid_argument");
  EXPECT_EQ(get(target + "?limit=1001", auditor_token).status, 400);
}

TEST_F(DividendEndpoints, MissingDividendsAndStatementsAnswer404) {
  std::int64_t id = declare(R"("as_of_seq":)" + n(as_of_) + R"(,"amount":1000)");
  ledger::MemberId no_shares = must(ledger::CreateMember{}).id;
  for (const std::string& target :
       {std::string("/v1/dividends/999"), std::string("/v1/dividends/999/lines"),
        "/v1/dividends/999/statements/" + n(member1_),
        "/v1/dividends/" + n(id) + "/statements/" + n(no_shares),
        "/v1/dividends/" + n(id) + "/statements/999"}) {
    SCOPED_TRACE(target);
    auto response = get(target, admin_token);
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(problem_code(response), "not_found");
  }
}

TEST_F(DividendEndpoints, AReplayedKeyAnswersTheFirstResult) {
  const std::string first_body = body(R"("as_of_seq":)" + n(as_of_) + R"(,"amount":1000)");
  auto first = post("/v1/dividends", first_body, admin_, "same-key");
  ASSERT_EQ(first.status, 201) << first.body;
  std::int64_t size = log_size();
  auto again = post("/v1/dividends", first_body, admin_, "same-key");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(log_size(), size);
  EXPECT_EQ(balance(source_), 100'00 - 1000);
  auto changed = post("/v1/dividends", body(R"("as_of_seq":)" + n(as_of_) + R"(,"amount":1001)"),
                      admin_, "same-key");
  EXPECT_EQ(changed.status, 409);
  EXPECT_EQ(problem_code(changed), "idempotency_conflict");
}

// Both prefixes at their limit (200 bytes) and a key at its own reach the ledger and are
// accepted (one byte past either is refused in tests/e2e/hostile_dividend_input_test.cc).
TEST_F(DividendEndpoints, PrefixesAndKeyAtTheirLimitsAreAccepted) {
  const std::string share_code =
      "equity:" + std::string(ledger::dividend_prefix_bytes_max - 7, 's');
  const std::string payout_code =
      "liabilities:" + std::string(ledger::dividend_prefix_bytes_max - 12, 'p');
  ledger::MemberId member = must(ledger::CreateMember{}).id;
  ledger::AccountId shares =
      must(ledger::OpenAccount{
               .code = share_code, .type = ledger::AccountType::equity, .member = member})
          .id;
  ledger::AccountId payout =
      must(ledger::OpenAccount{
               .code = payout_code, .type = ledger::AccountType::liability, .member = member})
          .id;
  ledger::Seq as_of =
      must(ledger::make_transfer("limit-shares", cash_, shares, 5'00, "shares")).seq;
  const std::string key(ledger::idempotency_key_bytes_max, 'k');
  auto response = post("/v1/dividends",
                       R"({"source_account":)" + n(source_) + R"(,"share_prefix":")" + share_code +
                           R"(","payout_prefix":")" + payout_code + R"(","as_of_seq":)" + n(as_of) +
                           R"(,"amount":7,"idempotency_key":")" + key + "\"}",
                       admin_);
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(statement(json_of(response).at("id").as_int64(), member).at("paid").as_int64(), 7);
  EXPECT_EQ(balance(payout), 7);
}

}  // namespace
}  // namespace pardner::api::testing
