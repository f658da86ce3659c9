// A community funding round over the real server and TLS, as its people would drive it (issue
// #6): a pool fed from three sources (a member's own account by the member's token, an
// enterprise's income account, external cash-in clearing), an allocation policy and a
// distribution checked to the penny, a round on four projects with a voting window of a few
// seconds by the server's real clock, members voting and one changing their vote, a second first
// ballot, an admin's and an auditor's vote and a vote after the window all refused, the round
// closed by the server's own scheduled work when the window ends (served here with
// --scheduled-work-interval-ms 100 rather than every ten minutes), the winners paid, the books
// balanced, and `pardner verify --url` replaying the whole log, tally and payout included.
#include <sys/wait.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "crypto/base64.h"
#include "ledger/time.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

namespace json = boost::json;

std::string n(std::int64_t v) { return std::to_string(v); }

// The window: open now, closing this long after the round is opened. Long enough for the votes
// below on a loaded machine, short enough to keep the test's wall time small.
constexpr std::int64_t voting_window_ms = 4'000;

class PoolRound : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    start_server({"--scheduled-work-interval-ms", "100"});
    if (HasFatalFailure()) return;
  }

  HttpsResponse send(const std::string& request) {
    if (!client_) client_ = connect();
    EXPECT_TRUE(client_->send(request));
    auto response = client_->read_response();
    EXPECT_TRUE(response) << response.error().detail;
    if (!response) {
      client_.reset();
      return {};
    }
    if (response->header("connection") == "close") client_.reset();
    return response.value();
  }

  // A write with a fresh Idempotency-Key; `method` POST or PUT.
  json::object call(const std::string& method, const std::string& target, const std::string& body,
                    int status, const std::string& token = "") {
    std::string request =
        post_request(target, body, token.empty() ? admin_token_ : token, "round-" + n(++keys_));
    if (method != "POST") request.replace(0, 4, method);
    auto response = send(request);
    EXPECT_EQ(response.status, status)
        << method << " " << target << " " << body << ": " << response.body;
    auto value = json::parse(response.body);
    return value.is_object() ? value.as_object() : json::object{};
  }
  json::object post(const std::string& target, const std::string& body, int status,
                    const std::string& token = "") {
    return call("POST", target, body, status, token);
  }
  std::string code_of(const json::object& problem) {
    auto* code = problem.if_contains("code");
    return code && code->is_string() ? std::string(code->as_string()) : "";
  }

  json::object get(const std::string& target, const std::string& token = "") {
    if (!client_) client_ = connect();
    auto response = client_->get(target, token.empty() ? admin_token_ : token);
    EXPECT_TRUE(response);
    if (!response) return {};
    EXPECT_EQ(response->status, 200) << target << ": " << response->body;
    auto value = json::parse(response->body);
    return value.is_object() ? value.as_object() : json::object{};
  }

  std::int64_t account(const std::string& code, const std::string& type,
                       const std::string& extra = "") {
    return post("/v1/accounts", R"({"code":")" + code + R"(","type":")" + type + "\"" + extra + "}",
                201)
        .at("id")
        .as_int64();
  }
  std::int64_t member() { return post("/v1/members", "{}", 201).at("id").as_int64(); }
  std::string member_token(std::int64_t member) {
    return std::string(post("/v1/tokens", R"({"role":"member","member":)" + n(member) + "}", 201)
                           .at("token")
                           .as_string());
  }
  std::int64_t balance(std::int64_t id) {
    return get("/v1/accounts/" + n(id)).at("balance").as_int64();
  }

  void expect_books_balance() {
    auto trial = get("/v1/reports/trial-balance", auditor_token_);
    ASSERT_TRUE(trial.contains("currencies"));
    for (const auto& line : trial.at("currencies").as_array()) {
      EXPECT_EQ(line.at("debits").as_int64(), line.at("credits").as_int64())
          << json::serialize(line);
    }
  }

  std::unique_ptr<HttpsClient> client_;
  int keys_ = 0;
};

