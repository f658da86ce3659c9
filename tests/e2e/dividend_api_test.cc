// A co-operative dividend over the real server and TLS, as its people would drive it (issue #6):
// an admin opens share accounts for three members, who buy shares; a market's profit pays 250 bps
// of the share capital as of a cut-off into the members' savings, and a second dividend of 10.00
// is added to their capital, both checked to the penny on every member's statement (shares bought
// after the cut-off not counted, the leftover units to the largest remainders). A member reads
// their own statement and not another's; the books balance, and `pardner verify --url` replays
// the whole log, the dividends' recomputation included.
#include <sys/wait.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <string>

#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

namespace json = boost::json;

std::string n(std::int64_t v) { return std::to_string(v); }

class DividendApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    start_server();
    if (HasFatalFailure()) return;
  }

  // One request on the kept connection; the body as JSON (an empty object when it is not).
  json::object exchange(const std::string& request, int status, const std::string& what) {
    if (!client_) client_ = connect();
    EXPECT_TRUE(client_->send(request));
    auto response = client_->read_response();
    EXPECT_TRUE(response) << response.error().detail;
    if (!response) {
      client_.reset();
      return {};
    }
    if (response->header("connection") == "close") client_.reset();
    EXPECT_EQ(response->status, status) << what << ": " << response->body;
    auto value = json::parse(response->body);
    return value.is_object() ? value.as_object() : json::object{};
  }
  json::object post(const std::string& target, const std::string& body, int status,
                    const std::string& token = "") {
    return exchange(
        post_request(target, body, token.empty() ? admin_token_ : token, "dividend-" + n(++keys_)),
        status, "POST " + target + " " + body);
  }
  json::object get(const std::string& target, int status = 200, const std::string& token = "") {
    return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                        (token.empty() ? admin_token_ : token) + "\r\n\r\n",
                    status, "GET " + target);
  }

  std::int64_t account(const std::string& code, const std::string& type,
                       const std::string& extra = "") {
    return post("/v1/accounts", R"({"code":")" + code + R"(","type":")" + type + "\"" + extra + "}",
                201)
        .at("id")
        .as_int64();
  }
  // Debits `debit`, credits `credit`; answers the transaction's seq.
  std::int64_t transfer(std::int64_t debit, std::int64_t credit, std::int64_t amount) {
    return post("/v1/transactions",
                R"({"debit_account":)" + n(debit) + R"(,"credit_account":)" + n(credit) +
                    R"(,"amount":)" + n(amount) + "}",
                201)
        .at("seq")
        .as_int64();
  }
  std::int64_t balance(std::int64_t id) {
    return get("/v1/accounts/" + n(id)).at("balance").as_int64();
  }
  std::string member_token(std::int64_t member) {
    return std::string(post("/v1/tokens", R"({"role":"member","member":)" + n(member) + "}", 201)
                           .at("token")
                           .as_string());
  }
  std::string statement(std::int64_t dividend, std::int64_t member) const {
    return "/v1/dividends/" + n(dividend) + "/statements/" + n(member);
  }

  void expect_books_balance() {
    auto trial = get("/v1/reports/trial-balance", 200, auditor_token_);
    ASSERT_TRUE(trial.contains("currencies"));
    for (const auto& line : trial.at("currencies").as_array()) {
      EXPECT_EQ(line.at("debits").as_int64(), line.at("credits").as_int64())
          << json::serialize(line);
    }
  }

  std::unique_ptr<HttpsClient> client_;
  int keys_ = 0;
};

