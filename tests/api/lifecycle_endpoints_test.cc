// The endpoints after a transaction is made, at the router: posting (for less) and voiding a
// pending one, reversing, reading one back; closing an account and paging its statement;
// making and revoking access tokens. Decoding refusals, roles (another member's resource
// answers 404 like a missing one), idempotent replays and conflicts.
#include <gtest/gtest.h>

#include "api/limits.h"
#include "crypto/access_token.h"
#include "crypto/base64.h"
#include "ledger/limits.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

class Lifecycle : public ApiTest {
 protected:
  std::int64_t balance(std::int64_t account) {
    return json_of(get("/v1/accounts/" + std::to_string(account), admin_token))
        .at("balance")
        .as_int64();
  }

  // A withdrawal of `amount` from member 1's savings (debited) out of cash (credited), pending or
  // posted; its id.
  std::int64_t move(std::int64_t amount, bool pending, const std::string& key,
                    const std::string& memo = "") {
    std::string body = R"({"postings":[{"account":)" + std::to_string(cash_) + R"(,"amount":-)" +
                       std::to_string(amount) + R"(},{"account":)" + std::to_string(savings1_) +
                       R"(,"amount":)" + std::to_string(amount) + R"(}],"memo":")" + memo +
                       R"(","pending":)" + (pending ? "true" : "false") + "}";
    auto made = post("/v1/transactions", body, admin_token, key);
    EXPECT_EQ(made.status, 201) << made.body;
    return made.status == 201 ? json_of(made).at("id").as_int64() : -1;
  }

  static std::string txn(std::int64_t id, const std::string& action = "") {
    return "/v1/transactions/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
  }

  static std::string base64url(const std::string& text) {
    std::string out =
        crypto::base64_encode({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
  }

  LedgerTokenStore ledger_tokens_{[this]() -> ledger::Reader& { return *reader_; }};
};

TEST_F(Lifecycle, ActionDecodingRefusalsAreProblemsAndWriteNothing) {
  std::int64_t pending = move(40, true, "pend");
  struct Row {
    std::string name, target, body, key;
    int status;
    std::string code;
  };
  std::vector<Row> rows = {
      {"post without key", txn(pending, "post"), "{}", "", 400, "invalid_argument"},
      {"void without key", txn(pending, "void"), "", "", 400, "invalid_argument"},
      {"reverse without key", txn(pending, "reverse"), "{}", "", 400, "invalid_argument"},
      {"post decimal amount", txn(pending, "post"), R"({"amount":2.5})", "k", 400,
       "invalid_argument"},
      {"post zero amount", txn(pending, "post"), R"({"amount":0})", "k", 400, "invalid_argument"},
      {"post 2^53 amount", txn(pending, "post"), R"({"amount":9007199254740992})", "k", 400,
       "invalid_argument"},
      {"post bad date", txn(pending, "post"), R"({"value_date":"2026-02-30"})", "k", 400,
       "invalid_argument"},
      {"post unknown field", txn(pending, "post"), R"({"memo":"x"})", "k", 400, "invalid_argument"},
      {"void unknown field", txn(pending, "void"), R"({"amount":1})", "k", 400, "invalid_argument"},
      {"void nested", txn(pending, "void"), R"({"idempotency_key":{"a":1}})", "k", 400,
       "malformed_json"},
      {"reverse memo too long", txn(pending, "reverse"),
       R"({"memo":")" + std::string(ledger::memo_bytes_max + 1, 'm') + "\"}", "k", 400,
       "invalid_argument"},
      {"reverse key mismatch", txn(pending, "reverse"), R"({"idempotency_key":"a"})", "b", 400,
       "invalid_argument"},
      {"bad id", "/v1/transactions/x1/post", "{}", "k", 400, "invalid_argument"},
      {"close unknown field", "/v1/accounts/" + std::to_string(cash_) + "/close",
       R"({"force":true})", "", 400, "invalid_argument"},
      {"close not json", "/v1/accounts/" + std::to_string(cash_) + "/close", "{", "", 400,
       "malformed_json"},
      {"token without role", "/v1/tokens", R"({"label":"x"})", "", 400, "invalid_argument"},
      {"token unknown role", "/v1/tokens", R"({"role":"root"})", "", 400, "invalid_argument"},
      {"member token without member", "/v1/tokens", R"({"role":"member"})", "", 400,
       "invalid_argument"},
      {"token unknown field", "/v1/tokens", R"({"role":"admin","token":"pdn_x"})", "", 400,
       "invalid_argument"},
      {"token label too long", "/v1/tokens",
       R"({"role":"auditor","label":")" + std::string(token_label_bytes_max + 1, 'l') + "\"}", "",
       400, "invalid_argument"},
      {"token member not an id", "/v1/tokens", R"({"role":"member","member":-1})", "", 400,
       "invalid_argument"},
      {"revoke unknown field", "/v1/tokens/1/revoke", R"({"why":"x"})", "", 400,
       "invalid_argument"},
  };
  std::int64_t before = log_size();
  for (const Row& row : rows) {
    auto response = post(row.target, row.body, admin_token, row.key);
    EXPECT_EQ(response.status, row.status) << row.name << ": " << response.body;
    EXPECT_EQ(problem_code(response), row.code) << row.name;
  }
  EXPECT_EQ(post(txn(pending, "void"), "x", admin_token, "k", "text/plain").status, 415);
  EXPECT_EQ(log_size(), before);
  EXPECT_EQ(json_of(get(txn(pending), admin_token)).at("status").as_string(), "pending");
}

