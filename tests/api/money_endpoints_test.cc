// The first money endpoints at the router: members, accounts, transactions and
// the trial balance. Strict decoding (each refusal a problem+json with nothing
// written), role rules (another member's resource answers 404 like a missing
// one), idempotent replays and conflicts, and the ledger's refusals mapped to
// 422.
#include <gtest/gtest.h>

#include "api/limits.h"
#include "ledger/limits.h"
#include "ledger/money.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

class MoneyEndpoints : public ApiTest {
 protected:
  std::string transfer(std::int64_t debit, std::int64_t credit, const std::string& amount) {
    return R"({"debit_account":)" + std::to_string(debit) + R"(,"credit_account":)" +
           std::to_string(credit) + R"(,"amount":)" + amount + "}";
  }

  static std::string repeat_postings(std::size_t count, std::int64_t account) {
    std::string body = R"({"postings":[)";
    for (std::size_t i = 0; i < count; ++i) {
      body += (i ? "," : "") + std::string(R"({"account":)") + std::to_string(account) +
              R"(,"amount":1})";
    }
    return body + "]}";
  }

  static std::string metadata_body(std::size_t entries, std::int64_t a, std::int64_t b) {
    std::string body = R"({"postings":[{"account":)" + std::to_string(a) +
                       R"(,"amount":1},{"account":)" + std::to_string(b) +
                       R"(,"amount":-1}],"metadata":{)";
    for (std::size_t i = 0; i < entries; ++i) {
      body += (i ? "," : "") + std::string("\"k") + std::to_string(i) + R"(":"v")";
    }
    return body + "}}";
  }
};

