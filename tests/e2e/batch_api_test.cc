// POST /v1/transactions/batch on the real server over real TLS: a 1,000-item batch (a body past
// the 64 KiB every other write route takes) applied item by item, then an atomic one refused
// by its last item that writes nothing, and the member role refused; a caller who may not use
// the route is refused from the headers, before the server reads a large body.
#include <boost/json/parse.hpp>
#include <cstdint>

#include "api/limits.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

class BatchApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  HttpsResponse post_batch(HttpsClient& client, const std::string& body, const std::string& token) {
    std::string request = "POST /v1/transactions/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    request += "Authorization: Bearer " + token + "\r\n";
    request += "Content-Type: application/json\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    EXPECT_TRUE(client.send(request + body));
    auto response = client.read_response(std::chrono::seconds(30));
    EXPECT_TRUE(response) << response.error().detail;
    return response ? response.value() : HttpsResponse{};
  }

  // 1-unit transfers from cash to member 1's savings; item `refused_at` is unbalanced instead.
  std::string batch(const std::string& prefix, bool atomic, std::size_t refused_at = SIZE_MAX) {
    std::string body =
        std::string(R"({"atomic":)") + (atomic ? "true" : "false") + R"(,"transactions":[)";
    for (std::size_t i = 0; i < api::batch_transactions_max; ++i) {
      std::string key = prefix + std::to_string(i);
      body += i ? "," : "";
      if (i == refused_at) {
        body += R"({"idempotency_key":")" + key + R"(","postings":[{"account":)" +
                std::to_string(cash_) + R"(,"amount":2},{"account":)" + std::to_string(savings1_) +
                R"(,"amount":-1}]})";
      } else {
        body += R"({"idempotency_key":")" + key + R"(","debit_account":)" + std::to_string(cash_) +
                R"(,"credit_account":)" + std::to_string(savings1_) + R"(,"amount":1})";
      }
    }
    return body + "]}";
  }

  std::int64_t savings_balance(HttpsClient& client) {
    auto response = client.get("/v1/accounts/" + std::to_string(savings1_), auditor_token_);
    EXPECT_EQ(response->status, 200);
    return boost::json::parse(response->body).at("balance").as_int64();
  }
};

TEST_F(BatchApi, AThousandTransfersInOneRequest) {
  auto client = connect();
  std::string body = batch("e2e-", false);
  ASSERT_GT(body.size(), api::unrouted_body_bytes_max);
  auto response = post_batch(*client, body, admin_token_);
  ASSERT_EQ(response.status, 200) << response.body.substr(0, 500);
  auto results = boost::json::parse(response.body).at("results").as_array();
  ASSERT_EQ(results.size(), api::batch_transactions_max);
  std::int64_t seq = results[0].at("seq").as_int64();
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].at("status").as_int64(), 201) << i;
    EXPECT_EQ(results[i].at("seq").as_int64(), seq + static_cast<std::int64_t>(i));
  }
  std::int64_t after_first = 5000 + static_cast<std::int64_t>(api::batch_transactions_max);
  EXPECT_EQ(savings_balance(*client), after_first);
  std::string checkpoint = client->get("/v1/log/checkpoint")->body;

  // Atomic, its last item refused: nothing of it reaches the log.
  auto refused = post_batch(*client, batch("e2e-atomic-", true, api::batch_transactions_max - 1),
                            admin_token_);
  EXPECT_EQ(refused.status, 422);
  auto problem = boost::json::parse(refused.body).as_object();
  EXPECT_EQ(problem.at("code").as_string(), "unbalanced");
  EXPECT_EQ(problem.at("index").as_int64(),
            static_cast<std::int64_t>(api::batch_transactions_max) - 1);
  EXPECT_EQ(problem.at("results").as_array().size(), api::batch_transactions_max);
  EXPECT_EQ(savings_balance(*client), after_first);
  EXPECT_EQ(client->get("/v1/log/checkpoint")->body, checkpoint);

  EXPECT_EQ(post_batch(*client, batch("e2e-member-", false), member1_token_).status, 403);
}

TEST_F(BatchApi, ALargeBodyIsNotReadForACallerWhoMayNotSendIt) {
  // Only the headers are sent: the answer must come without the server waiting for the body.
  for (const std::string& token : {std::string(), member1_token_}) {
    auto client = connect();
    std::string request = "POST /v1/transactions/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
    request += "Content-Type: application/json\r\nContent-Length: " +
               std::to_string(api::batch_body_bytes_max) + "\r\n\r\n";
    ASSERT_TRUE(client->send(request));
    auto response = client->read_response(std::chrono::seconds(5));
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, token.empty() ? 401 : 403);
    EXPECT_EQ(response->header("connection"), "close");
  }
}

}  // namespace
}  // namespace pardner::e2e