TEST_F(Lifecycle, OnlyAdminsActAndMakeTokens) {
  std::int64_t pending = move(40, true, "pend");
  std::int64_t before = log_size();
  for (const std::string& token : {auditor_token, member1_token}) {
    EXPECT_EQ(post(txn(pending, "post"), "{}", token, "k").status, 403);
    EXPECT_EQ(post(txn(pending, "void"), "{}", token, "k").status, 403);
    EXPECT_EQ(post(txn(pending, "reverse"), "{}", token, "k").status, 403);
    EXPECT_EQ(post("/v1/accounts/" + std::to_string(savings1_) + "/close", "{}", token).status,
              403);
    auto token_made = post("/v1/tokens", R"({"role":"admin"})", token);
    EXPECT_EQ(token_made.status, 403);
    EXPECT_EQ(problem_code(token_made), "forbidden");
    EXPECT_EQ(post("/v1/tokens/1/revoke", "", token).status, 403);
  }
  EXPECT_EQ(log_size(), before);
}

TEST_F(Lifecycle, PostsAPendingTransferForLessAndReplays) {
  std::int64_t pending = move(40, true, "pend");
  EXPECT_EQ(balance(savings1_), 5000);
  std::string body = R"({"amount":25,"value_date":"2026-11-20"})";
  auto posted = post(txn(pending, "post"), body, admin_token, "post-1");
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(json_of(posted).at("id").as_int64(), pending);
  std::int64_t after = log_size();
  auto again = post(txn(pending, "post"), body, admin_token, "post-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, posted.body);
  auto changed = post(txn(pending, "post"), R"({"amount":26})", admin_token, "post-1");
  EXPECT_EQ(changed.status, 409);
  EXPECT_EQ(problem_code(changed), "idempotency_conflict");
  EXPECT_EQ(log_size(), after);
  EXPECT_EQ(balance(savings1_), 4975);

  auto view = json_of(get(txn(pending), admin_token)).as_object();
  EXPECT_EQ(view.at("status").as_string(), "posted");
  EXPECT_EQ(view.at("value_date").as_string().size(), 10u);
  auto postings = view.at("postings").as_array();
  ASSERT_EQ(postings.size(), 2u);
  EXPECT_EQ(postings[0].at("amount").as_int64() + postings[1].at("amount").as_int64(), 0);
  EXPECT_EQ(std::abs(postings[0].at("amount").as_int64()), 25);

  auto twice = post(txn(pending, "post"), "{}", admin_token, "post-2");
  EXPECT_EQ(twice.status, 422);
  EXPECT_EQ(problem_code(twice), "not_pending");
  EXPECT_EQ(post(txn(999999, "post"), "{}", admin_token, "post-3").status, 404);
}

TEST_F(Lifecycle, VoidsAPendingTransferAndReplays) {
  std::int64_t pending = move(40, true, "pend");
  // The key may come in the body, and the body may be empty when it comes in the header.
  auto voided = post(txn(pending, "void"), R"({"idempotency_key":"void-1"})");
  ASSERT_EQ(voided.status, 200) << voided.body;
  auto again = post(txn(pending, "void"), "", admin_token, "void-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, voided.body);
  EXPECT_EQ(json_of(get(txn(pending), admin_token)).at("status").as_string(), "voided");
  auto view = json_of(get("/v1/accounts/" + std::to_string(savings1_), admin_token));
  EXPECT_EQ(view.at("credits_pending").as_int64(), 0);
  EXPECT_EQ(view.at("balance").as_int64(), 5000);
  auto post_voided = post(txn(pending, "post"), "", admin_token, "post-after-void");
  EXPECT_EQ(post_voided.status, 422);
  EXPECT_EQ(problem_code(post_voided), "not_pending");
}

TEST_F(Lifecycle, ReversesOnceAndLinksBothWays) {
  std::int64_t moved = move(300, false, "move", "to cash");
  EXPECT_EQ(balance(savings1_), 4700);
  auto reversed = post(txn(moved, "reverse"), R"({"memo":"mistake"})", admin_token, "rev-1");
  ASSERT_EQ(reversed.status, 201) << reversed.body;
  std::int64_t reversal = json_of(reversed).at("id").as_int64();
  auto again = post(txn(moved, "reverse"), R"({"memo":"mistake"})", admin_token, "rev-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, reversed.body);
  EXPECT_EQ(post(txn(moved, "reverse"), R"({"memo":"other"})", admin_token, "rev-1").status, 409);
  auto twice = post(txn(moved, "reverse"), "{}", admin_token, "rev-2");
  EXPECT_EQ(twice.status, 422);
  EXPECT_EQ(problem_code(twice), "already_reversed");
  EXPECT_EQ(balance(savings1_), 5000);

  auto original = json_of(get(txn(moved), auditor_token)).as_object();
  EXPECT_EQ(original.at("reversed_by").as_int64(), reversal);
  EXPECT_EQ(original.at("memo").as_string(), "to cash");
  auto back = json_of(get(txn(reversal), admin_token)).as_object();
  EXPECT_EQ(back.at("reverses").as_int64(), moved);
  EXPECT_EQ(back.at("memo").as_string(), "mistake");
  EXPECT_EQ(back.at("seq").as_int64(), json_of(reversed).at("seq").as_int64());
}

TEST_F(Lifecycle, AMemberReadsOnlyTransactionsTouchingThem) {
  std::int64_t moved = move(10, false, "move", "mine");
  auto own = get(txn(moved), member1_token);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(json_of(own).at("memo").as_string(), "mine");
  auto theirs = get(txn(moved), member2_token);
  auto missing = get(txn(999999), member2_token);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(problem_code(theirs), "not_found");
  EXPECT_EQ(json_of(theirs).at("title"), json_of(missing).at("title"));
  EXPECT_EQ(theirs.body.find("mine"), std::string::npos);
  EXPECT_EQ(get(txn(moved), auditor_token).status, 200);
  EXPECT_EQ(get("/v1/transactions/abc", admin_token).status, 400);
}

TEST_F(Lifecycle, ClosesAnEmptyAccountOnly) {
  auto opened = post("/v1/accounts", R"({"code":"assets:spare","type":"asset"})");
  ASSERT_EQ(opened.status, 201) << opened.body;
  std::int64_t spare = json_of(opened).at("id").as_int64();
  auto closed = post("/v1/accounts/" + std::to_string(spare) + "/close", "");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(json_of(closed).at("id").as_int64(), spare);
  auto view = json_of(get("/v1/accounts/" + std::to_string(spare), admin_token)).as_object();
  EXPECT_TRUE(view.at("closed").as_bool());
  EXPECT_EQ(view.at("closed_seq").as_int64(), json_of(closed).at("seq").as_int64());

  std::int64_t before = log_size();
  auto full = post("/v1/accounts/" + std::to_string(savings1_) + "/close", "{}");
  EXPECT_EQ(full.status, 422);
  EXPECT_EQ(problem_code(full), "account_not_empty");
  EXPECT_EQ(post("/v1/accounts/999999/close", "{}").status, 404);
  EXPECT_EQ(log_size(), before);
}

TEST_F(Lifecycle, PagesAStatementWithRunningBalances) {
  move(100, false, "m1", "first");
  move(200, false, "m2", "second");
  std::string target = "/v1/accounts/" + std::to_string(savings1_) + "/statement";
  auto first = get(target + "?limit=2", member1_token);
  ASSERT_EQ(first.status, 200) << first.body;
  auto page = json_of(first).as_object();
  auto lines = page.at("lines").as_array();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("amount").as_int64(), -5000);
  EXPECT_EQ(lines[0].at("balance_after").as_int64(), 5000);
  EXPECT_EQ(lines[0].at("memo").as_string(), "deposit");
  EXPECT_EQ(lines[1].at("balance_after").as_int64(), 4900);
  ASSERT_TRUE(page.contains("next_cursor"));
  std::string cursor(page.at("next_cursor").as_string());

  auto second = json_of(get(target + "?limit=2&cursor=" + cursor, member1_token)).as_object();
  auto rest = second.at("lines").as_array();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].at("balance_after").as_int64(), 4700);
  EXPECT_EQ(rest[0].at("memo").as_string(), "second");
  EXPECT_GT(rest[0].at("seq").as_int64(), lines[1].at("seq").as_int64());
  EXPECT_FALSE(second.contains("next_cursor"));
  auto whole = json_of(get(target, auditor_token)).as_object();
  EXPECT_EQ(whole.at("lines").as_array().size(), 3u);
  EXPECT_FALSE(whole.contains("next_cursor"));
  auto largest = get(target + "?limit=" + std::to_string(ledger::statement_page_max), admin_token);
  EXPECT_EQ(largest.status, 200);

  for (const std::string& bad : std::vector<std::string>{
           "?limit=0", "?limit=" + std::to_string(ledger::statement_page_max + 1), "?limit=-1",
           "?cursor=", "?cursor=not*base64", "?cursor=" + base64url("5"),
           "?cursor=" + base64url("x.1"), "?cursor=" + base64url("5.-1"),
           "?cursor=" + cursor + "==",
           "?cursor=" + std::string(statement_cursor_chars_max + 1, 'A')}) {
    auto refused = get(target + bad, admin_token);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(problem_code(refused), "invalid_argument") << bad;
  }
  auto theirs = get(target, member2_token);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(problem_code(theirs), "not_found");
  EXPECT_EQ(get("/v1/accounts/999999/statement", admin_token).status, 404);
}

