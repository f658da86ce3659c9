// POST /v1/transactions/batch at the router: each item answered as POST /v1/transactions would
// answer it alone (success, refusal, replay); atomic batches all applied or none, a refused one
// writing nothing to the log; the item count and body size at the limit and one past; keys
// repeated within a batch and malformed items refused before anything is written, naming the
// item.
#include <gtest/gtest.h>

#include "api/limits.h"
#include "ledger/limits.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

class BatchEndpoint : public ApiTest {
 protected:
  static std::string transfer(const std::string& key, std::int64_t debit, std::int64_t credit,
                              std::int64_t amount, const std::string& more = "") {
    return R"({"idempotency_key":")" + key + R"(","debit_account":)" + std::to_string(debit) +
           R"(,"credit_account":)" + std::to_string(credit) + R"(,"amount":)" +
           std::to_string(amount) + more + "}";
  }

  std::string unbalanced(const std::string& key) const {
    return R"({"idempotency_key":")" + key + R"(","postings":[{"account":)" +
           std::to_string(cash_) + R"(,"amount":5},{"account":)" + std::to_string(savings1_) +
           R"(,"amount":-4}]})";
  }

  static std::string batch(const std::vector<std::string>& items, bool atomic = false) {
    std::string body = atomic ? R"({"atomic":true,"transactions":[)" : R"({"transactions":[)";
    for (std::size_t i = 0; i < items.size(); ++i) body += (i ? "," : "") + items[i];
    return body + "]}";
  }

  // `count` distinct 1-unit transfers from cash to member 1's savings.
  std::vector<std::string> many(std::size_t count, const std::string& prefix) const {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < count; ++i) {
      items.push_back(transfer(prefix + std::to_string(i), cash_, savings1_, 1));
    }
    return items;
  }

  Response post_batch(const std::string& body, const std::string& token = admin_token) {
    return post("/v1/transactions/batch", body, token);
  }

  std::int64_t balance(std::int64_t account) {
    return json_of(get("/v1/accounts/" + std::to_string(account), admin_token))
        .at("balance")
        .as_int64();
  }

  static boost::json::array results_of(const boost::json::value& body) {
    return body.at("results").as_array();
  }
};

TEST_F(BatchEndpoint, EachItemIsAnsweredOnItsOwn) {
  std::int64_t before = log_size();
  std::string pending = R"({"idempotency_key":"p1","postings":[{"account":)" +
                        std::to_string(cash_) + R"(,"amount":7},{"account":)" +
                        std::to_string(savings2_) + R"(,"amount":-7}],"pending":true})";
  auto response = post_batch(batch({
      transfer("k1", cash_, savings1_, 250), unbalanced("k2"),
      // The fixture's deposit, replayed: the first answer, as the single endpoint gives it.
      transfer("deposit-1", cash_, savings1_, 5000, R"(,"memo":"deposit")"),
      transfer("k4", cash_, 999, 1), pending,
      transfer("deposit-2", cash_, savings2_, 1),  // the key again, other content
  }));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  auto body = json_of(response);
  auto results = results_of(body);
  ASSERT_EQ(results.size(), 6u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].at("index").as_int64(), static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(results[0].at("status").as_int64(), 201);
  EXPECT_EQ(results[0].at("seq").as_int64(), before);
  EXPECT_EQ(results[1].at("status").as_int64(), 422);
  EXPECT_EQ(results[1].at("problem").at("code").as_string(), "unbalanced");
  EXPECT_EQ(results[1].at("problem").at("status").as_int64(), 422);
  EXPECT_EQ(results[2].at("status").as_int64(), 200);
  EXPECT_EQ(results[2].at("seq").as_int64(), 5);
  EXPECT_EQ(results[3].at("status").as_int64(), 404);
  EXPECT_EQ(results[3].at("problem").at("code").as_string(), "not_found");
  EXPECT_EQ(results[4].at("status").as_int64(), 201);
  EXPECT_EQ(results[4].at("seq").as_int64(), before + 1);
  EXPECT_EQ(results[5].at("status").as_int64(), 409);
  EXPECT_EQ(results[5].at("problem").at("code").as_string(), "idempotency_conflict");
  EXPECT_EQ(log_size(), before + 2);
  EXPECT_EQ(balance(savings1_), 5250);

  // The keys are the single endpoint's keys: each replays there, refusals included.
  auto replay = post("/v1/transactions", transfer("k1", cash_, savings1_, 250), admin_token);
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(json_of(replay).at("id"), results[0].at("id"));
  EXPECT_EQ(problem_code(post("/v1/transactions", unbalanced("k2"), admin_token)), "unbalanced");
  // And the whole batch again: every answer the same, successes now as replays.
  auto again = json_of(post_batch(batch({transfer("k1", cash_, savings1_, 250)})));
  EXPECT_EQ(results_of(again)[0].at("status").as_int64(), 200);
  EXPECT_EQ(results_of(again)[0].at("seq"), results[0].at("seq"));
  EXPECT_EQ(log_size(), before + 2);
}

