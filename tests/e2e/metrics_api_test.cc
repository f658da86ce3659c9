// GET /metrics on the real server over real TLS: only admin and auditor tokens read it; after a
// few requests and a transfer the request counters have moved under their route patterns, the
// writer's histograms hold the commit, and every line of the text parses as the Prometheus
// exposition format 0.0.4 (tests/support/exposition_check.h, a reader of its own).
#include <sys/wait.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/exposition_check.h"

namespace pardner::e2e {
namespace {

std::string requests(const std::string& method, const std::string& route, int status) {
  return "pardner_http_requests_total{method=\"" + method + "\",route=\"" + route + "\",status=\"" +
         std::to_string(status) + "\"}";
}

class MetricsApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  // Reads /metrics and checks its media type and every line; `body` keeps the text.
  pardner::testing::Exposition scrape(HttpsClient& client, const std::string& token,
                                      std::string* body = nullptr) {
    auto response = client.get("/metrics", token);
    EXPECT_TRUE(response.has_value());
    if (!response) return {};
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_EQ(response->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    auto read = pardner::testing::read_exposition(response->body);
    for (const std::string& error : read.errors) ADD_FAILURE() << error;
    if (body != nullptr) *body = response->body;
    return read;
  }
};

// A value that may be absent yet (a counter not incremented so far reads as 0).
double value_or_zero(const pardner::testing::Exposition& read, const std::string& series) {
  return read.value(series).value_or(0.0);
}

TEST_F(MetricsApi, OnlyAdminsAndAuditorsReadIt) {
  auto client = connect();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->get("/metrics")->status, 401);
  EXPECT_EQ(client->get("/metrics", member1_token_)->status, 403);
  EXPECT_EQ(client->get("/metrics", "not-a-token")->status, 401);
  EXPECT_EQ(client->get("/metrics", admin_token_)->status, 200);
  EXPECT_EQ(client->get("/metrics", auditor_token_)->status, 200);
}

TEST_F(MetricsApi, CountersMoveWithRequestsAndTheWriterHistogramsFill) {
  auto client = connect();
  ASSERT_NE(client, nullptr);
  // The scheduled work's run at start submits one command on its own thread (charging the late
  // fees due, none here), before or after a first scrape: wait for it, so that the writer's
  // counters below move by the transfer alone. A full ctest run once saw them move by two.
  pardner::testing::Exposition before;
  int metrics_reads = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    before = scrape(*client, admin_token_);
    ++metrics_reads;
    if (value_or_zero(before, "pardner_writer_commands_total") >= 1.0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the start-up run never came";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(before.value("pardner_log_size"));
  EXPECT_EQ(before.value("pardner_writer_healthy"), 1.0);

  EXPECT_EQ(client->get("/healthz")->status, 200);
  EXPECT_EQ(client->get("/healthz")->status, 200);
  std::string account_path = "/v1/accounts/" + std::to_string(savings1_);
  EXPECT_EQ(client->get(account_path, admin_token_)->status, 200);
  EXPECT_EQ(client->get("/v1/nothing/" + std::to_string(savings1_))->status, 404);
  EXPECT_EQ(client->get("/metrics", member1_token_)->status, 403);
  std::string body = R"({"debit_account":)" + std::to_string(cash_) + R"(,"credit_account":)" +
                     std::to_string(savings1_) + R"(,"amount":250})";
  ASSERT_TRUE(
      client->send("POST /v1/transactions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Authorization: Bearer " +
                   admin_token_ +
                   "\r\n"
                   "Content-Type: application/json\r\nIdempotency-Key: metrics-e2e\r\n"
                   "Content-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body));
  auto moved = client->read_response();
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->status, 201) << moved->body;

  std::string text;
  auto after = scrape(*client, auditor_token_, &text);
  ASSERT_FALSE(HasFailure()) << text;

  // Requests, under their patterns, with exact statuses.
  EXPECT_EQ(value_or_zero(after, requests("GET", "/healthz", 200)) -
                value_or_zero(before, requests("GET", "/healthz", 200)),
            2.0);
  EXPECT_EQ(after.value(requests("GET", "/v1/accounts/{id}", 200)), 1.0);
  EXPECT_EQ(after.value(requests("GET", "unmatched", 404)), 1.0);
  EXPECT_EQ(after.value(requests("GET", "/metrics", 200)), metrics_reads);  // `before`
  EXPECT_EQ(after.value(requests("GET", "/metrics", 403)), 1.0);
  EXPECT_EQ(after.value(requests("POST", "/v1/transactions", 201)), 1.0);
  EXPECT_EQ(text.find(account_path), std::string::npos) << "a raw path reached a label";
  EXPECT_GE(after.value("pardner_http_request_duration_seconds_count{method=\"GET\","
                        "route=\"/healthz\"}"),
            2.0);
  EXPECT_EQ(after.value("pardner_http_request_duration_seconds_bucket{method=\"POST\","
                        "route=\"/v1/transactions\",le=\"+Inf\"}"),
            1.0);

  // The transfer went through the writer: one more command, one more entry, and the batch and
  // commit histograms hold it.
  EXPECT_EQ(after.value("pardner_writer_commands_total"),
            value_or_zero(before, "pardner_writer_commands_total") + 1);
  EXPECT_GE(after.value("pardner_writer_batches_total"),
            value_or_zero(before, "pardner_writer_batches_total") + 1);
  EXPECT_GE(after.value("pardner_writer_batch_commands_count"), 1.0);
  EXPECT_GE(after.value("pardner_writer_batch_commands_sum"), 1.0);
  EXPECT_GE(after.value("pardner_writer_commit_seconds_count"), 1.0);
  EXPECT_GT(after.value("pardner_writer_commit_seconds_sum"), 0.0);
  EXPECT_EQ(after.value("pardner_writer_queue_depth"), 0.0);
  EXPECT_EQ(after.value("pardner_log_size"), *before.value("pardner_log_size") + 1);
  std::int64_t seq = boost::json::parse(moved->body).at("seq").as_int64();
  EXPECT_EQ(after.value("pardner_log_size"), static_cast<double>(seq + 1));
  EXPECT_GE(after.value("pardner_connections_open"), 1.0);           // this one
  EXPECT_EQ(after.value("pardner_connections_evicted_total"), 0.0);  // nobody stalled at the cap
}

// `pardner serve --postings-merge-entries N --postings-merge-step N` reach the writer: with
// entries at 2, a few transfers make it merge the recent postings, which the default (65,536)
// would not do for many thousands of writes, and with steps of two postings each merge takes at
// least two steps. Every idempotency key sent is in the writer's index. Out-of-range values are
// refused.
class WriterUpkeepOptions : public ServerTest {};

TEST_F(WriterUpkeepOptions, SmallMergesHappenAfterAFewWrites) {
  start_server({"--postings-merge-entries", "2", "--postings-merge-step", "2"});
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto keys_before = client->get("/metrics", admin_token_);
  ASSERT_TRUE(keys_before);
  const double keys_at_start = value_or_zero(pardner::testing::read_exposition(keys_before->body),
                                             "pardner_idempotency_keys_in_memory");
  // The writer's start on stderr says how many keys it loaded: those /metrics counts.
  const std::string log = read_file(stderr_file());
  EXPECT_NE(log.find("pardner: writer started in "), std::string::npos) << log;
  EXPECT_NE(log.find(" ms, " + std::to_string(static_cast<long long>(keys_at_start)) +
                     " idempotency keys in "),
            std::string::npos)
      << log;
  for (int i = 0; i < 4; ++i) {
    std::string body = R"({"debit_account":)" + std::to_string(cash_) + R"(,"credit_account":)" +
                       std::to_string(savings1_) + R"(,"amount":1})";
    ASSERT_TRUE(client->send(
        post_request("/v1/transactions", body, admin_token_, "upkeep-" + std::to_string(i))));
    auto answered = client->read_response();
    ASSERT_TRUE(answered);
    ASSERT_EQ(answered->status, 201) << answered->body;
  }
  // The upkeep runs between batches, after the answers: wait for it.
  double merges = 0, merge_steps = 0, keys = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (merges < 1.0) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "merges " << merges;
    auto response = client->get("/metrics", admin_token_);
    ASSERT_TRUE(response);
    auto read = pardner::testing::read_exposition(response->body);
    merges = value_or_zero(read, "pardner_postings_merges_total");
    merge_steps = value_or_zero(read, "pardner_postings_merge_steps_total");
    keys = value_or_zero(read, "pardner_idempotency_keys_in_memory");
    EXPECT_GT(value_or_zero(read, "pardner_idempotency_index_bytes"), 16.0 * keys);
    if (merges < 1.0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // A merge of at least two transfers' four postings, two a step.
  EXPECT_GE(merge_steps, 2.0 * merges);
  EXPECT_EQ(keys, keys_at_start + 4.0);
}

TEST_F(WriterUpkeepOptions, OutOfRangeValuesAreRefused) {
  const std::string out = dir_.file("refused.txt");
  for (const char* option : {"--postings-merge-entries 0", "--postings-merge-entries 99999999999",
                             "--postings-merge-step 0", "--postings-merge-step 99999999999"}) {
    // Under `timeout`: a server that started anyway is stopped and exits 124, not 105.
    int status = run_command("timeout 20 " + std::string(PARDNER_BINARY) + " serve --data " +
                             data_dir() + " --listen 127.0.0.1:0 " + option + " >" + out + " 2>&1");
    ASSERT_TRUE(WIFEXITED(status)) << option;
    EXPECT_EQ(WEXITSTATUS(status), 105) << option << ": " << read_file(out);  // CLI11's refusal
    EXPECT_NE(read_file(out).find("not in range 1 to 16777216"), std::string::npos)
        << read_file(out);
  }
}

}  // namespace
}  // namespace pardner::e2e
