// Hostile and careless input to the pool and round routes over real TLS: bps that do not sum to
// 10,000, negative, zero and huge amounts, unknown fields at every level, lists past their
// bounds, windows that are backwards, over or not UTC, votes by the wrong tokens. Each request
// gets its precise problem+json answer, and the signed log is unchanged afterwards.
#include <string>
#include <vector>

#include "api/limits.h"
#include "ledger/limits.h"
#include "ledger/time.h"
#include "tests/e2e/hostile_input.h"

namespace pardner::e2e {
namespace {

std::string n(std::int64_t v) { return std::to_string(v); }

// A pool holding 100.00 with a policy, a project account of member 2, and a round on the pool
// taking votes for a day, made before the server starts.
class HostilePoolInput : public HostileInput {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    write([this](ledger::Writer& writer) {
      auto id_of = [&](const auto& command) {
        auto done = writer.submit_and_wait(command);
        EXPECT_TRUE(done) << (done ? "" : done.error().detail);
        return done ? done.value().id : 0;
      };
      ledger::ActorToken admin = id_of(ledger::CreateAccessToken{
          .token_hash = crypto::access_token_hash(crypto::generate_access_token()),
          .role = ledger::Role::admin});
      pool_account_ =
          id_of(ledger::OpenAccount{.code = "equity:pool", .type = ledger::AccountType::equity});
      reserve_ =
          id_of(ledger::OpenAccount{.code = "equity:reserve", .type = ledger::AccountType::equity});
      spare_ =
          id_of(ledger::OpenAccount{.code = "equity:spare", .type = ledger::AccountType::equity});
      project_ = id_of(ledger::OpenAccount{.code = "liabilities:projects:0002",
                                           .type = ledger::AccountType::liability,
                                           .member = member2_});
      pool_ = id_of(ledger::CreatePool{.idempotency_key = "pool",
                                       .actor = admin,
                                       .currency = "GBP",
                                       .pool_account = pool_account_});
      id_of(ledger::Contribute{.idempotency_key = "in",
                               .actor = admin,
                               .pool = pool_,
                               .source_account = cash_,
                               .amount_minor = 100'00});
      id_of(ledger::SetAllocationPolicy{.idempotency_key = "policy",
                                        .actor = admin,
                                        .pool = pool_,
                                        .shares = {{"reserve", reserve_, 10'000}}});
      ledger::Timestamp now = ledger::SystemClock().now();
      round_ = id_of(ledger::OpenRound{.idempotency_key = "round",
                                       .actor = admin,
                                       .pool = pool_,
                                       .amount_minor = 10'00,
                                       .candidates = {{member2_, project_, "fridge"}},
                                       .voting_start = now,
                                       .voting_end = now + ledger::micros_per_day});
    });
    if (!HasFatalFailure()) start_server();
  }

  std::string pool_target(const std::string& what) const {
    return "/v1/pools/" + n(pool_) + (what.empty() ? "" : "/" + what);
  }
  std::string round_target(const std::string& what) const {
    return "/v1/rounds/" + n(round_) + "/" + what;
  }
  std::string contribution(const std::string& amount_json, const std::string& extra = "",
                           ledger::AccountId source = 0) const {
    return R"({"source_account":)" + n(source ? source : cash_) + R"(,"amount":)" + amount_json +
           extra + "}";
  }
  // `count` shares of `bps` each to the reserve (repeated accounts are the ledger's to refuse).
  std::string shares(std::size_t count, const std::string& bps,
                     const std::string& extra = "") const {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += (i ? "," : "") + std::string(R"({"name":"reserve","account":)") + n(reserve_) +
             R"(,"bps":)" + bps + extra + "}";
    }
    return R"({"shares":[)" + out + "]}";
  }
  std::string candidates(std::size_t count, const std::string& extra = "") const {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += (i ? "," : "") + std::string(R"({"member":)") + n(member2_) + R"(,"account":)" +
             n(project_) + R"(,"description":"mural")" + extra + "}";
    }
    return "[" + out + "]";
  }
  // A round body: the required fields, then `extra` (",name:value..." appended as is).
  std::string round_body(const std::string& candidates_json, const std::string& start,
                         const std::string& end, const std::string& extra = "") const {
    return R"({"pool":)" + n(pool_) + R"(,"rule":"proportional","candidates":)" + candidates_json +
           R"(,"voting_start":")" + start + R"(","voting_end":")" + end + "\"" + extra + "}";
  }
  std::string ballot(std::size_t lines, const std::string& line) const {
    std::string out;
    for (std::size_t i = 0; i < lines; ++i) out += (i ? "," : "") + line;
    return R"({"ballot":[)" + out + "]}";
  }

  ledger::AccountId pool_account_ = 0, reserve_ = 0, spare_ = 0, project_ = 0;
  ledger::PoolId pool_ = 0;
  ledger::RoundId round_ = 0;
};

TEST_F(HostilePoolInput, EveryBadPoolOrRoundRequestIsAPreciseProblemAndWritesNothing) {
  const std::string json = "application/json";
  const std::string bad = "invalid_argument";
  const std::string text_past_limit(ledger::pool_text_bytes_max + 1, 't');
  ledger::Timestamp now = ledger::SystemClock().now();
  const std::string soon = ledger::format_timestamp(now + ledger::micros_per_day);
  const std::string later = ledger::format_timestamp(now + 2 * ledger::micros_per_day);
  const std::string past = ledger::format_timestamp(now - ledger::micros_per_day);
  const std::string long_ago = ledger::format_timestamp(now - 2 * ledger::micros_per_day);
  const std::string rounds = "/v1/rounds";
  std::vector<HostileCase> cases = {
      // Pools.
      {"pool without a currency", "/v1/pools", json, R"({"account":)" + n(spare_) + "}", true, 400,
       bad},
      {"pool over an asset account", "/v1/pools", json,
       R"({"currency":"GBP","account":)" + n(cash_) + "}", true, 400, bad},
      {"pool over an account that is already a pool's", "/v1/pools", json,
       R"({"currency":"GBP","account":)" + n(pool_account_) + "}", true, 409, "already_exists"},
      {"pool description past its limit", "/v1/pools", json,
       R"({"currency":"GBP","account":)" + n(spare_) + R"(,"description":")" + text_past_limit +
           "\"}",
       true, 400, bad},
      {"unknown field in a pool", "/v1/pools", json,
       R"({"currency":"GBP","account":)" + n(spare_) + R"(,"owner":1})", true, 400, bad},
      {"pool past the body limit", "/v1/pools", json,
       R"({"currency":"GBP","account":)" + n(spare_) + R"(,"description":")" +
           std::string(api::pool_body_bytes_max, 'd') + "\"}",
       true, 413, "body_too_large"},
      {"pool without a key", "/v1/pools", json, R"({"currency":"GBP","account":)" + n(spare_) + "}",
       false, 400, bad},
      // Contributions.
      {"negative contribution", pool_target("contributions"), json, contribution("-100"), true, 400,
       bad},
      {"zero contribution", pool_target("contributions"), json, contribution("0"), true, 400, bad},
      {"contribution past the JSON-safe maximum", pool_target("contributions"), json,
       contribution("9007199254740992"), true, 400, bad},
      {"fractional contribution", pool_target("contributions"), json, contribution("1.5"), true,
       400, bad},
      {"contribution as a string", pool_target("contributions"), json, contribution(R"("100")"),
       true, 400, bad},
      {"unknown field in a contribution", pool_target("contributions"), json,
       contribution("100", R"(,"matched":true)"), true, 400, bad},
      {"contribution reason past its limit", pool_target("contributions"), json,
       contribution("100", R"(,"reason":")" + text_past_limit + "\""), true, 400, bad},
      {"contribution from the pool itself", pool_target("contributions"), json,
       contribution("100", "", pool_account_), true, 400, bad},
      {"contribution to no pool", "/v1/pools/999/contributions", json, contribution("100"), true,
       404, "not_found"},
      {"contribution past the source's floor", pool_target("contributions"), json,
       contribution("701", "", savings2_), true, 422, "insufficient_funds"},
      // Policies.
      {"shares summing to 9,999 bps", pool_target("policy"), json, shares(1, "9999"), true, 400,
       bad},
      {"shares summing to 10,001 bps", pool_target("policy"), json,
       R"({"shares":[{"name":"a","account":)" + n(reserve_) +
           R"(,"bps":5001},{"name":"b","account":)" + n(spare_) + R"(,"bps":5000}]})",
       true, 400, bad},
      {"a share of 0 bps", pool_target("policy"), json,
       R"({"shares":[{"name":"a","account":)" + n(reserve_) +
           R"(,"bps":10000},{"name":"b","account":)" + n(spare_) + R"(,"bps":0}]})",
       true, 400, bad},
      {"a negative share", pool_target("policy"), json, shares(1, "-10000"), true, 400, bad},
      {"no shares", pool_target("policy"), json, R"({"shares":[]})", true, 400, bad},
      {"shares past their limit", pool_target("policy"), json,
       shares(api::policy_shares_max + 1, "1"), true, 400, bad},
      {"shares not an array", pool_target("policy"), json, R"({"shares":{"a":1}})", true, 400, bad},
      {"unknown field in a share", pool_target("policy"), json, shares(1, "10000", R"(,"x":1)"),
       true, 400, bad},
      {"share name past its limit", pool_target("policy"), json,
       R"({"shares":[{"name":")" + text_past_limit + R"(","account":)" + n(reserve_) +
           R"(,"bps":10000}]})",
       true, 400, bad},
      {"a share to the pool's own account", pool_target("policy"), json,
       R"({"shares":[{"name":"a","account":)" + n(pool_account_) + R"(,"bps":10000}]})", true, 400,
       bad},
      {"shares nested too deep", pool_target("policy"), json, R"({"shares":[[[[1]]]]})", true, 400,
       "malformed_json"},
      // Distributions.
      {"negative distribution", pool_target("distributions"), json, R"({"amount":-1})", true, 400,
       bad},
      {"distribution past the pool's balance", pool_target("distributions"), json,
       R"({"amount":10001})", true, 422, "insufficient_funds"},
      {"distribution as a string", pool_target("distributions"), json, R"({"amount":"5"})", true,
       400, bad},
      {"unknown field in a distribution", pool_target("distributions"), json,
       R"({"amount":5,"policy":1})", true, 400, bad},
      // Rounds.
      {"round with too many candidates", rounds, json,
       round_body(candidates(api::round_candidates_max + 1), soon, later), true, 400, bad},
      {"round with no candidates", rounds, json, round_body("[]", soon, later), true, 400, bad},
      {"round whose window runs backwards", rounds, json, round_body(candidates(1), later, soon),
       true, 400, bad},
      {"round whose window has ended", rounds, json, round_body(candidates(1), long_ago, past),
       true, 400, bad},
      {"round window not in UTC", rounds, json,
       round_body(candidates(1), "2030-01-01T10:00:00+01:00", later), true, 400, bad},
      {"round window as a date", rounds, json, round_body(candidates(1), "2030-01-01", later), true,
       400, bad},
      {"round with an unknown rule", rounds, json,
       R"({"pool":)" + n(pool_) + R"(,"rule":"loudest","candidates":)" + candidates(1) +
           R"(,"voting_start":")" + soon + R"(","voting_end":")" + later + "\"}",
       true, 400, bad},
      {"round with no votes per member", rounds, json,
       round_body(candidates(1), soon, later, R"(,"votes_per_member":0)"), true, 400, bad},
      {"round minimum share past 10,000 bps", rounds, json,
       round_body(candidates(1), soon, later, R"(,"min_share_bps":10001)"), true, 400, bad},
      {"round with a negative amount", rounds, json,
       round_body(candidates(1), soon, later, R"(,"amount":-5)"), true, 400, bad},
      {"candidate description past its limit", rounds, json,
       round_body(R"([{"member":)" + n(member2_) + R"(,"account":)" + n(project_) +
                      R"(,"description":")" + text_past_limit + "\"}]",
                  soon, later),
       true, 400, bad},
      {"unknown field in a candidate", rounds, json,
       round_body(candidates(1, R"(,"votes":9)"), soon, later), true, 400, bad},
      {"round past the body limit", rounds, json,
       round_body(candidates(1), soon, later,
                  R"(,"idempotency_key":")" + std::string(api::round_body_bytes_max, 'k') + "\""),
       true, 413, "body_too_large"},
      {"closing a round before its window ends", round_target("close"), json, "{}", true, 409,
       "voting_open"},
      {"closing no round", "/v1/rounds/999/close", json, "{}", true, 404, "not_found"},
  };

  std::string before = checkpoint();
  int count = 0;
  for (const auto& c : cases) expect_refused(c, admin_token_, count++);

  // Ballots, by member 1's own token.
  const std::string votes = round_target("votes");
  std::vector<HostileCase> ballots = {
      {"a vote with no ballot", votes, json, "{}", true, 400, bad},
      {"an empty ballot", votes, json, R"({"ballot":[]})", true, 400, bad},
      {"ballot lines past their limit", votes, json,
       ballot(api::ballot_lines_max + 1, R"({"candidate":1})"), true, 400, bad},
      {"a vote for no candidate", votes, json, ballot(1, R"({"candidate":2})"), true, 400, bad},
      {"two votes in a one-vote round", votes, json, ballot(1, R"({"candidate":1,"votes":2})"),
       true, 400, bad},
      {"negative votes", votes, json, ballot(1, R"({"candidate":1,"votes":-1})"), true, 400, bad},
      {"unknown field in a ballot line", votes, json, ballot(1, R"({"candidate":1,"weight":3})"),
       true, 400, bad},
      {"a vote without a key", votes, json, ballot(1, R"({"candidate":1})"), false, 400, bad},
      {"a vote in no round", "/v1/rounds/999/votes", json, ballot(1, R"({"candidate":1})"), true,
       404, "not_found"},
      {"a contribution from another member's account", pool_target("contributions"), json,
       contribution("1", "", savings2_), true, 404, "not_found"},
      {"a member making a pool", "/v1/pools", json,
       R"({"currency":"GBP","account":)" + n(spare_) + "}", true, 403, "forbidden"},
  };
  for (const auto& c : ballots) expect_refused(c, member1_token_, count++);

  // A valid ballot by tokens that may not vote: the admin and the auditor.
  HostileCase vote{"a vote by an admin token",
                   votes,
                   json,
                   ballot(1, R"({"candidate":1})"),
                   true,
                   403,
                   "forbidden"};
  expect_refused(vote, admin_token_, count++);
  vote.name = "a vote by an auditor token";
  expect_refused(vote, auditor_token_, count++);
  EXPECT_EQ(checkpoint(), before) << "a refused request changed the log";
}

}  // namespace
}  // namespace pardner::e2e