TEST_F(BatchEndpoint, AnAtomicBatchAppliesEveryItem) {
  std::int64_t before = log_size();
  std::string body =
      batch({transfer("a1", cash_, savings1_, 100), transfer("a2", cash_, savings2_, 200)}, true);
  auto response = post_batch(body);
  ASSERT_EQ(response.status, 201) << response.body;
  auto results = results_of(json_of(response));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("status").as_int64(), 201);
  EXPECT_EQ(results[0].at("seq").as_int64(), before);
  EXPECT_EQ(results[1].at("status").as_int64(), 201);
  EXPECT_EQ(results[1].at("seq").as_int64(), before + 1);
  EXPECT_EQ(log_size(), before + 2);
  EXPECT_EQ(balance(savings1_), 5100);

  // Sent again: every item replays, so the answer is 200 and nothing is written.
  auto replayed = post_batch(body);
  EXPECT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(results_of(json_of(replayed))[1].at("seq").as_int64(), before + 1);
  EXPECT_EQ(log_size(), before + 2);
}

TEST_F(BatchEndpoint, ARefusedAtomicBatchWritesNothingAndNamesTheItem) {
  std::int64_t before = log_size();
  std::string checkpoint = get("/v1/log/checkpoint").body;
  auto response = post_batch(batch({transfer("r1", cash_, savings1_, 100), unbalanced("r2"),
                                    transfer("r3", cash_, savings2_, 300)},
                                   true));
  ASSERT_EQ(response.status, 422) << response.body;
  EXPECT_EQ(problem_code(response), "unbalanced");
  auto body = json_of(response);
  EXPECT_EQ(body.at("index").as_int64(), 1);
  EXPECT_EQ(body.at("detail").as_string().subview().substr(0, 16), "transactions[1]:");
  auto results = results_of(body);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[1].at("status").as_int64(), 422);
  EXPECT_EQ(results[1].at("problem").at("code").as_string(), "unbalanced");
  for (std::size_t i : {0u, 2u}) {
    EXPECT_EQ(results[i].at("status").as_int64(), 424);
    EXPECT_EQ(results[i].at("problem").at("code").as_string(), "batch_rolled_back");
    EXPECT_EQ(results[i].as_object().if_contains("seq"), nullptr);
  }
  EXPECT_EQ(log_size(), before);
  EXPECT_EQ(get("/v1/log/checkpoint").body, checkpoint);
  EXPECT_EQ(balance(savings1_), 5000);

  // Nothing was remembered either: corrected, the same keys apply.
  auto corrected =
      post_batch(batch({transfer("r1", cash_, savings1_, 100), transfer("r2", cash_, savings1_, 5),
                        transfer("r3", cash_, savings2_, 300)},
                       true));
  EXPECT_EQ(corrected.status, 201) << corrected.body;
  EXPECT_EQ(log_size(), before + 3);
}