TEST_F(DividendApi, TwoDividendsPaidToThePennyOverTls) {
  // The market's profit, and member 3 with savings of their own beside members 1 and 2.
  std::int64_t profit = account("income:market:profit", "income");
  transfer(cash_, profit, 400'00);
  std::int64_t member3 = post("/v1/members", "{}", 201).at("id").as_int64();
  std::int64_t savings3 =
      account("liabilities:members:0003:savings", "liability", R"(,"member":)" + n(member3));
  const std::int64_t members[] = {member1_, member2_, member3};
  const std::int64_t savings[] = {savings1_, savings2_, savings3};

  // Shares of 100.00, 200.00 and 300.01 as of the cut-off; member 1 buys 50.00 more after it.
  std::int64_t shares[3] = {};
  std::int64_t as_of = 0;
  const std::int64_t bought[] = {100'00, 200'00, 300'01};
  for (int i = 0; i < 3; ++i) {
    shares[i] = account("equity:shares:000" + n(i + 1), "equity", R"(,"member":)" + n(members[i]));
    as_of = transfer(cash_, shares[i], bought[i]);
  }
  std::int64_t later = transfer(cash_, shares[0], 50'00);
  std::int64_t savings_before[3] = {};
  for (int i = 0; i < 3; ++i) savings_before[i] = balance(savings[i]);

  // 250 bps of 600.01 is 15.0025, rounded down to 15.00: 2.50, 5.00, 7.50 into savings.
  std::int64_t by_rate =
      post("/v1/dividends",
           R"({"source_account":)" + n(profit) +
               R"(,"share_prefix":"equity:shares:","payout_prefix":)" +
               R"("liabilities:members:","as_of_seq":)" + n(as_of) + R"(,"rate_bps":250})",
           201)
          .at("id")
          .as_int64();
  auto report = get("/v1/dividends/" + n(by_rate), 200, auditor_token_);
  EXPECT_EQ(report.at("amount").as_int64(), 15'00);
  EXPECT_EQ(report.at("total_shares").as_int64(), 600'01);
  EXPECT_EQ(report.at("paid").as_int64(), 15'00);
  EXPECT_EQ(report.at("members_paid").as_int64(), 3);
  const std::int64_t by_rate_paid[] = {2'50, 5'00, 7'50};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(balance(savings[i]), savings_before[i] + by_rate_paid[i]);
    auto s = get(statement(by_rate, members[i]));
    EXPECT_EQ(s.at("shares").as_int64(), bought[i]);
    EXPECT_EQ(s.at("paid").as_int64(), by_rate_paid[i]);
    EXPECT_EQ(s.at("payout_account").as_int64(), savings[i]);
  }

  // 10.00 over 150.00, 200.00 and 300.01 (650.01) as of the later purchase, into the share
  // accounts: floors 230, 307, 461 (998) with remainders 49,770, 44,693 and 35,539 over 65,001,
  // so the two units left go to members 1 and 2.
  std::int64_t by_amount =
      post("/v1/dividends",
           R"({"source_account":)" + n(profit) +
               R"(,"share_prefix":"equity:shares:","as_of_seq":)" + n(later) + R"(,"amount":1000})",
           201)
          .at("id")
          .as_int64();
  struct Expected {
    std::int64_t shares, floor, remainder;
    bool leftover;
    std::int64_t paid;
  };
  const Expected expected[] = {{150'00, 230, 49'770, true, 231},
                               {200'00, 307, 44'693, true, 308},
                               {300'01, 461, 35'539, false, 461}};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    auto s = get(statement(by_amount, members[i]));
    EXPECT_EQ(s.at("shares").as_int64(), expected[i].shares);
    EXPECT_EQ(s.at("total_shares").as_int64(), 650'01);
    EXPECT_EQ(s.at("floor").as_int64(), expected[i].floor);
    EXPECT_EQ(s.at("remainder").as_int64(), expected[i].remainder);
    EXPECT_EQ(s.at("leftover_unit").as_bool(), expected[i].leftover);
    EXPECT_EQ(s.at("paid").as_int64(), expected[i].paid);
    EXPECT_EQ(balance(shares[i]), expected[i].shares + expected[i].paid);
  }
  EXPECT_EQ(balance(profit), 400'00 - 15'00 - 10'00);

  // Member 1 reads their own statement, not member 2's, nor the report.
  std::string token1 = member_token(member1_);
  EXPECT_EQ(get(statement(by_amount, member1_), 200, token1).at("paid").as_int64(), 231);
  EXPECT_EQ(get(statement(by_amount, member2_), 404, token1).at("code").as_string(), "not_found");
  get("/v1/dividends/" + n(by_amount), 403, token1);
  auto lines = get("/v1/dividends/" + n(by_amount) + "/lines", 200, auditor_token_);
  EXPECT_EQ(lines.at("lines").as_array().size(), 3u);

  expect_books_balance();
  EXPECT_EQ(verify_over_https(), 0);
}

}  // namespace
}  // namespace pardner::e2e