TEST_F(MoneyEndpoints, DecodingRefusalsAreProblemsAndWriteNothing) {
  struct Row {
    std::string name, target, content_type, body, key;
    int status;
    std::string code;
  };
  std::string json = "application/json";
  // Amounts are refused by the API's decoder itself, not only later by the
  // ledger.
  std::string amount_detail = "integer of minor units";
  std::vector<Row> rows = {
      {"malformed json", "/v1/transactions", json, R"({"amount":)", "k1", 400, "malformed_json"},
      {"repeated field", "/v1/transactions", json,
       R"({"debit_account":1,"credit_account":2,"amount":5,"amount":500})", "k1", 400,
       "malformed_json"},
      {"repeated posting field", "/v1/transactions", json,
       R"({"postings":[{"account":1,"amount":5,"amount":1},{"account":2,"amount":-5}]})", "k1", 400,
       "malformed_json"},
      {"not an object", "/v1/transactions", json, "[1,2]", "k1", 400, "malformed_json"},
      {"too deep", "/v1/transactions", json, R"({"postings":[{"account":[1]}]})", "k1", 400,
       "malformed_json"},
      {"unknown field", "/v1/transactions", json,
       R"({"debit_account":1,"credit_account":2,"amount":5,"colour":"red"})", "k1", 400,
       "invalid_argument"},
      {"fields of both forms", "/v1/transactions", json, R"({"postings":[],"debit_account":1})",
       "k1", 400, "invalid_argument"},
      {"unknown posting field", "/v1/transactions", json,
       R"({"postings":[{"account":1,"amount":5,"x":1},{"account":2,"amount":-5}]})", "k1", 400,
       "invalid_argument"},
      {"decimal amount", "/v1/transactions", json, transfer(cash_, savings1_, "5.0"), "k1", 400,
       "invalid_argument"},
      {"exponent amount", "/v1/transactions", json, transfer(cash_, savings1_, "5e2"), "k1", 400,
       "invalid_argument"},
      {"2^53 amount", "/v1/transactions", json, transfer(cash_, savings1_, "9007199254740992"),
       "k1", 400, "invalid_argument"},
      {"2^64 amount", "/v1/transactions", json, transfer(cash_, savings1_, "18446744073709551616"),
       "k1", 400, "invalid_argument"},
      {"-2^53 posting", "/v1/transactions", json,
       R"({"postings":[{"account":1,"amount":-9007199254740992}]})", "k1", 400, "invalid_argument"},
      {"string amount", "/v1/transactions", json, transfer(cash_, savings1_, "\"5\""), "k1", 400,
       "invalid_argument"},
      {"negative simple amount", "/v1/transactions", json, transfer(cash_, savings1_, "-5"), "k1",
       400, "invalid_argument"},
      {"missing key", "/v1/transactions", json, transfer(cash_, savings1_, "5"), "", 400,
       "invalid_argument"},
      {"key too long", "/v1/transactions", json, transfer(cash_, savings1_, "5"),
       std::string(ledger::idempotency_key_bytes_max + 1, 'k'), 400, "invalid_argument"},
      {"wrong content type", "/v1/transactions", "text/plain", transfer(cash_, savings1_, "5"),
       "k1", 415, "unsupported_media_type"},
      {"empty body, no content type", "/v1/transactions", "", "", "k1", 415,
       "unsupported_media_type"},
      {"129 postings", "/v1/transactions", json,
       repeat_postings(ledger::postings_per_transaction_max + 1, cash_), "k1", 400,
       "invalid_argument"},
      {"33 metadata entries", "/v1/transactions", json,
       metadata_body(ledger::metadata_entries_max + 1, cash_, savings1_), "k1", 400,
       "invalid_argument"},
      {"bad value date", "/v1/transactions", json,
       R"({"postings":[{"account":1,"amount":1},{"account":2,"amount":-1}],"value_date":"2026-13-01"})",
       "k1", 400, "invalid_argument"},
      {"memo too long", "/v1/transactions", json,
       R"({"debit_account":1,"credit_account":2,"amount":5,"memo":")" +
           std::string(ledger::memo_bytes_max + 1, 'm') + "\"}",
       "k1", 400, "invalid_argument"},
      {"member unknown field", "/v1/members", json, R"({"nickname":"x"})", "", 400,
       "invalid_argument"},
      {"member name too long", "/v1/members", json,
       R"({"display_name":")" + std::string(ledger::display_name_bytes_max + 1, 'n') + "\"}", "",
       400, "invalid_argument"},
      {"member nested", "/v1/members", json, R"({"display_name":{"a":1}})", "", 400,
       "malformed_json"},
      {"account code too long", "/v1/accounts", json,
       R"({"code":")" + std::string(ledger::account_code_bytes_max + 1, 'c') +
           R"(","type":"asset"})",
       "", 400, "invalid_argument"},
      {"account type unknown", "/v1/accounts", json, R"({"code":"assets:x","type":"cash"})", "",
       400, "invalid_argument"},
      {"account floor decimal", "/v1/accounts", json,
       R"({"code":"assets:x","type":"asset","floor":0.5})", "", 400, "invalid_argument"},
      {"account missing code", "/v1/accounts", json, R"({"type":"asset"})", "", 400,
       "invalid_argument"},
  };
  std::int64_t before = log_size();
  for (const Row& row : rows) {
    auto response = post(row.target, row.body, admin_token, row.key, row.content_type);
    EXPECT_EQ(response.status, row.status) << row.name << ": " << response.body;
    EXPECT_EQ(problem_code(response), row.code) << row.name;
    for (std::string_view amount_row : {"decimal amount", "exponent amount", "2^53 amount",
                                        "2^64 amount", "-2^53 posting", "string amount"}) {
      if (row.name == amount_row) {
        EXPECT_NE(response.body.find(amount_detail), std::string::npos) << row.name;
      }
    }
  }
  EXPECT_EQ(log_size(), before);
}

// Found by tests/fuzz/request_body_fuzz.cc: a field name quoted in the detail was cut at byte
// 64, inside a character, and the answer was not valid UTF-8, so not JSON.
TEST_F(MoneyEndpoints, QuotedFieldNamesAreCutOnACharacterBoundary) {
  // "é" is two bytes: the 63rd and 64th; with one more "a" before it, the 64th and 65th.
  for (const std::string& name :
       {std::string(62, 'a') + "\u00e9", std::string(63, 'a') + "\u00e9"}) {
    auto unknown = post("/v1/members", R"({")" + name + R"(":1})");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(problem_code(unknown), "invalid_argument") << unknown.body;
    auto repeated = post("/v1/members", R"({")" + name + R"(":1,")" + name + R"(":2})");
    EXPECT_EQ(repeated.status, 400);
    EXPECT_EQ(problem_code(repeated), "malformed_json") << repeated.body;
  }
  auto detail = [this](const std::string& name) {
    auto response = post("/v1/members", R"({")" + name + R"(":1})");
    auto body = json_of(response);
    return body.is_object() ? std::string(body.at("detail").as_string()) : std::string();
  };
  // 64 bytes fit whole; 65 would split the "é", which is left out.
  EXPECT_EQ(detail(std::string(62, 'a') + "\\u00e9"),
            "unknown field \"" + std::string(62, 'a') + "\xc3\xa9\"");
  EXPECT_EQ(detail(std::string(63, 'a') + "\\u00e9"),
            "unknown field \"" + std::string(63, 'a') + "\"");
}