TEST_F(BatchEndpoint, ItemCountAtTheLimitAndOnePast) {
  std::int64_t before = log_size();
  auto each = post_batch(batch(many(batch_transactions_max, "each-")));
  ASSERT_EQ(each.status, 200) << each.body.substr(0, 500);
  auto results = results_of(json_of(each));
  ASSERT_EQ(results.size(), batch_transactions_max);
  for (const auto& result : results) ASSERT_EQ(result.at("status").as_int64(), 201);
  auto all = post_batch(batch(many(batch_transactions_max, "all-"), true));
  ASSERT_EQ(all.status, 201) << all.body.substr(0, 500);
  std::int64_t written = 2 * static_cast<std::int64_t>(batch_transactions_max);
  EXPECT_EQ(log_size(), before + written);
  EXPECT_EQ(balance(savings1_), 5000 + written);

  for (bool atomic : {false, true}) {
    auto past = post_batch(batch(many(batch_transactions_max + 1, "past-"), atomic));
    EXPECT_EQ(past.status, 400);
    EXPECT_EQ(problem_code(past), "invalid_argument");
  }
  EXPECT_EQ(problem_code(post_batch(R"({"transactions":[]})")), "invalid_argument");
  EXPECT_EQ(log_size(), before + written);
}

TEST_F(BatchEndpoint, BodySizeAtTheLimitAndOnePast) {
  // JSON allows whitespace between tokens: a valid batch padded to exactly the limit.
  std::string body = batch(many(3, "size-"));
  body.insert(body.size() - 1, std::string(batch_body_bytes_max - body.size(), ' '));
  ASSERT_EQ(body.size(), batch_body_bytes_max);
  EXPECT_EQ(post_batch(body).status, 200);
  body.insert(body.size() - 1, " ");
  auto past = post_batch(body);
  EXPECT_EQ(past.status, 413);
  EXPECT_EQ(problem_code(past), "body_too_large");
}

TEST_F(BatchEndpoint, KeysRepeatedWithinABatchAreRefusedBeforeAnythingIsWritten) {
  std::int64_t before = log_size();
  for (bool atomic : {false, true}) {
    auto response =
        post_batch(batch({transfer("d1", cash_, savings1_, 1), transfer("d2", cash_, savings1_, 2),
                          transfer("d1", cash_, savings1_, 1)},
                         atomic));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(problem_code(response), "invalid_argument");
    auto body = json_of(response);
    EXPECT_EQ(body.at("index").as_int64(), 2);
    EXPECT_NE(body.at("detail").as_string().find("transactions[0]"), std::string::npos);
  }
  EXPECT_EQ(log_size(), before);
}

