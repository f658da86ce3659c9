// Hostile and careless input to the real server over real TLS: malformed JSON, oversized and
// deeply nested bodies, huge, negative, fractional and exponent amounts, unknown and duplicate
// fields, wrong content types, bad UTF-8, missing keys and wrong roles. Each request gets the
// precise problem+json answer, and afterwards the log holds exactly what it held before: no
// refused request wrote anything.
#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "api/limits.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

struct HostileCase {
  std::string name;
  std::string target;
  std::string content_type;  // empty: no Content-Type header
  std::string body;
  bool with_key = true;  // send an Idempotency-Key
  int status;
  std::string code;
};

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

class HostileInput : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  std::string transfer(const std::string& amount_json, const std::string& extra = "") const {
    return R"({"debit_account":)" + std::to_string(savings1_) + R"(,"credit_account":)" +
           std::to_string(cash_) + R"(,"amount":)" + amount_json + extra + "}";
  }

  std::string request(const HostileCase& c, const std::string& token, int n) const {
    std::string out = "POST " + c.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    out += "Authorization: Bearer " + token + "\r\n";
    if (!c.content_type.empty()) out += "Content-Type: " + c.content_type + "\r\n";
    if (c.with_key) out += "Idempotency-Key: hostile-" + std::to_string(n) + "\r\n";
    out += "Content-Length: " + std::to_string(c.body.size()) + "\r\n\r\n";
    return out + c.body;
  }

  std::string checkpoint() {
    auto client = connect();
    auto response = client->get("/v1/log/checkpoint");
    EXPECT_EQ(response->status, 200);
    return response->body;
  }

  // Sends `c` on a connection of its own (some answers close it) and checks the problem.
  void expect_refused(const HostileCase& c, const std::string& token, int n) {
    SCOPED_TRACE(c.name);
    auto client = connect();
    ASSERT_TRUE(client->send(request(c, token, n)));
    auto response = client->read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, c.status) << response->body;
    EXPECT_EQ(response->header("content-type"), "application/problem+json");
    auto problem = boost::json::parse(response->body).as_object();
    EXPECT_EQ(problem.at("code").as_string(), c.code) << response->body;
    EXPECT_EQ(problem.at("status").as_int64(), c.status);
    EXPECT_FALSE(problem.at("title").as_string().empty());
    EXPECT_FALSE(problem.at("detail").as_string().empty());
    EXPECT_FALSE(problem.at("type").as_string().empty());
  }
};

TEST_F(HostileInput, EveryBadRequestIsAPreciseProblemAndWritesNothing) {
  const std::string json = "application/json";
  const std::string money = "/v1/transactions";
  std::vector<HostileCase> cases = {
      {"truncated JSON", money, json, R"({"debit_account":)", true, 400, "malformed_json"},
      {"trailing garbage", money, json, transfer("10") + "x", true, 400, "malformed_json"},
      {"not an object", money, json, "[1,2,3]", true, 400, "malformed_json"},
      {"empty body", money, json, "", true, 400, "malformed_json"},
      {"NaN literal", money, json, transfer("NaN"), true, 400, "malformed_json"},
      {"deep nesting", money, json, transfer("10", R"(,"metadata":)" + nested_arrays(200)), true,
       400, "malformed_json"},
      {"amount past 2^63", money, json, transfer("99999999999999999999"), true, 400,
       "invalid_argument"},
      {"amount past the JSON-safe maximum", money, json, transfer("9007199254740993"), true, 400,
       "invalid_argument"},
      {"negative amount", money, json, transfer("-100"), true, 400, "invalid_argument"},
      {"zero amount", money, json, transfer("0"), true, 400, "invalid_argument"},
      {"fractional amount", money, json, transfer("10.5"), true, 400, "invalid_argument"},
      {"exponent amount", money, json, transfer("1e3"), true, 400, "invalid_argument"},
      {"amount as a string", money, json, transfer(R"("100")"), true, 400, "invalid_argument"},
      {"unknown field", money, json, transfer("10", R"(,"sneaky":true)"), true, 400,
       "invalid_argument"},
      {"duplicate field", money, json, transfer("10", R"(,"amount":5000000)"), true, 400,
       "malformed_json"},
      {"invalid UTF-8 in the memo", money, json, transfer("10", ",\"memo\":\"\xC3\x28\""), true,
       400, "malformed_json"},
      {"memo past its limit", money, json,
       transfer("10", R"(,"memo":")" + std::string(ledger::memo_bytes_max + 1, 'm') + "\""), true,
       400, "invalid_argument"},
      {"body past the limit", money, json,
       transfer("10", R"(,"memo":")" + std::string(api::transaction_body_bytes_max, 'm') + "\""),
       true, 413, "body_too_large"},
      {"text/plain", money, "text/plain", transfer("10"), true, 415, "unsupported_media_type"},
      {"form encoding", money, "application/x-www-form-urlencoded", "amount=10", true, 415,
       "unsupported_media_type"},
      {"no content type", money, "", transfer("10"), true, 415, "unsupported_media_type"},
      {"no idempotency key", money, json, transfer("10"), false, 400, "invalid_argument"},
      {"unknown account", money, json, R"({"debit_account":999999,"credit_account":1,"amount":10})",
       true, 404, "not_found"},
      {"overdraft", money, json, transfer("5001"), true, 422, "insufficient_funds"},
      {"member with a huge id", "/v1/accounts", json,
       R"({"code":"assets:x","type":"asset","member":18446744073709551616})", true, 400,
       "invalid_argument"},
      {"account type unknown", "/v1/accounts", json, R"({"code":"assets:x","type":"gold"})", true,
       400, "invalid_argument"},
      {"member contact not a string", "/v1/members", json, R"({"contact":42})", true, 400,
       "invalid_argument"},
  };

  std::string before = checkpoint();
  int n = 0;
  for (const auto& c : cases) expect_refused(c, admin_token_, n++);

  // The right request by the wrong people: no token, a member's, an auditor's.
  HostileCase good{"a valid transfer", money, json, transfer("10"), true, 0, ""};
  good.status = 401, good.code = "unauthorized";
  expect_refused(good, "pdn_not-a-real-token", n++);
  good.status = 403, good.code = "forbidden";
  expect_refused(good, member1_token_, n++);
  expect_refused(good, auditor_token_, n++);

  EXPECT_EQ(checkpoint(), before) << "a refused request changed the log";
}

}  // namespace
}  // namespace pardner::e2e
