// Hostile and careless input to POST /v1/dividends over real TLS: negative, zero, fractional and
// huge amounts, both or neither of amount and rate, rates past 10,000 bps, cut-offs past the log,
// prefixes past their bound or nested, unknown fields, a body past its limit, and the tokens that
// may not declare one. Each request gets its precise problem+json answer, and the signed log is
// unchanged afterwards.
#include <string>
#include <vector>

#include "api/limits.h"
#include "ledger/limits.h"
#include "tests/e2e/hostile_input.h"

namespace pardner::e2e {
namespace {

std::string n(std::int64_t v) { return std::to_string(v); }

// Members 1 and 2 hold 100.00 and 300.00 in share accounts as of seq as_of_; an income account
// holds 100.00 to pay from. Made before the server starts.
class HostileDividendInput : public HostileInput {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    write([this](ledger::Writer& writer) {
      auto done_of = [&](const auto& command) {
        auto done = writer.submit_and_wait(command);
        EXPECT_TRUE(done) << (done ? "" : done.error().detail);
        return done ? done.value() : ledger::Applied{};
      };
      source_ =
          done_of(ledger::OpenAccount{.code = "income:profit", .type = ledger::AccountType::income})
              .id;
      auto shares = [&](const std::string& code, ledger::MemberId member) {
        return done_of(ledger::OpenAccount{
                           .code = code, .type = ledger::AccountType::equity, .member = member})
            .id;
      };
      ledger::AccountId shares1 = shares("equity:shares:0001", member1_);
      ledger::AccountId shares2 = shares("equity:shares:0002", member2_);
      done_of(ledger::make_transfer("profit", cash_, source_, 100'00));
      done_of(ledger::make_transfer("shares-1", cash_, shares1, 100'00));
      as_of_ = done_of(ledger::make_transfer("shares-2", cash_, shares2, 300'00)).seq;
    });
    if (!HasFatalFailure()) start_server();
  }

  // A dividend from the income account over "equity:shares:" as of as_of_, then `rest`.
  std::string dividend(const std::string& rest) const {
    return R"({"source_account":)" + n(source_) + R"(,"share_prefix":"equity:shares:",)" +
           R"("as_of_seq":)" + n(as_of_) + "," + rest + "}";
  }

  ledger::AccountId source_ = 0;
  ledger::Seq as_of_ = 0;
};

TEST_F(HostileDividendInput, EveryBadDividendIsAPreciseProblemAndWritesNothing) {
  const std::string json = "application/json";
  const std::string bad = "invalid_argument";
  const std::string target = "/v1/dividends";
  const std::string prefix_past_limit(ledger::dividend_prefix_bytes_max + 1, 'e');
  std::vector<HostileCase> cases = {
      {"negative amount", target, json, dividend(R"("amount":-100)"), true, 400, bad},
      {"zero amount", target, json, dividend(R"("amount":0)"), true, 400, bad},
      {"amount past the JSON-safe maximum", target, json, dividend(R"("amount":9007199254740992)"),
       true, 400, bad},
      {"huge amount past int64", target, json, dividend(R"("amount":99999999999999999999)"), true,
       400, bad},
      {"fractional amount", target, json, dividend(R"("amount":1.5)"), true, 400, bad},
      {"amount as a string", target, json, dividend(R"("amount":"100")"), true, 400, bad},
      {"amount past the source's balance", target, json, dividend(R"("amount":10001)"), true, 422,
       "insufficient_funds"},
      {"both amount and rate", target, json, dividend(R"("amount":100,"rate_bps":100)"), true, 400,
       bad},
      {"neither amount nor rate", target, json, dividend(R"("payout_prefix":"liabilities:")"), true,
       400, bad},
      {"rate past 10,000 bps", target, json, dividend(R"("rate_bps":10001)"), true, 400, bad},
      {"zero rate", target, json, dividend(R"("rate_bps":0)"), true, 400, bad},
      {"negative rate", target, json, dividend(R"("rate_bps":-250)"), true, 400, bad},
      {"fractional rate", target, json, dividend(R"("rate_bps":0.5)"), true, 400, bad},
      {"cut-off past the log", target, json,
       R"({"source_account":)" + n(source_) +
           R"(,"share_prefix":"equity:shares:","as_of_seq":1000000,"amount":100})",
       true, 400, bad},
      {"negative cut-off", target, json,
       R"({"source_account":)" + n(source_) +
           R"(,"share_prefix":"equity:shares:","as_of_seq":-1,"amount":100})",
       true, 400, bad},
      {"cut-off before anyone held shares", target, json,
       R"({"source_account":)" + n(source_) +
           R"(,"share_prefix":"equity:shares:","as_of_seq":0,"amount":100})",
       true, 400, bad},
      {"no cut-off", target, json,
       R"({"source_account":)" + n(source_) + R"(,"share_prefix":"equity:shares:","amount":100})",
       true, 400, bad},
      {"no source", target, json,
       R"({"share_prefix":"equity:shares:","as_of_seq":)" + n(as_of_) + R"(,"amount":100})", true,
       400, bad},
      {"no such source account", target, json,
       R"({"source_account":999999,"share_prefix":"equity:shares:","as_of_seq":)" + n(as_of_) +
           R"(,"amount":100})",
       true, 404, "not_found"},
      {"no such source pool", target, json,
       R"({"source_pool":999,"share_prefix":"equity:shares:","as_of_seq":)" + n(as_of_) +
           R"(,"amount":100})",
       true, 404, "not_found"},
      {"an asset as the source", target, json,
       R"({"source_account":)" + n(cash_) + R"(,"share_prefix":"equity:shares:","as_of_seq":)" +
           n(as_of_) + R"(,"amount":100})",
       true, 400, bad},
      {"no share prefix", target, json,
       R"({"source_account":)" + n(source_) + R"(,"as_of_seq":)" + n(as_of_) + R"(,"amount":1})",
       true, 400, bad},
      {"empty share prefix", target, json,
       R"({"source_account":)" + n(source_) + R"(,"share_prefix":"","as_of_seq":)" + n(as_of_) +
           R"(,"amount":1})",
       true, 400, bad},
      {"share prefix past its limit", target, json,
       R"({"source_account":)" + n(source_) + R"(,"share_prefix":")" + prefix_past_limit +
           R"(","as_of_seq":)" + n(as_of_) + R"(,"amount":1})",
       true, 400, bad},
      {"payout prefix past its limit", target, json,
       dividend(R"("amount":1,"payout_prefix":")" + prefix_past_limit + "\""), true, 400, bad},
      {"payout prefix nested in the share prefix", target, json,
       dividend(R"("amount":1,"payout_prefix":"equity:shares:0")"), true, 400, bad},
      {"a member with no payout account", target, json,
       dividend(R"("amount":1,"payout_prefix":"liabilities:nowhere:")"), true, 404, "not_found"},
      {"a share prefix no member holds", target, json,
       R"({"source_account":)" + n(source_) + R"(,"share_prefix":"equity:none:","as_of_seq":)" +
           n(as_of_) + R"(,"amount":1})",
       true, 400, bad},
      {"unknown field", target, json, dividend(R"("amount":1,"description":"bonus")"), true, 400,
       bad},
      {"a nested value", target, json, dividend(R"("amount":{"minor":1})"), true, 400,
       "malformed_json"},
      {"body past its limit", target, json,
       dividend(R"("amount":1,"payout_prefix":")" + std::string(api::dividend_body_bytes_max, 'p') +
                "\""),
       true, 413, "body_too_large"},
      {"without a key", target, json, dividend(R"("amount":1)"), false, 400, bad},
      {"not JSON", target, json, "{amount: 1}", true, 400, "malformed_json"},
      {"not application/json", target, "text/plain", dividend(R"("amount":1)"), true, 415,
       "unsupported_media_type"},
  };
  std::string before = checkpoint();
  int count = 0;
  for (const auto& c : cases) expect_refused(c, admin_token_, count++);

  // A dividend that would be accepted, by tokens that may not declare one.
  HostileCase valid{"a dividend by a member token",
                    target,
                    json,
                    dividend(R"("amount":100)"),
                    true,
                    403,
                    "forbidden"};
  expect_refused(valid, member1_token_, count++);
  valid.name = "a dividend by an auditor token";
  expect_refused(valid, auditor_token_, count++);
  EXPECT_EQ(checkpoint(), before) << "a refused request changed the log";
}

}  // namespace
}  // namespace pardner::e2e