TEST_F(BatchEndpoint, MalformedBodiesAndItemsAreRefusedNamingTheItem) {
  struct Row {
    std::string name, body;
    std::string code;
    int index;  // -1: the refusal is about the whole body
  };
  std::string ok = transfer("m0", cash_, savings1_, 1);
  std::string ok1 = transfer("m1", cash_, savings1_, 1), ok2 = transfer("m2", cash_, savings1_, 1);
  std::vector<Row> rows = {
      {"not an object", R"([1])", "malformed_json", -1},
      {"no transactions", R"({"atomic":true})", "invalid_argument", -1},
      {"transactions not an array", R"({"transactions":{}})", "invalid_argument", -1},
      {"atomic not a bool", R"({"atomic":1,"transactions":[)" + ok + "]}", "invalid_argument", -1},
      {"unknown field", R"({"colour":1,"transactions":[)" + ok + "]}", "invalid_argument", -1},
      {"too deep", R"({"transactions":[{"postings":[{"account":[1]}]}]})", "malformed_json", -1},
      {"repeated field in an item",
       batch({ok, R"({"idempotency_key":"m9","amount":1,"amount":2})"}), "malformed_json", -1},
      {"item not an object", batch({ok, "[]"}), "invalid_argument", 1},
      {"item unknown field", batch({ok, ok1, transfer("m3", cash_, savings1_, 1, R"(,"x":1)")}),
       "invalid_argument", 2},
      {"item forms mixed", batch({R"({"idempotency_key":"m4","postings":[],"debit_account":1})"}),
       "invalid_argument", 0},
      {"item without a key", batch({ok, R"({"debit_account":1,"credit_account":2,"amount":1})"}),
       "invalid_argument", 1},
      {"item with an empty key", batch({ok, transfer("", cash_, savings1_, 1)}), "invalid_argument",
       1},
      {"item key too long",
       batch({transfer(std::string(ledger::idempotency_key_bytes_max + 1, 'k'), cash_, savings1_,
                       1)}),
       "invalid_argument", 0},
      {"item decimal amount",
       batch({ok, ok1, ok2,
              R"({"idempotency_key":"m5","debit_account":1,)"
              R"("credit_account":2,"amount":1.5})"}),
       "invalid_argument", 3},
      {"item memo too long",
       batch({transfer("m6", cash_, savings1_, 1,
                       R"(,"memo":")" + std::string(ledger::memo_bytes_max + 1, 'm') + "\"")}),
       "invalid_argument", 0},
  };
  std::int64_t before = log_size();
  for (const Row& row : rows) {
    auto response = post_batch(row.body);
    EXPECT_EQ(response.status, 400) << row.name << ": " << response.body;
    EXPECT_EQ(problem_code(response), row.code) << row.name;
    auto body = json_of(response);
    if (row.index < 0) {
      EXPECT_EQ(body.as_object().if_contains("index"), nullptr) << row.name;
    } else {
      EXPECT_EQ(body.at("index").as_int64(), row.index) << row.name;
      std::string prefix = "transactions[" + std::to_string(row.index) + "]: ";
      EXPECT_EQ(body.at("detail").as_string().subview().substr(0, prefix.size()), prefix)
          << row.name;
    }
  }
  // One Idempotency-Key header cannot stand for every item.
  auto keyed = post("/v1/transactions/batch", batch({ok}), admin_token, "one-key");
  EXPECT_EQ(keyed.status, 400);
  EXPECT_EQ(problem_code(keyed), "invalid_argument");
  EXPECT_EQ(log_size(), before);
}

TEST_F(BatchEndpoint, OnlyAdminsPostBatches) {
  std::int64_t before = log_size();
  for (const std::string& token : {auditor_token, member1_token}) {
    auto response = post_batch(batch({transfer("o1", cash_, savings1_, 1)}), token);
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(problem_code(response), "forbidden");
  }
  EXPECT_EQ(log_size(), before);
}

TEST_F(BatchEndpoint, ALargeBodyIsRefusedFromTheHeadersToCallersWhoMayNotSendIt) {
  Request headers = make_request("POST", "/v1/transactions/batch");
  auto anonymous = router_.refuse_before_body(headers, services_);
  ASSERT_TRUE(anonymous.has_value());
  EXPECT_EQ(anonymous->status, 401);
  headers.authorization = "Bearer " + member1_token;
  auto member = router_.refuse_before_body(headers, services_);
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->status, 403);
  headers.authorization = "Bearer " + admin_token;
  EXPECT_FALSE(router_.refuse_before_body(headers, services_).has_value());
  // Routes whose bodies are small are read first and refused in the usual order.
  Request small = make_request("POST", "/v1/transactions");
  EXPECT_FALSE(router_.refuse_before_body(small, services_).has_value());
  EXPECT_FALSE(router_.refuse_before_body(make_request("POST", "/nowhere"), services_));
}

TEST_F(BatchEndpoint, AStoppedWriterAnswers503ForTheWholeBatch) {
  writer_->stop();
  for (bool atomic : {false, true}) {
    auto response = post_batch(batch({transfer("s1", cash_, savings1_, 1)}, atomic));
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(problem_code(response), "unavailable");
    EXPECT_EQ(header(response, "Retry-After"), "1");
  }
}

}  // namespace
}  // namespace pardner::api::testing
