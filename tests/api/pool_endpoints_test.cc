// The pool and round routes without sockets: the lists paged by cursor (and a cursor this server
// did not give refused), a missing pool or round answering 404, a replayed key answering 200 with
// the first result, the round's JSON while open and once closed by an admin, and the caller's
// ballot before and after voting. Time moves on the writer's manual clock.
#include "api/limits.h"
#include "crypto/access_token.h"
#include "ledger/time.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

std::string n(std::int64_t v) { return std::to_string(v); }

class PoolEndpoints : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // Ledger tokens: the fixture's own tokens have no ledger row for the writer to check.
    admin_ = ledger_token("pool-admin-00000000000000001", Role::admin, std::nullopt);
    voter_ = ledger_token("pool-member-1-00000000000001", Role::member, member1_);
    pool_account_ =
        must(ledger::OpenAccount{.code = "equity:pool", .type = ledger::AccountType::equity}).id;
    project_ = must(ledger::OpenAccount{.code = "liabilities:projects:2",
                                        .type = ledger::AccountType::liability,
                                        .member = member2_})
                   .id;
    pool_ = id_of(
        keyed("/v1/pools", R"({"currency":"GBP","account":)" + n(pool_account_) + "}", admin_));
  }

  std::string ledger_token(const std::string& token, Role role,
                           std::optional<ledger::MemberId> member) {
    auto id =
        must(ledger::CreateAccessToken{
                 .token_hash = crypto::access_token_hash(token), .role = role, .member = member})
            .id;
    tokens_.add(hash_token(token), Principal{.token_id = id, .role = role, .member = member});
    return token;
  }
  std::int64_t id_of(const Response& response) {
    EXPECT_LT(response.status, 300) << response.body;
    return response.status < 300 ? json_of(response).at("id").as_int64() : 0;
  }
  Response keyed(const std::string& target, const std::string& body, const std::string& token) {
    return post(target, body, token, "key-" + n(++keys_));
  }

  std::string admin_, voter_;
  ledger::AccountId pool_account_ = 0, project_ = 0;
  std::int64_t pool_ = 0;
  int keys_ = 0;
};

TEST_F(PoolEndpoints, ContributionsArePagedByCursorInLogOrder) {
  const std::string target = "/v1/pools/" + n(pool_) + "/contributions";
  for (int amount : {100, 200, 300}) {
    id_of(keyed(target, R"({"source_account":)" + n(cash_) + R"(,"amount":)" + n(amount) + "}",
                admin_));
  }
  auto first = json_of(get(target + "?limit=2", admin_token)).as_object();
  ASSERT_EQ(first.at("contributions").as_array().size(), 2u);
  EXPECT_EQ(first.at("contributions").at(0).at("amount").as_int64(), 100);
  ASSERT_TRUE(first.contains("next_cursor"));
  std::string cursor(first.at("next_cursor").as_string());
  auto second = json_of(get(target + "?limit=2&cursor=" + cursor, admin_token)).as_object();
  ASSERT_EQ(second.at("contributions").as_array().size(), 1u);
  EXPECT_EQ(second.at("contributions").at(0).at("amount").as_int64(), 300);
  EXPECT_FALSE(second.contains("next_cursor"));
  // Exactly a page's worth: no cursor to an empty page.
  EXPECT_FALSE(json_of(get(target + "?limit=3", admin_token)).as_object().contains("next_cursor"));
  auto bad = get(target + "?cursor=not-ours", admin_token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(problem_code(bad), "invalid_argument");
  auto limit = get(target + "?limit=1001", admin_token);
  EXPECT_EQ(limit.status, 400);
  auto pool = json_of(get("/v1/pools/" + n(pool_), member1_token)).as_object();
  EXPECT_EQ(pool.at("balance").as_int64(), 600);
  EXPECT_EQ(pool.at("contribution_count").as_int64(), 3);
  EXPECT_TRUE(pool.at("policy").is_null());
}

TEST_F(PoolEndpoints, MissingPoolsAndRoundsAnswer404) {
  for (const char* target : {"/v1/pools/999", "/v1/pools/999/contributions", "/v1/pools/999/policy",
                             "/v1/pools/999/distributions", "/v1/rounds/999"}) {
    SCOPED_TRACE(target);
    auto response = get(target, admin_token);
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(problem_code(response), "not_found");
  }
  auto ballot = get("/v1/rounds/999/votes/mine", voter_);
  EXPECT_EQ(ballot.status, 404);
}

TEST_F(PoolEndpoints, AReplayedKeyAnswersTheFirstResult) {
  const std::string target = "/v1/pools/" + n(pool_) + "/contributions";
  const std::string body = R"({"source_account":)" + n(cash_) + R"(,"amount":5})";
  auto first = post(target, body, admin_, "same-key");
  ASSERT_EQ(first.status, 201) << first.body;
  std::int64_t size = log_size();
  auto again = post(target, body, admin_, "same-key");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(log_size(), size);
  auto changed =
      post(target, R"({"source_account":)" + n(cash_) + R"(,"amount":6})", admin_, "same-key");
  EXPECT_EQ(changed.status, 409);
  EXPECT_EQ(problem_code(changed), "idempotency_conflict");
}

TEST_F(PoolEndpoints, ARoundShowsItsTallyAndTheCallersBallot) {
  id_of(keyed("/v1/pools/" + n(pool_) + "/contributions",
              R"({"source_account":)" + n(cash_) + R"(,"amount":1000})", admin_));
  ledger::Timestamp now = clock_.now();
  ledger::Timestamp hour = 3600 * ledger::micros_per_second;
  // The window's bounds in whole seconds, the short form the API also takes.
  std::string start = ledger::format_timestamp(now).substr(0, 19) + "Z";
  std::string end = ledger::format_timestamp(now + 2 * hour).substr(0, 19) + "Z";
  std::int64_t round = id_of(keyed("/v1/rounds",
                                   R"({"pool":)" + n(pool_) +
                                       R"(,"rule":"winner_takes_all","candidates":[{"member":)" +
                                       n(member2_) + R"(,"account":)" + n(project_) +
                                       R"(,"description":"fridge"}],"voting_start":")" + start +
                                       R"(","voting_end":")" + end + "\"}",
                                   admin_));
  const std::string path = "/v1/rounds/" + n(round);
  auto none = json_of(get(path + "/votes/mine", voter_)).as_object();
  EXPECT_TRUE(none.at("seq").is_null());
  EXPECT_TRUE(none.at("ballot").as_array().empty());
  auto cast = keyed(path + "/votes", R"({"ballot":[{"candidate":1}]})", voter_);
  ASSERT_EQ(cast.status, 201) << cast.body;
  auto mine = json_of(get(path + "/votes/mine", voter_)).as_object();
  EXPECT_EQ(mine.at("seq").as_int64(), json_of(cast).at("seq").as_int64());
  EXPECT_EQ(mine.at("member").as_int64(), member1_);
  auto open = json_of(get(path, member2_token)).as_object();
  EXPECT_EQ(open.at("status").as_string(), "open");
  EXPECT_EQ(open.at("voting_start").as_string(),
            ledger::format_timestamp(now / 1'000'000 * 1'000'000));
  EXPECT_TRUE(open.at("amount").is_null());  // the whole pool at closing
  EXPECT_EQ(open.at("payout_amount").as_int64(), 1000);
  EXPECT_EQ(open.at("candidates").at(0).at("votes").as_int64(), 1);
  EXPECT_EQ(open.at("candidates").at(0).at("payout").as_int64(), 1000);

  clock_.advance_micros(2 * hour);
  auto closed_by_admin = keyed(path + "/close", "", admin_);
  ASSERT_EQ(closed_by_admin.status, 200) << closed_by_admin.body;
  auto closed = json_of(get(path, admin_token)).as_object();
  EXPECT_EQ(closed.at("status").as_string(), "closed");
  EXPECT_EQ(closed.at("payout_basis").as_string(), "paid");
  EXPECT_EQ(closed.at("candidates").at(0).at("payout").as_int64(), 1000);
  EXPECT_FALSE(closed.at("transaction").is_null());
}

