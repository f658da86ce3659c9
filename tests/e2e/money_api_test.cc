// The money endpoints of the real server over real TLS: an admin creates a
// member and two accounts and moves money; a replayed Idempotency-Key gets the
// same answer and makes one entry, a changed body under it is 409; the member
// reads their own account and not another's; the trial balance balances. Then the lifecycle:
// an admin makes a member token over the API and the member uses it at once; a pending
// transfer posted for less; a reversal; a statement in two pages with running balances; the
// token revoked and refused on the very next request. And the lists, as each role sees them.
#include <boost/json/parse.hpp>

#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

class MoneyApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  HttpsResponse post(HttpsClient& client, const std::string& target, const std::string& body,
                     const std::string& token, const std::string& key = "") {
    EXPECT_TRUE(client.send(post_request(target, body, token, key)));
    auto response = client.read_response();
    EXPECT_TRUE(response) << response.error().detail;
    return response ? response.value() : HttpsResponse{};
  }

  std::size_t entry_count(HttpsClient& client) {
    auto response = client.get("/v1/log/entries?start=0&limit=1000", auditor_token_);
    EXPECT_EQ(response->status, 200);
    return boost::json::parse(response->body).at("entries").as_array().size();
  }
};

TEST_F(MoneyApi, AdminMovesMoneyIdempotentlyAndAMemberSeesOnlyTheirOwn) {
  auto client = connect();
  auto member = post(*client, "/v1/members", R"({"display_name":"Grace"})", admin_token_);
  ASSERT_EQ(member.status, 201) << member.body;
  std::int64_t grace = boost::json::parse(member.body).at("id").as_int64();

  auto savings = post(*client, "/v1/accounts",
                      R"({"code":"liabilities:members:grace:savings","type":"liability",)"
                      R"("member":)" +
                          std::to_string(grace) + "}",
                      admin_token_);
  ASSERT_EQ(savings.status, 201) << savings.body;
  std::int64_t grace_savings = boost::json::parse(savings.body).at("id").as_int64();
  auto bank =
      post(*client, "/v1/accounts", R"({"code":"assets:bank","type":"asset"})", admin_token_);
  ASSERT_EQ(bank.status, 201) << bank.body;
  std::int64_t bank_account = boost::json::parse(bank.body).at("id").as_int64();

  std::string transfer = R"({"debit_account":)" + std::to_string(bank_account) +
                         R"(,"credit_account":)" + std::to_string(grace_savings) +
                         R"(,"amount":1234,"memo":"first saving"})";
  auto moved = post(*client, "/v1/transactions", transfer, admin_token_, "e2e-move-1");
  ASSERT_EQ(moved.status, 201) << moved.body;
  std::size_t entries = entry_count(*client);
  EXPECT_EQ(static_cast<std::int64_t>(entries),
            boost::json::parse(moved.body).at("seq").as_int64() + 1);

  auto replayed = post(*client, "/v1/transactions", transfer, admin_token_, "e2e-move-1");
  EXPECT_EQ(replayed.status, 200);
  EXPECT_EQ(replayed.body, moved.body);
  EXPECT_EQ(entry_count(*client), entries);

  std::string changed = transfer;
  changed.replace(changed.find("1234"), 4, "4321");
  auto conflict = post(*client, "/v1/transactions", changed, admin_token_, "e2e-move-1");
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.header("content-type"), "application/problem+json");
  EXPECT_NE(conflict.body.find(R"("code":"idempotency_conflict")"), std::string::npos);
  EXPECT_EQ(entry_count(*client), entries);

  // Auditors read everything and write nothing.
  EXPECT_EQ(post(*client, "/v1/members", "{}", auditor_token_).status, 403);
  EXPECT_EQ(client->get("/v1/accounts/" + std::to_string(grace_savings), auditor_token_)->status,
            200);

  // The admin makes Grace's token over the API; it works on the same connection at once.
  auto grace_made =
      post(*client, "/v1/tokens", R"({"role":"member","member":)" + std::to_string(grace) + "}",
           admin_token_);
  ASSERT_EQ(grace_made.status, 201) << grace_made.body;
  std::string grace_token(boost::json::parse(grace_made.body).at("token").as_string());

  auto own = client->get("/v1/accounts/" + std::to_string(grace_savings), grace_token);
  ASSERT_EQ(own->status, 200) << own->body;
  auto view = boost::json::parse(own->body);
  EXPECT_EQ(view.at("balance").as_int64(), 1234);
  EXPECT_EQ(view.at("member").as_int64(), grace);
  EXPECT_EQ(client->get("/v1/members/" + std::to_string(grace), grace_token)->status, 200);

  auto other = client->get("/v1/accounts/" + std::to_string(savings1_), grace_token);
  EXPECT_EQ(other->status, 404);
  EXPECT_NE(other->body.find(R"("code":"not_found")"), std::string::npos);
  EXPECT_EQ(client->get("/v1/accounts/" + std::to_string(bank_account), grace_token)->status, 404);
  EXPECT_EQ(client->get("/v1/members/" + std::to_string(member1_), grace_token)->status, 404);
  EXPECT_EQ(client->get("/v1/reports/trial-balance", grace_token)->status, 403);
  EXPECT_EQ(post(*client, "/v1/transactions", transfer, grace_token, "e2e-move-2").status, 403);

  auto trial = client->get("/v1/reports/trial-balance", auditor_token_);
  ASSERT_EQ(trial->status, 200) << trial->body;
  auto currencies = boost::json::parse(trial->body).at("currencies").as_array();
  ASSERT_FALSE(currencies.empty());
  for (const auto& line : currencies) {
    EXPECT_EQ(line.at("debits").as_int64(), line.at("credits").as_int64()) << trial->body;
  }
  EXPECT_EQ(currencies[0].at("debits").as_int64(), 5000 + 700 + 1234);
}