TEST_F(MoneyEndpoints, LimitsAreAcceptedAtTheLimit) {
  auto largest = post("/v1/transactions", transfer(cash_, savings1_, "9007199254740991"),
                      admin_token, "largest");
  EXPECT_EQ(largest.status, 201) << largest.body;
  auto named = post("/v1/members", R"({"display_name":")" +
                                       std::string(ledger::display_name_bytes_max, 'n') + "\"}");
  EXPECT_EQ(named.status, 201) << named.body;
  auto metadata =
      post("/v1/transactions", metadata_body(ledger::metadata_entries_max, cash_, savings1_),
           admin_token, "metadata");
  EXPECT_EQ(metadata.status, 201) << metadata.body;
  std::string key(ledger::idempotency_key_bytes_max, 'k');
  EXPECT_EQ(post("/v1/transactions", transfer(cash_, savings1_, "1"), admin_token, key).status,
            201);
}

TEST_F(MoneyEndpoints, OnlyAdminsWrite) {
  std::int64_t before = log_size();
  for (const std::string& token : {auditor_token, member1_token}) {
    EXPECT_EQ(problem_code(post("/v1/members", "{}", token)), "forbidden");
    EXPECT_EQ(post("/v1/members", "{}", token).status, 403);
    EXPECT_EQ(post("/v1/accounts", R"({"code":"assets:y","type":"asset"})", token).status, 403);
    EXPECT_EQ(post("/v1/transactions", transfer(cash_, savings1_, "1"), token, "r").status, 403);
  }
  EXPECT_EQ(log_size(), before);
  EXPECT_EQ(get("/v1/reports/trial-balance", member1_token).status, 403);
}

TEST_F(MoneyEndpoints, CreatesAMemberAndAnAccountAndReadsThemBack) {
  auto member = post("/v1/members", R"({"display_name":"Ada","contact":"ada@example.org"})");
  ASSERT_EQ(member.status, 201) << member.body;
  auto made = json_of(member).as_object();
  EXPECT_EQ(made.at("seq").as_int64(), 7);
  std::int64_t id = made.at("id").as_int64();
  auto read = json_of(get("/v1/members/" + std::to_string(id), auditor_token)).as_object();
  EXPECT_EQ(read.at("display_name").as_string(), "Ada");
  EXPECT_EQ(read.at("status").as_string(), "active");

  auto account = post("/v1/accounts", R"({"code":"liabilities:members:ada","type":"liability",)"
                                      R"("member":)" +
                                          std::to_string(id) + R"(,"floor":0})");
  ASSERT_EQ(account.status, 201) << account.body;
  auto opened = json_of(account).as_object();
  EXPECT_EQ(opened.at("seq").as_int64(), 8);
  auto view =
      json_of(get("/v1/accounts/" + std::to_string(opened.at("id").as_int64()), admin_token))
          .as_object();
  EXPECT_EQ(view.at("code").as_string(), "liabilities:members:ada");
  EXPECT_EQ(view.at("type").as_string(), "liability");
  EXPECT_EQ(view.at("member").as_int64(), id);
  EXPECT_EQ(view.at("floor").as_int64(), 0);
  EXPECT_EQ(view.at("balance").as_int64(), 0);
}