// Each list at its limit is decoded and reaches the ledger, which accepts it: 32 shares, 64
// candidates, a ballot of 64 lines (one past each is refused in tests/e2e/hostile_pool_input).
TEST_F(PoolEndpoints, ListsAtTheirLimitsAreAccepted) {
  std::string shares;
  for (std::size_t i = 0; i < policy_shares_max; ++i) {
    ledger::AccountId account =
        must(ledger::OpenAccount{.code = "equity:share:" + n(static_cast<std::int64_t>(i)),
                                 .type = ledger::AccountType::equity})
            .id;
    std::int64_t bps =
        i == 0 ? 10'000 - 312 * (static_cast<std::int64_t>(policy_shares_max) - 1) : 312;
    shares += std::string(i ? "," : "") + R"({"name":"s","account":)" + n(account) + R"(,"bps":)" +
              n(bps) + "}";
  }
  auto policy =
      keyed("/v1/pools/" + n(pool_) + "/policy", R"({"shares":[)" + shares + "]}", admin_);
  EXPECT_EQ(policy.status, 201) << policy.body;

  std::string candidates, ballot;
  for (std::size_t i = 0; i < round_candidates_max; ++i) {
    ledger::MemberId member = must(ledger::CreateMember{}).id;
    ledger::AccountId account =
        must(ledger::OpenAccount{.code = "liabilities:project:" + n(static_cast<std::int64_t>(i)),
                                 .type = ledger::AccountType::liability,
                                 .member = member})
            .id;
    candidates += std::string(i ? "," : "") + R"({"member":)" + n(member) + R"(,"account":)" +
                  n(account) + R"(,"description":"p"})";
    ballot +=
        std::string(i ? "," : "") + R"({"candidate":)" + n(static_cast<std::int64_t>(i + 1)) + "}";
  }
  std::string start = ledger::format_timestamp(clock_.now());
  std::string end = ledger::format_timestamp(clock_.now() + 3600 * ledger::micros_per_second);
  std::int64_t round = id_of(
      keyed("/v1/rounds",
            R"({"pool":)" + n(pool_) + R"(,"rule":"proportional","votes_per_member":)" +
                n(static_cast<std::int64_t>(ballot_lines_max)) + R"(,"candidates":[)" + candidates +
                R"(],"voting_start":")" + start + R"(","voting_end":")" + end + "\"}",
            admin_));
  auto cast = keyed("/v1/rounds/" + n(round) + "/votes", R"({"ballot":[)" + ballot + "]}", voter_);
  EXPECT_EQ(cast.status, 201) << cast.body;
}

}  // namespace
}  // namespace pardner::api::testing
