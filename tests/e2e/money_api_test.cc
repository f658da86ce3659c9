// The money endpoints of the real server over real TLS: an admin creates a
// member and two accounts and moves money; a replayed Idempotency-Key gets the
// same answer and makes one entry, a changed body under it is 409; the member
// reads their own account and not another's; the trial balance balances.
#include <boost/json/parse.hpp>

#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

std::string post_request(const std::string& target, const std::string& body,
                         const std::string& token, const std::string& key = "") {
  std::string request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += "Authorization: Bearer " + token + "\r\n";
  request += "Content-Type: application/json\r\n";
  if (!key.empty()) request += "Idempotency-Key: " + key + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return request + body;
}

class MoneyApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  HttpResponse post(TlsClient& client, const std::string& target, const std::string& body,
                    const std::string& token, const std::string& key = "") {
    EXPECT_TRUE(client.send(post_request(target, body, token, key)));
    auto response = client.read_response();
    EXPECT_TRUE(response.has_value());
    return response.value_or(HttpResponse{});
  }

  std::size_t entry_count(TlsClient& client) {
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

  // No endpoint makes tokens yet: make Grace's with the ledger's writer while
  // the server is down.
  client.reset();
  stop_server();
  std::string grace_token;
  write([&](ledger::Writer& writer) {
    grace_token = create_token(writer, ledger::Role::member, grace);
  });
  start_server();
  client = connect();

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

}  // namespace
}  // namespace pardner::e2e