TEST_F(Lifecycle, MakesATokenThatWorksAtOnceAndRevokesIt) {
  auto made = post("/v1/tokens", R"({"role":"member","member":)" + std::to_string(member1_) +
                                     R"(,"label":"phone"})");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string token(json_of(made).at("token").as_string());
  std::int64_t token_id = json_of(made).at("id").as_int64();
  EXPECT_TRUE(crypto::is_access_token_shaped(token));
  auto admin = post("/v1/tokens", R"({"role":"admin"})");
  ASSERT_EQ(admin.status, 201) << admin.body;
  std::string admin_made(json_of(admin).at("token").as_string());
  EXPECT_NE(admin_made, token);

  services_.tokens = &ledger_tokens_;  // from here on only the ledger's tokens count
  EXPECT_EQ(get("/v1/accounts/" + std::to_string(savings1_), token).status, 200);
  EXPECT_EQ(get("/v1/accounts/" + std::to_string(savings2_), token).status, 404);
  EXPECT_EQ(get("/v1/accounts/" + std::to_string(savings1_), admin_token).status, 401);

  auto revoked = post("/v1/tokens/" + std::to_string(token_id) + "/revoke", "", admin_made);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(json_of(revoked).at("id").as_int64(), token_id);
  auto refused = get("/v1/accounts/" + std::to_string(savings1_), token);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(problem_code(refused), "unauthorized");
  // The token appears in no log line.
  for (const std::string& line : log_lines_) EXPECT_EQ(line.find(token), std::string::npos);
}

}  // namespace
}  // namespace pardner::api::testing