TEST_F(PoolRound, AFundingRoundFromContributionsToPaidWinners) {
  // The accounts, as the community's accountant would set them up.
  std::int64_t pool_account = account("equity:reinvestment", "equity");
  std::int64_t market_profit = account("income:market:profit", "income");
  std::int64_t clearing = account("assets:clearing:cash-in", "asset");
  std::int64_t loan_capital = account("equity:loan-fund:capital", "equity");
  std::int64_t grants = account("liabilities:grants", "liability");
  std::int64_t reserve = account("equity:reserve", "equity");
  // The market's takings credit its income account first.
  post("/v1/transactions",
       R"({"debit_account":)" + n(cash_) + R"(,"credit_account":)" + n(market_profit) +
           R"(,"amount":40000,"memo":"market takings"})",
       201);

  // The pool and three contributions: 20.00 by member 1 from their savings (their own token),
  // 300.00 of the market's profit, 150.01 of a Soup evening's cash with its host recorded.
  std::int64_t pool =
      post("/v1/pools",
           R"({"currency":"GBP","account":)" + n(pool_account) + R"(,"description":"surplus"})",
           201)
          .at("id")
          .as_int64();
  const std::string pool_path = "/v1/pools/" + n(pool);
  post(pool_path + "/contributions",
       R"({"source_account":)" + n(savings1_) + R"(,"amount":2000,"reason":"monthly"})", 201,
       member1_token_);
  EXPECT_EQ(code_of(post(pool_path + "/contributions",
                         R"({"source_account":)" + n(savings2_) + R"(,"amount":1})", 404,
                         member1_token_)),
            "not_found");
  post(pool_path + "/contributions",
       R"({"source_account":)" + n(market_profit) + R"(,"amount":30000,"reason":"Q3 profit"})",
       201);
  post(pool_path + "/contributions",
       R"({"source_account":)" + n(clearing) + R"(,"amount":15001,"contributor":)" + n(member2_) +
           R"(,"reason":"soup evening"})",
       201);
  EXPECT_EQ(balance(savings1_), 5000 - 2000);
  EXPECT_EQ(balance(market_profit), 40000 - 30000);
  EXPECT_EQ(balance(clearing), 15001);
  auto contributions = get(pool_path + "/contributions", auditor_token_);
  ASSERT_EQ(contributions.at("contributions").as_array().size(), 3u);
  const auto& kinds = contributions.at("contributions").as_array();
  EXPECT_EQ(kinds[0].at("source_kind").as_string(), "member_account");
  EXPECT_EQ(kinds[1].at("source_kind").as_string(), "income");
  EXPECT_EQ(kinds[2].at("source_kind").as_string(), "clearing");
  EXPECT_EQ(kinds[2].at("contributor_member").as_int64(), member2_);

  // 50% to the loan fund's capital, 30% to grants, 20% to the reserve; 100.01 split to the
  // penny by largest remainder: 50.005, 30.003, 20.002 -> 50.01, 30.00, 20.00.
  post(pool_path + "/policy",
       R"({"shares":[{"name":"loan fund capital","account":)" + n(loan_capital) +
           R"(,"bps":5000},{"name":"grants","account":)" + n(grants) +
           R"(,"bps":3000},{"name":"reserve","account":)" + n(reserve) + R"(,"bps":2000}]})",
       201);
  post(pool_path + "/distributions", R"({"amount":10001})", 201);
  EXPECT_EQ(balance(loan_capital), 5001);
  EXPECT_EQ(balance(grants), 3000);
  EXPECT_EQ(balance(reserve), 2000);
  auto pool_view = get(pool_path, member1_token_);  // a member sees the community's pool
  EXPECT_EQ(pool_view.at("balance").as_int64(), 2000 + 30000 + 15001 - 10001);
  EXPECT_EQ(pool_view.at("contributed").as_int64(), 47001);
  EXPECT_EQ(pool_view.at("distributed").as_int64(), 10001);
  EXPECT_EQ(pool_view.at("policy").at("version").as_int64(), 1);
  auto split = get(pool_path + "/distributions").at("distributions").at(0).at("split");
  EXPECT_EQ(split.as_array().size(), 3u);

  // Four projects, each a member with an account to receive funds; three more voters.
  std::vector<std::int64_t> projects, project_accounts;
  std::string candidates;
  const char* names[] = {"community fridge", "bike repair", "youth football", "mural"};
  for (int i = 0; i < 4; ++i) {
    projects.push_back(member());
    project_accounts.push_back(
        account("liabilities:projects:" + n(i), "liability", R"(,"member":)" + n(projects.back())));
    candidates += std::string(i ? "," : "") + R"({"member":)" + n(projects.back()) +
                  R"(,"account":)" + n(project_accounts.back()) + R"(,"description":")" + names[i] +
                  "\"}";
  }
  std::vector<std::string> voters;
  for (int i = 0; i < 3; ++i) voters.push_back(member_token(member()));
  std::string project_token = member_token(projects[0]);

  // 300.00 split in proportion to the votes, voting from now for a few seconds.
  ledger::Timestamp now = ledger::SystemClock().now();
  ledger::Timestamp end = now + voting_window_ms * 1000;
  std::int64_t round =
      post("/v1/rounds",
           R"({"pool":)" + n(pool) + R"(,"amount":30000,"rule":"proportional","candidates":[)" +
               candidates + R"(],"voting_start":")" + ledger::format_timestamp(now) +
               R"(","voting_end":")" + ledger::format_timestamp(end) + "\"}",
           201)
          .at("id")
          .as_int64();
  const std::string round_path = "/v1/rounds/" + n(round);
  const std::string votes = round_path + "/votes";
  auto ballot = [](int candidate) { return R"({"ballot":[{"candidate":)" + n(candidate) + "}]}"; };
  post(votes, ballot(1), 201, voters[0]);
  post(votes, ballot(2), 201, voters[1]);
  post(votes, ballot(2), 201, voters[2]);
  post(votes, ballot(3), 201, member1_token_);
  // Member 1 votes again: refused, the first ballot stands; then changes it explicitly.
  auto twice = post(votes, ballot(4), 409, member1_token_);
  EXPECT_EQ(code_of(twice), "already_voted");
  EXPECT_NE(twice.at("detail").as_string().find("/votes/mine"), std::string::npos);
  EXPECT_EQ(
      get(round_path + "/votes/mine", member1_token_).at("ballot").at(0).at("candidate").as_int64(),
      3);
  call("PUT", round_path + "/votes/mine", ballot(1), 200, member1_token_);
  EXPECT_EQ(
      get(round_path + "/votes/mine", member1_token_).at("ballot").at(0).at("candidate").as_int64(),
      1);
  // Nobody votes for another: an admin's and an auditor's token are refused, and a candidate
  // may not vote for their own project in this round.
  EXPECT_EQ(code_of(post(votes, ballot(1), 403, admin_token_)), "forbidden");
  EXPECT_EQ(code_of(post(votes, ballot(1), 403, auditor_token_)), "forbidden");
  EXPECT_EQ(code_of(post(votes, ballot(1), 403, project_token)), "not_permitted");
  // While voting: 2, 2, 0, 0 votes from four ballots; closing now would pay 150.00 twice.
  auto open = get(round_path, member1_token_);
  EXPECT_EQ(open.at("status").as_string(), "open");
  EXPECT_EQ(open.at("ballot_count").as_int64(), 4);
  EXPECT_EQ(open.at("payout_basis").as_string(), "if_closed_now");
  EXPECT_EQ(open.at("candidates").at(0).at("votes").as_int64(), 2);
  EXPECT_EQ(open.at("candidates").at(1).at("payout").as_int64(), 15000);
  // No admin cuts voting short.
  EXPECT_EQ(code_of(post(round_path + "/close", "{}", 409)), "voting_open");
  ASSERT_LT(ledger::SystemClock().now(), end) << "the votes took longer than the window";

  // The server closes the round itself once the window has ended (its scheduled work runs
  // every 100 ms here). Waits for that with a deadline.
  json::object closed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    closed = get(round_path);
    if (closed.at("status").as_string() == "closed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(closed.at("status").as_string(), "closed") << json::serialize(closed);
  EXPECT_EQ(closed.at("payout_basis").as_string(), "paid");
  EXPECT_EQ(closed.at("payout_amount").as_int64(), 30000);
  EXPECT_FALSE(closed.at("transaction").is_null());
  EXPECT_EQ(code_of(post(votes, ballot(2), 409, voters[0])), "round_closed");
  EXPECT_EQ(code_of(call("PUT", round_path + "/votes/mine", ballot(2), 409, voters[0])),
            "round_closed");
  EXPECT_EQ(code_of(post(round_path + "/close", "{}", 409)), "round_closed");
  // Closed by the server, not an admin: the round_closed entry names no one.
  auto entry = get("/v1/log/entries?start=" + n(closed.at("closed_seq").as_int64()) + "&limit=1",
                   auditor_token_);
  ASSERT_EQ(entry.at("entries").as_array().size(), 1u);
  const json::string& leaf_base64 = entry.at("entries").at(0).at("leaf").as_string();
  auto leaf = crypto::base64_decode(std::string_view(leaf_base64.data(), leaf_base64.size()));
  ASSERT_TRUE(leaf);
  auto fields = json::parse(std::string(leaf.value().begin(), leaf.value().end())).as_object();
  EXPECT_EQ(fields.at("kind").as_string(), "round_closed");
  EXPECT_TRUE(fields.at("closed_by").is_null());

  // The winners paid from the pool in one transaction: 150.00 each to projects 1 and 2.
  EXPECT_EQ(balance(project_accounts[0]), 15000);
  EXPECT_EQ(balance(project_accounts[1]), 15000);
  EXPECT_EQ(balance(project_accounts[2]), 0);
  EXPECT_EQ(balance(project_accounts[3]), 0);
  EXPECT_EQ(balance(pool_account), 37000 - 30000);
  expect_books_balance();
  EXPECT_EQ(verify_over_https(), 0);
}

}  // namespace
}  // namespace pardner::e2e