TEST_F(MoneyApi, TokensPendingReversalStatementAndRevocation) {
  auto client = connect();
  auto made =
      post(*client, "/v1/tokens",
           R"({"role":"member","member":)" + std::to_string(member1_) + R"(,"label":"e2e phone"})",
           admin_token_);
  ASSERT_EQ(made.status, 201) << made.body;
  auto token_json = boost::json::parse(made.body);
  std::string token(token_json.at("token").as_string());
  std::int64_t token_id = token_json.at("id").as_int64();
  std::string savings = "/v1/accounts/" + std::to_string(savings1_);
  auto own = client->get(savings, token);
  ASSERT_EQ(own->status, 200) << own->body;
  EXPECT_EQ(boost::json::parse(own->body).at("balance").as_int64(), 5000);
  EXPECT_EQ(post(*client, "/v1/tokens", R"({"role":"admin"})", token).status, 403);

  // A pending withdrawal of 400, posted for 150.
  std::string pending_body = R"({"postings":[{"account":)" + std::to_string(savings1_) +
                             R"(,"amount":400},{"account":)" + std::to_string(cash_) +
                             R"(,"amount":-400}],"memo":"hold","pending":true})";
  auto pending = post(*client, "/v1/transactions", pending_body, admin_token_, "e2e-pend");
  ASSERT_EQ(pending.status, 201) << pending.body;
  std::string held =
      "/v1/transactions/" + std::to_string(boost::json::parse(pending.body).at("id").as_int64());
  EXPECT_EQ(boost::json::parse(client->get(held, token)->body).at("status").as_string(), "pending");
  auto posted = post(*client, held + "/post", R"({"amount":150})", admin_token_, "e2e-post");
  ASSERT_EQ(posted.status, 200) << posted.body;
  auto replayed = post(*client, held + "/post", R"({"amount":150})", admin_token_, "e2e-post");
  EXPECT_EQ(replayed.status, 200);
  EXPECT_EQ(replayed.body, posted.body);
  EXPECT_EQ(post(*client, held + "/post", R"({"amount":150})", admin_token_).status, 400);
  EXPECT_EQ(boost::json::parse(client->get(held, token)->body).at("status").as_string(), "posted");
  EXPECT_EQ(boost::json::parse(client->get(savings, token)->body).at("balance").as_int64(), 4850);

  // A withdrawal of 1000, reversed.
  std::string withdrawal = R"({"debit_account":)" + std::to_string(savings1_) +
                           R"(,"credit_account":)" + std::to_string(cash_) +
                           R"(,"amount":1000,"memo":"withdrawal"})";
  auto moved = post(*client, "/v1/transactions", withdrawal, admin_token_, "e2e-withdraw");
  ASSERT_EQ(moved.status, 201) << moved.body;
  std::int64_t moved_id = boost::json::parse(moved.body).at("id").as_int64();
  std::string moved_target = "/v1/transactions/" + std::to_string(moved_id);
  auto reversed =
      post(*client, moved_target + "/reverse", R"({"memo":"undo"})", admin_token_, "e2e-rev");
  ASSERT_EQ(reversed.status, 201) << reversed.body;
  std::int64_t reversal = boost::json::parse(reversed.body).at("id").as_int64();
  auto original = client->get(moved_target, auditor_token_);
  ASSERT_EQ(original->status, 200) << original->body;
  EXPECT_EQ(boost::json::parse(original->body).at("reversed_by").as_int64(), reversal);
  EXPECT_EQ(client->get(moved_target, member1_token_)->status, 200);

  // The statement in two pages: deposit 5000, posted 150, withdrawal 1000, its reversal.
  std::string statement = savings + "/statement?limit=2";
  auto first = client->get(statement, token);
  ASSERT_EQ(first->status, 200) << first->body;
  auto page1 = boost::json::parse(first->body).as_object();
  ASSERT_TRUE(page1.contains("next_cursor")) << first->body;
  auto second =
      client->get(statement + "&cursor=" + std::string(page1.at("next_cursor").as_string()), token);
  ASSERT_EQ(second->status, 200) << second->body;
  auto page2 = boost::json::parse(second->body).as_object();
  EXPECT_FALSE(page2.contains("next_cursor"));
  std::vector<std::int64_t> balances;
  for (const auto* page : {&page1, &page2}) {
    for (const auto& line : page->at("lines").as_array()) {
      balances.push_back(line.at("balance_after").as_int64());
    }
  }
  EXPECT_EQ(balances, (std::vector<std::int64_t>{5000, 4850, 3850, 4850}));
  EXPECT_EQ(page2.at("lines").as_array()[1].at("transaction").as_int64(), reversal);
  EXPECT_EQ(client->get(savings + "/statement?cursor=%21", token)->status, 400);
  EXPECT_EQ(client->get("/v1/accounts/" + std::to_string(cash_) + "/statement", token)->status,
            404);

  // Revoked: the very next request with it is refused.
  auto revoked =
      post(*client, "/v1/tokens/" + std::to_string(token_id) + "/revoke", "", admin_token_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  auto refused = client->get(savings, token);
  EXPECT_EQ(refused->status, 401);
  EXPECT_NE(refused->body.find(R"("code":"unauthorized")"), std::string::npos);
  EXPECT_EQ(client->get(savings, member1_token_)->status, 200);
  EXPECT_EQ(read_file(stderr_file()).find(token), std::string::npos);
}

TEST_F(MoneyApi, ListsAnswerEachRoleItsOwnView) {
  auto client = connect();
  // Members: admins and auditors only, paged to the end by the cursor.
  for (const std::string& token : {admin_token_, auditor_token_}) {
    auto first = client->get("/v1/members?limit=1", token);
    ASSERT_EQ(first->status, 200) << first->body;
    auto page = boost::json::parse(first->body).as_object();
    ASSERT_EQ(page.at("members").as_array().size(), 1u);
    auto second = client->get(
        "/v1/members?limit=1&cursor=" + std::string(page.at("next_cursor").as_string()), token);
    ASSERT_EQ(second->status, 200) << second->body;
    EXPECT_FALSE(boost::json::parse(second->body).as_object().contains("next_cursor"));
  }
  auto refused = client->get("/v1/members", member1_token_);
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find(R"("code":"forbidden")"), std::string::npos);

  // Accounts: everything for an auditor, only their own for a member.
  auto all = client->get("/v1/accounts", auditor_token_);
  ASSERT_EQ(all->status, 200) << all->body;
  EXPECT_EQ(boost::json::parse(all->body).at("accounts").as_array().size(), 3u);
  auto own = client->get("/v1/accounts", member1_token_);
  ASSERT_EQ(own->status, 200) << own->body;
  auto accounts = boost::json::parse(own->body).at("accounts").as_array();
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].at("id").as_int64(), savings1_);
  EXPECT_EQ(accounts[0].at("balance").as_int64(), 5000);
  auto theirs = client->get("/v1/accounts?owner=" + std::to_string(member2_), member1_token_);
  EXPECT_EQ(theirs->status, 200);
  EXPECT_EQ(theirs->body, R"({"accounts":[]})");
  EXPECT_EQ(client->get("/v1/accounts?colour=red", admin_token_)->status, 400);

  // An account's transactions: their own account only; the fund's cash answers 404.
  std::string mine = "/v1/accounts/" + std::to_string(savings1_) + "/transactions";
  auto listed = client->get(mine, member1_token_);
  ASSERT_EQ(listed->status, 200) << listed->body;
  auto items = boost::json::parse(listed->body).at("transactions").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("amount").as_int64(), -5000);
  EXPECT_EQ(items[0].at("status").as_string(), "posted");
  EXPECT_EQ(client->get(mine, admin_token_)->status, 200);
  auto cash =
      client->get("/v1/accounts/" + std::to_string(cash_) + "/transactions", member1_token_);
  EXPECT_EQ(cash->status, 404);
  EXPECT_NE(cash->body.find(R"("code":"not_found")"), std::string::npos);
}

}  // namespace
}  // namespace pardner::e2e