TEST_F(MoneyEndpoints, AMemberReadsOnlyTheirOwnAndOthersLookMissing) {
  auto own = get("/v1/accounts/" + std::to_string(savings1_), member1_token);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(json_of(own).at("balance").as_int64(), 5000);
  EXPECT_EQ(json_of(own).at("credits_posted").as_int64(), 5000);

  auto theirs = get("/v1/accounts/" + std::to_string(savings2_), member1_token);
  auto missing = get("/v1/accounts/999999", member1_token);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(problem_code(theirs), "not_found");
  EXPECT_EQ(json_of(theirs).at("title"), json_of(missing).at("title"));
  EXPECT_EQ(theirs.body.find("7000"), std::string::npos);
  EXPECT_EQ(get("/v1/accounts/" + std::to_string(cash_), member1_token).status, 404);

  EXPECT_EQ(get("/v1/members/" + std::to_string(member1_), member1_token).status, 200);
  // A member learns who they are from their token alone.
  auto me = json_of(get("/v1/me", member1_token)).as_object();
  EXPECT_EQ(me.at("role").as_string(), "member");
  EXPECT_EQ(me.at("member").at("id").as_int64(), member1_);
  auto auditor = json_of(get("/v1/me", auditor_token)).as_object();
  EXPECT_EQ(auditor.at("role").as_string(), "auditor");
  EXPECT_FALSE(auditor.contains("member"));
  EXPECT_EQ(get("/v1/me").status, 401);
  auto other = get("/v1/members/" + std::to_string(member2_), member1_token);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(problem_code(other), "not_found");
  EXPECT_EQ(get("/v1/accounts/" + std::to_string(savings2_), auditor_token).status, 200);
  EXPECT_EQ(get("/v1/accounts/abc", admin_token).status, 400);
}

TEST_F(MoneyEndpoints, BalanceAsOfASeq) {
  std::string target = "/v1/accounts/" + std::to_string(savings1_);
  EXPECT_EQ(json_of(get(target + "?as_of=3", admin_token)).at("balance").as_int64(), 0);
  EXPECT_EQ(json_of(get(target + "?as_of=5", admin_token)).at("balance").as_int64(), 5000);
  EXPECT_EQ(get(target + "?as_of=-1", admin_token).status, 400);
  // The last entry is seq 6: as of it is fine, one past it does not exist yet.
  EXPECT_EQ(json_of(get(target + "?as_of=6", admin_token)).at("balance").as_int64(), 5000);
  auto future = get(target + "?as_of=7", admin_token);
  EXPECT_EQ(future.status, 404);
  EXPECT_EQ(problem_code(future), "not_found");
}

