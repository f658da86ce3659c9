// Idempotency under concurrency (issue 8): the same Idempotency-Key sent on many TLS connections
// at the same moment makes exactly one entry. Every request is on the wire before any answer is
// read, so the copies meet in the server's queue, and often in one group commit. Each copy gets
// the first answer (201 once, then 200 with the same body) or, when its body differs from the one
// that won, 409 idempotency_conflict; never a second entry, never a second movement of money.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <latch>
#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

constexpr int connections = 16;

class IdempotencyRace : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  // Sends requests[i] on connection i, all released at once, and returns the answers in order.
  std::vector<HttpsResponse> race(const std::vector<std::string>& requests) {
    std::vector<std::unique_ptr<HttpsClient>> clients;
    for (std::size_t i = 0; i < requests.size(); ++i) clients.push_back(connect());
    std::vector<HttpsResponse> answers(requests.size());
    std::latch start(static_cast<std::ptrdiff_t>(requests.size()));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        if (!clients[i] || !clients[i]->send(requests[i])) return;
        auto answer = clients[i]->read_response();
        if (answer) answers[i] = answer.value();
      });
    }
    for (auto& thread : threads) thread.join();
    return answers;
  }

  std::int64_t log_size() {
    auto client = connect();
    auto checkpoint = client->get("/v1/log/checkpoint");
    EXPECT_EQ(checkpoint->status, 200);
    // The checkpoint's second line is the tree size (C2SP tlog-checkpoint).
    const std::string& body = checkpoint->body;
    auto first = body.find('\n');
    return std::stoll(body.substr(first + 1, body.find('\n', first + 1) - first - 1));
  }

  std::int64_t balance(ledger::AccountId account) {
    auto client = connect();
    auto view = client->get("/v1/accounts/" + std::to_string(account), admin_token_);
    EXPECT_EQ(view->status, 200) << view->body;
    return boost::json::parse(view->body).at("balance").as_int64();
  }

  std::string transfer(std::int64_t amount) const {
    return R"({"debit_account":)" + std::to_string(cash_) + R"(,"credit_account":)" +
           std::to_string(savings1_) + R"(,"amount":)" + std::to_string(amount) + "}";
  }
};

TEST_F(IdempotencyRace, OneKeyOnManyConnectionsMakesOneTransaction) {
  std::int64_t size_before = log_size();
  std::int64_t balance_before = balance(savings1_);
  std::vector<std::string> requests(
      connections, post_request("/v1/transactions", transfer(250), admin_token_, "race-1"));

  auto answers = race(requests);

  int created = 0;
  std::string first_body;
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.status == 201 || answer.status == 200) << answer.status << answer.body;
    if (answer.status == 201) ++created;
    if (first_body.empty()) first_body = answer.body;
    EXPECT_EQ(answer.body, first_body) << "every copy names the same transaction and seq";
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(log_size(), size_before + 1);
  EXPECT_EQ(balance(savings1_), balance_before + 250);
}

TEST_F(IdempotencyRace, DifferentBodiesUnderOneKeyLetExactlyOneWin) {
  std::int64_t size_before = log_size();
  std::int64_t balance_before = balance(savings1_);
  std::vector<std::string> requests;
  for (int i = 0; i < connections; ++i) {
    requests.push_back(post_request("/v1/transactions", transfer(100 + i), admin_token_, "race-2"));
  }

  auto answers = race(requests);

  int created = 0;
  std::int64_t won = -1;
  for (int i = 0; i < connections; ++i) {
    const auto& answer = answers[static_cast<std::size_t>(i)];
    if (answer.status == 201) {
      ++created;
      won = 100 + i;
    } else {
      ASSERT_EQ(answer.status, 409) << answer.body;
      EXPECT_EQ(boost::json::parse(answer.body).at("code").as_string(), "idempotency_conflict");
    }
  }
  ASSERT_EQ(created, 1);
  EXPECT_EQ(log_size(), size_before + 1);
  EXPECT_EQ(balance(savings1_), balance_before + won);
}

TEST_F(IdempotencyRace, OnePendingTransferPostedOnceUnderRacingKeys) {
  auto client = connect();
  std::string pending = R"({"postings":[{"account":)" + std::to_string(cash_) +
                        R"(,"amount":300},{"account":)" + std::to_string(savings1_) +
                        R"(,"amount":-300}],"pending":true})";
  auto held = client->send(post_request("/v1/transactions", pending, admin_token_, "hold-1"));
  ASSERT_TRUE(held);
  auto made = client->read_response();
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  std::int64_t id = boost::json::parse(made->body).at("id").as_int64();
  std::int64_t size_before = log_size();
  std::int64_t balance_before = balance(savings1_);

  std::string target = "/v1/transactions/" + std::to_string(id) + "/post";
  // Half the copies use one key and half another: the first key to arrive posts the transfer,
  // the other key then finds it posted (422 not_pending), and every copy of a key answers alike.
  std::vector<std::string> requests;
  for (int i = 0; i < connections; ++i) {
    requests.push_back(post_request(target, "", admin_token_, i % 2 == 0 ? "post-a" : "post-b"));
  }
  auto answers = race(requests);

  int posted = 0;
  for (int i = 0; i < connections; ++i) {
    const auto& answer = answers[static_cast<std::size_t>(i)];
    ASSERT_TRUE(answer.status == 200 || answer.status == 422) << answer.body;
    EXPECT_EQ(answer.status, answers[static_cast<std::size_t>(i % 2)].status)
        << "copies under one key answer alike";
    if (answer.status == 200) ++posted;
  }
  EXPECT_EQ(posted, connections / 2) << "exactly one key's copies posted it";
  EXPECT_EQ(log_size(), size_before + 1);
  EXPECT_EQ(balance(savings1_), balance_before + 300);
}

TEST_F(IdempotencyRace, RacingBatchesWithSharedItemKeysApplyEachItemOnce) {
  std::int64_t size_before = log_size();
  std::int64_t balance_before = balance(savings1_);
  std::string items;
  for (int i = 0; i < 20; ++i) {
    if (i > 0) items += ",";
    items += R"({"idempotency_key":"batch-item-)" + std::to_string(i) + R"(","debit_account":)" +
             std::to_string(cash_) + R"(,"credit_account":)" + std::to_string(savings1_) +
             R"(,"amount":)" + std::to_string(10 + i) + "}";
  }
  std::string body = R"({"transactions":[)" + items + "]}";
  std::vector<std::string> requests(connections,
                                    post_request("/v1/transactions/batch", body, admin_token_));

  auto answers = race(requests);

  // Across all the racing batches, each item was created by exactly one of them.
  std::vector<int> created(20, 0);
  for (const auto& answer : answers) {
    ASSERT_EQ(answer.status, 200) << answer.body;
    boost::json::value parsed = boost::json::parse(answer.body);
    const auto& results = parsed.at("results").as_array();
    ASSERT_EQ(results.size(), 20u);
    for (const auto& result : results) {
      std::int64_t status = result.at("status").as_int64();
      ASSERT_TRUE(status == 201 || status == 200) << boost::json::serialize(result);
      if (status == 201) ++created[static_cast<std::size_t>(result.at("index").as_int64())];
    }
  }
  for (int count : created) EXPECT_EQ(count, 1);
  std::int64_t sum = 0;
  for (int i = 0; i < 20; ++i) sum += 10 + i;
  EXPECT_EQ(log_size(), size_before + 20);
  EXPECT_EQ(balance(savings1_), balance_before + sum);
}

}  // namespace
}  // namespace pardner::e2e