TEST_F(MoneyEndpoints, TransfersReplayAndConflict) {
  std::string body = transfer(cash_, savings1_, "250");
  std::int64_t before = log_size();
  auto first = post("/v1/transactions", body, admin_token, "move-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json_of(first).at("seq").as_int64(), before);
  auto again = post("/v1/transactions", body, admin_token, "move-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(log_size(), before + 1);
  // The key may come in the body instead; it is the same key.
  auto in_body = post("/v1/transactions",
                      transfer(cash_, savings1_, "250").insert(1, R"("idempotency_key":"move-1",)"),
                      admin_token, "");
  EXPECT_EQ(in_body.status, 200);
  EXPECT_EQ(in_body.body, first.body);

  auto changed = post("/v1/transactions", transfer(cash_, savings1_, "251"), admin_token, "move-1");
  EXPECT_EQ(changed.status, 409);
  EXPECT_EQ(problem_code(changed), "idempotency_conflict");
  EXPECT_EQ(log_size(), before + 1);
  auto balance = get("/v1/accounts/" + std::to_string(savings1_), admin_token);
  EXPECT_EQ(json_of(balance).at("balance").as_int64(), 5250);
}

TEST_F(MoneyEndpoints, TheGeneralFormPostsAndPends) {
  std::string body = R"({"postings":[{"account":)" + std::to_string(cash_) +
                     R"(,"amount":40},{"account":)" + std::to_string(savings1_) +
                     R"(,"amount":-40}],"memo":"pooled","metadata":{"round":"3"},)"
                     R"("pending":true,"timeout_seconds":3600})";
  auto pending = post("/v1/transactions", body, admin_token, "pend-1");
  ASSERT_EQ(pending.status, 201) << pending.body;
  auto view = json_of(get("/v1/accounts/" + std::to_string(savings1_), admin_token));
  EXPECT_EQ(view.at("credits_pending").as_int64(), 40);
  EXPECT_EQ(view.at("balance").as_int64(), 5000);
}

TEST_F(MoneyEndpoints, LedgerRefusalsAre422WithTheEnginesCode) {
  auto unbalanced =
      post("/v1/transactions",
           R"({"postings":[{"account":)" + std::to_string(cash_) + R"(,"amount":5},{"account":)" +
               std::to_string(savings1_) + R"(,"amount":-4}]})",
           admin_token, "u1");
  EXPECT_EQ(unbalanced.status, 422);
  EXPECT_EQ(problem_code(unbalanced), "unbalanced");

  auto floored = post("/v1/accounts", R"({"code":"liabilities:floored","type":"liability",)"
                                      R"("floor":0})");
  ASSERT_EQ(floored.status, 201) << floored.body;
  std::int64_t account = json_of(floored).at("id").as_int64();
  std::int64_t before = log_size();
  auto short_of = post("/v1/transactions", transfer(account, cash_, "1"), admin_token, "f1");
  EXPECT_EQ(short_of.status, 422);
  EXPECT_EQ(problem_code(short_of), "insufficient_funds");
  EXPECT_EQ(log_size(), before);
}

TEST_F(MoneyEndpoints, TheTrialBalanceBalances) {
  for (const std::string& token : {admin_token, auditor_token}) {
    auto response = get("/v1/reports/trial-balance", token);
    ASSERT_EQ(response.status, 200) << response.body;
    auto currencies = json_of(response).at("currencies").as_array();
    ASSERT_EQ(currencies.size(), 1u);
    EXPECT_EQ(currencies[0].at("debits").as_int64(), 12000);
    EXPECT_EQ(currencies[0].at("credits").as_int64(), 12000);
    EXPECT_EQ(currencies[0].at("accounts").as_int64(), 3);
  }
}

TEST_F(MoneyEndpoints, TheTrialBalanceAsOfASeqIsTheBooksJustAfterThatEntry) {
  // seq 2 opened cash, 3 and 4 the savings accounts, 5 and 6 the deposits.
  auto at = [this](const std::string& query) {
    return get("/v1/reports/trial-balance" + query, auditor_token);
  };
  EXPECT_EQ(at("?as_of=2").body,
            R"({"currencies":[{"currency":"GBP","debits":0,"credits":0,"accounts":1}],"as_of":2})");
  EXPECT_EQ(at("?as_of=5").body,
            R"({"currencies":[{"currency":"GBP","debits":5000,"credits":5000,"accounts":3}],)"
            R"("as_of":5})");
  EXPECT_EQ(at("?as_of=0").body, R"({"currencies":[],"as_of":0})");  // no account yet
  auto now = json_of(at("")).at("currencies");
  EXPECT_EQ(json_of(at("?as_of=6")).at("currencies"), now);
  EXPECT_FALSE(json_of(at("")).as_object().contains("as_of"));

  // Later entries do not reach back: a transfer and an account in another currency.
  must(ledger::make_transfer("later", cash_, savings1_, 25));
  must(ledger::OpenAccount{
      .code = "assets:euro", .type = ledger::AccountType::asset, .currency = "EUR"});
  EXPECT_EQ(json_of(at("?as_of=6")).at("currencies"), now);
  EXPECT_EQ(json_of(at("?as_of=7")).at("currencies").at(0).at("debits").as_int64(), 12025);
  EXPECT_EQ(json_of(at("?as_of=8")).at("currencies").as_array().size(), 2u);
  EXPECT_EQ(json_of(at("?as_of=8")).at("currencies"), json_of(at("")).at("currencies"));

  // Past the log: not found, as for an account's balance; not a number: invalid_argument.
  auto past = at("?as_of=9");
  EXPECT_EQ(past.status, 404);
  EXPECT_EQ(problem_code(past), "not_found");
  for (std::string_view bad : {"-1", "01", "1.0", "x", "", "9223372036854775808"}) {
    auto refused = at("?as_of=" + std::string(bad));
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(problem_code(refused), "invalid_argument") << bad;
  }
  EXPECT_EQ(get("/v1/reports/trial-balance?as_of=6", member1_token).status, 403);
}

}  // namespace
}  // namespace pardner::api::testing
