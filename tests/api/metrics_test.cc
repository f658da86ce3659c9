// GET /metrics without sockets: the exposition writer's exact text (escaping, exact decimal
// seconds, cumulative buckets ending in +Inf), the request registry keyed by route pattern and
// exact status, the whole rendering for known observations, and the endpoint at the router:
// who may read it, its media type, and counters that move with the requests answered.
#include "api/metrics.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "api/prometheus_text.h"
#include "tests/api/api_fixture.h"
#include "tests/support/exposition_check.h"

namespace pardner::api::testing {
namespace {

void ignore(Exchange&) {}

TEST(PrometheusText, WritesHelpTypeAndSamplesWithEscapedLabelValues) {
  PrometheusText out;
  out.family("things_total", "counter", "Things, with a \\ and a\nnewline.");
  Label labels[] = {{"route", "/a\"b\\c\nd"}, {"status", "200"}};
  out.sample("things_total", labels, 3);
  out.sample("things_total", {}, 18446744073709551615u);
  EXPECT_EQ(out.text(),
            "# HELP things_total Things, with a \\\\ and a\\nnewline.\n"
            "# TYPE things_total counter\n"
            "things_total{route=\"/a\\\"b\\\\c\\nd\",status=\"200\"} 3\n"
            "things_total 18446744073709551615\n");
  auto read = pardner::testing::read_exposition(out.text());
  EXPECT_TRUE(read.errors.empty()) << read.errors.front();
  ASSERT_EQ(read.samples.size(), 2u);
  EXPECT_EQ(read.samples[0].labels[0].second, "/a\"b\\c\nd");  // the value round-trips
}

TEST(PrometheusText, FormatsScaledIntegersAsExactDecimals) {
  struct Row {
    std::uint64_t value, divisor;
    std::string text;
  };
  for (const Row& row : std::vector<Row>{{0, 1'000'000, "0"},
                                         {500, 1'000'000, "0.0005"},
                                         {1, 1'000'000, "0.000001"},
                                         {1'000'000, 1'000'000, "1"},
                                         {2'500'000, 1'000'000, "2.5"},
                                         {30'001'800, 1'000'000, "30.0018"},
                                         {7, 1, "7"},
                                         {15, 10, "1.5"}}) {
    EXPECT_EQ(format_scaled(row.value, row.divisor), row.text) << row.value << "/" << row.divisor;
  }
}

TEST(PrometheusText, WritesAHistogramWithCumulativeBucketsAndInfEqualToCount) {
  ledger::HistogramSnapshot snapshot{{500, 2'500'000}, {1, 3}, 4, 12'000'500};
  PrometheusText out;
  out.family("wait_seconds", "histogram", "Waits.");
  Label labels[] = {{"route", "/x"}};
  out.histogram("wait_seconds", labels, snapshot, 1'000'000);
  EXPECT_EQ(out.text(),
            "# HELP wait_seconds Waits.\n"
            "# TYPE wait_seconds histogram\n"
            "wait_seconds_bucket{route=\"/x\",le=\"0.0005\"} 1\n"
            "wait_seconds_bucket{route=\"/x\",le=\"2.5\"} 3\n"
            "wait_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "wait_seconds_sum{route=\"/x\"} 12.0005\n"
            "wait_seconds_count{route=\"/x\"} 4\n");
  auto read = pardner::testing::read_exposition(out.text());
  EXPECT_TRUE(read.errors.empty()) << read.errors.front();
}

TEST(PrometheusTextDeathTest, RefusesANameThatIsNotOne) {
  PrometheusText out;
  EXPECT_DEATH(out.family("9lives", "counter", "x"), "is_name");
  EXPECT_DEATH(out.family("ok", "summary", "x"), "type");
  Label le[] = {{"le", "1"}};
  EXPECT_DEATH(out.sample("ok", le, 1), "label.name != .le.");
}

// The reader the tests check with must itself refuse what Prometheus would.
TEST(ExpositionCheck, FindsWhatPrometheusWouldRefuse) {
  const std::string head = "# TYPE h histogram\n";
  struct Row {
    std::string name, text;
  };
  for (const Row& row : std::vector<Row>{
           {"no newline at the end", "# TYPE c counter\nc 1"},
           {"no TYPE", "c 1\n"},
           {"unescaped quote", "# TYPE c counter\nc{a=\"x\"y\"} 1\n"},
           {"bad escape", "# TYPE c counter\nc{a=\"\\t\"} 1\n"},
           {"not a number", "# TYPE c counter\nc one\n"},
           {"bad name", "# TYPE 1c counter\n1c 1\n"},
           {"twice", "# TYPE c counter\nc 1\nc 2\n"},
           {"not grouped", "# TYPE c counter\n# TYPE g gauge\nc 1\ng 1\nc{a=\"b\"} 1\n"},
           {"not cumulative", head + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                                     "h_count 1\nh_sum 0\n"},
           {"no +Inf", head + "h_bucket{le=\"1\"} 1\nh_count 1\nh_sum 0\n"},
           {"+Inf not count", head + "h_bucket{le=\"+Inf\"} 2\nh_count 1\nh_sum 0\n"},
       }) {
    EXPECT_FALSE(pardner::testing::read_exposition(row.text).errors.empty()) << row.name;
  }
  EXPECT_TRUE(pardner::testing::read_exposition(
                  head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n")
                  .errors.empty());
}

// A table of one route: its series are listed from the start, the unmatched ones once seen.
const std::vector<Route>& one_route() {
  static const std::vector<Route> routes = {
      {"GET", "/v1/things/{id}", Roles{Role::admin}, &ignore, 0, {}}};
  return routes;
}

TEST(HttpMetrics, CountsByRoutePatternAndExactStatusAndRendersExactly) {
  HttpMetrics metrics(one_route());
  const Route* things = &one_route()[0];
  metrics.observe(things, "GET", 200, 300);
  metrics.observe(things, "GET", 200, 1'500);
  metrics.observe(things, "GET", 404, 30'000'000);  // past the last bound: +Inf only
  metrics.observe(nullptr, "BREW", 404, 100);       // a method of the client's own: "other"
  PrometheusText out;
  metrics.render(out);
  EXPECT_EQ(
      out.text(),
      R"(# HELP pardner_http_requests_total HTTP requests answered, by method, route pattern ("unmatched" when no route matched) and status.
# TYPE pardner_http_requests_total counter
pardner_http_requests_total{method="GET",route="/v1/things/{id}",status="200"} 2
pardner_http_requests_total{method="GET",route="/v1/things/{id}",status="404"} 1
pardner_http_requests_total{method="other",route="unmatched",status="404"} 1
# HELP pardner_http_request_duration_seconds Time from routing a request to handing its response to the connection, by method and route pattern.
# TYPE pardner_http_request_duration_seconds histogram
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.0005"} 1
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.001"} 1
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.0025"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.005"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.01"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.025"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.05"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.1"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.25"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="0.5"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="1"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="2.5"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="5"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="10"} 2
pardner_http_request_duration_seconds_bucket{method="GET",route="/v1/things/{id}",le="+Inf"} 3
pardner_http_request_duration_seconds_sum{method="GET",route="/v1/things/{id}"} 30.0018
pardner_http_request_duration_seconds_count{method="GET",route="/v1/things/{id}"} 3
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.0005"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.001"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.0025"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.005"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.01"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.025"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.05"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.1"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.25"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.5"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="1"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="2.5"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="5"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="10"} 1
pardner_http_request_duration_seconds_bucket{method="other",route="unmatched",le="+Inf"} 1
pardner_http_request_duration_seconds_sum{method="other",route="unmatched"} 0.0001
pardner_http_request_duration_seconds_count{method="other",route="unmatched"} 1
)");
  auto read = pardner::testing::read_exposition(out.text());
  EXPECT_TRUE(read.errors.empty()) << read.errors.front();
}

TEST(HttpMetrics, KeepsTheUnmatchedMethodsToAFixedSet) {
  HttpMetrics metrics(one_route());
  for (std::string_view method : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get",
                                  "PROPFIND", "", "X-EVERY-CLIENT-ITS-OWN"}) {
    metrics.observe(nullptr, method, 404, 0);
  }
  PrometheusText out;
  metrics.render(out);
  auto read = pardner::testing::read_exposition(out.text());
  ASSERT_TRUE(read.errors.empty()) << read.errors.front();
  std::set<std::string> methods;
  for (const auto& sample : read.samples) {
    if (sample.name == "pardner_http_requests_total") methods.insert(sample.labels[0].second);
  }
  EXPECT_EQ(methods, (std::set<std::string>{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
                                            "OPTIONS", "other"}));
  EXPECT_EQ(read.value("pardner_http_requests_total{method=\"other\",route=\"unmatched\","
                       "status=\"404\"}"),
            4.0);
}

TEST(HttpMetricsDeathTest, RefusesARouteFromAnotherTable) {
  HttpMetrics metrics(one_route());
  Route stranger{"GET", "/v1/things/{id}", Roles{Role::admin}, &ignore, 0, {}};
  EXPECT_DEATH(metrics.observe(&stranger, "GET", 200, 1), "routes_");
  EXPECT_DEATH(metrics.observe(nullptr, "GET", 99, 1), "status_min");
}

TEST(RenderMetrics, WritesEveryFamilyForKnownNumbers) {
  ScrapeInputs inputs;
  ledger::WriterStats writer;
  writer.batches = 2;
  writer.commands = 3;
  writer.queue_commands = 1;
  writer.batch_reruns = 4;
  writer.checkpoints.checkpoints = 6;
  writer.checkpoints.wal_frames = 1234;
  writer.idempotency_keys_in_memory = 512;
  writer.idempotency_index_bytes = 4'202'496;
  writer.postings_merges = 3;
  writer.postings_merge_steps = 40;
  writer.last_postings_merge_step_micros = 25'000;
  writer.wal_clears = 9;
  writer.wal_clears_held_back = 2;
  writer.published_accounts = 4096;
  writer.accounts_published = true;
  writer.batch_commands = {{1, 2}, {1, 2}, 2, 3};
  writer.commit_micros = {{1'000, 10'000}, {1, 1}, 2, 15'000};
  inputs.writer = writer;
  inputs.writer_healthy = true;
  inputs.log_size = 7;
  inputs.connections_open = 3;
  inputs.connections_evicted = 5;
  std::string text = render_metrics(inputs);
  EXPECT_EQ(
      text,
      R"(# HELP pardner_writer_batches_total Batches the writer committed (one SQLite transaction and fsync each).
# TYPE pardner_writer_batches_total counter
pardner_writer_batches_total 2
# HELP pardner_writer_commands_total Commands in committed batches, accepted or refused.
# TYPE pardner_writer_commands_total counter
pardner_writer_commands_total 3
# HELP pardner_writer_batch_commands Commands per committed batch.
# TYPE pardner_writer_batch_commands histogram
pardner_writer_batch_commands_bucket{le="1"} 1
pardner_writer_batch_commands_bucket{le="2"} 2
pardner_writer_batch_commands_bucket{le="+Inf"} 2
pardner_writer_batch_commands_sum 3
pardner_writer_batch_commands_count 2
# HELP pardner_writer_commit_seconds Time per committed batch from BEGIN to a durable COMMIT.
# TYPE pardner_writer_commit_seconds histogram
pardner_writer_commit_seconds_bucket{le="0.001"} 1
pardner_writer_commit_seconds_bucket{le="0.01"} 1
pardner_writer_commit_seconds_bucket{le="+Inf"} 2
pardner_writer_commit_seconds_sum 0.015
pardner_writer_commit_seconds_count 2
# HELP pardner_writer_queue_depth Commands waiting for the writer.
# TYPE pardner_writer_queue_depth gauge
pardner_writer_queue_depth 1
# HELP pardner_writer_batch_reruns_total Batches run a second time, a savepoint per command, because a command was refused after it had written.
# TYPE pardner_writer_batch_reruns_total counter
pardner_writer_batch_reruns_total 4
# HELP pardner_wal_checkpoints_total Checkpoints that copied the write-ahead log into the database file.
# TYPE pardner_wal_checkpoints_total counter
pardner_wal_checkpoints_total 6
# HELP pardner_wal_frames Pages in the write-ahead log after the last commit.
# TYPE pardner_wal_frames gauge
pardner_wal_frames 1234
# HELP pardner_idempotency_keys_in_memory Idempotency keys whose hashes the writer holds in memory: every key.
# TYPE pardner_idempotency_keys_in_memory gauge
pardner_idempotency_keys_in_memory 512
# HELP pardner_idempotency_index_bytes Memory the writer's index of idempotency key hashes takes.
# TYPE pardner_idempotency_index_bytes gauge
pardner_idempotency_index_bytes 4202496
# HELP pardner_postings_merges_total Merges of a recent postings table into the table clustered by account, finished.
# TYPE pardner_postings_merges_total counter
pardner_postings_merges_total 3
# HELP pardner_postings_merge_steps_total Steps of postings merges, one between two batches at most.
# TYPE pardner_postings_merge_steps_total counter
pardner_postings_merge_steps_total 40
# HELP pardner_postings_last_merge_step_seconds Time the last step of a postings merge took, during which the writer took no batch.
# TYPE pardner_postings_last_merge_step_seconds gauge
pardner_postings_last_merge_step_seconds 0.025
# HELP pardner_wal_clears_total Write-ahead logs copied and truncated after a member profile was corrected or erased, so no old copy of it stays in the file.
# TYPE pardner_wal_clears_total counter
pardner_wal_clears_total 9
# HELP pardner_wal_clears_held_back_total Such truncations that readers held back; each is tried again after 10 s.
# TYPE pardner_wal_clears_held_back_total counter
pardner_wal_clears_held_back_total 2
# HELP pardner_published_accounts Accounts the writer holds in memory for balance reads.
# TYPE pardner_published_accounts gauge
pardner_published_accounts 4096
# HELP pardner_accounts_published 1 while balance reads may come from the writer's memory; 0 after it stopped publishing (a storage failure, or a commit that bypassed the wal-index barrier).
# TYPE pardner_accounts_published gauge
pardner_accounts_published 1
# HELP pardner_writer_healthy 1 while the writer takes writes; 0 after it stopped on a storage failure, or when the server takes no writes.
# TYPE pardner_writer_healthy gauge
pardner_writer_healthy 1
# HELP pardner_log_size Entries in the signed log.
# TYPE pardner_log_size gauge
pardner_log_size 7
# HELP pardner_connections_open Connections open now, served or being refused at the connection cap.
# TYPE pardner_connections_open gauge
pardner_connections_open 3
# HELP pardner_connections_evicted_total Connections closed in their TLS handshake to make room for a newcomer at the connection cap.
# TYPE pardner_connections_evicted_total counter
pardner_connections_evicted_total 5
)");
  auto read = pardner::testing::read_exposition(text);
  EXPECT_TRUE(read.errors.empty()) << read.errors.front();
}

TEST(RenderMetrics, WithoutAWriterSaysItIsNotHealthyAndLeavesItsFamiliesOut) {
  std::string text = render_metrics(ScrapeInputs{});
  EXPECT_EQ(text,
            "# HELP pardner_writer_healthy 1 while the writer takes writes; 0 after it stopped on "
            "a storage failure, or when the server takes no writes.\n"
            "# TYPE pardner_writer_healthy gauge\n"
            "pardner_writer_healthy 0\n");
}

// The endpoint at the router, over the fixture's real ledger and writer.
class MetricsEndpoint : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    services_.http_metrics = &metrics_;
  }

  pardner::testing::Exposition scrape(const std::string& token = admin_token) {
    Response response = get("/metrics", token);
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    auto read = pardner::testing::read_exposition(response.body);
    EXPECT_TRUE(read.errors.empty()) << read.errors.front() << "\n" << response.body;
    return read;
  }

  static std::string requests(const std::string& method, const std::string& route, int status) {
    return "pardner_http_requests_total{method=\"" + method + "\",route=\"" + route +
           "\",status=\"" + std::to_string(status) + "\"}";
  }

  HttpMetrics metrics_{router_.routes()};
};

TEST_F(MetricsEndpoint, IsForAdminsAndAuditorsOnly) {
  Response anonymous = get("/metrics");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(problem_code(anonymous), "unauthorized");
  Response member = get("/metrics", member1_token);
  EXPECT_EQ(member.status, 403);
  EXPECT_EQ(problem_code(member), "forbidden");
  scrape(admin_token);
  auto read = scrape(auditor_token);
  // The refusals were counted under the route's pattern; the two scrapes before this one too.
  EXPECT_EQ(read.value(requests("GET", "/metrics", 401)), 1.0);
  EXPECT_EQ(read.value(requests("GET", "/metrics", 403)), 1.0);
  EXPECT_EQ(read.value(requests("GET", "/metrics", 200)), 1.0);
}

TEST_F(MetricsEndpoint, CountsRoutesByPatternNeverByRawPath) {
  auto path = "/v1/accounts/" + std::to_string(savings1_);
  EXPECT_EQ(get(path, admin_token).status, 200);
  EXPECT_EQ(get(path, member2_token).status, 404);  // not theirs
  EXPECT_EQ(get("/v1/no/such/" + std::to_string(savings1_), admin_token).status, 404);
  EXPECT_EQ(post("/healthz", "").status, 405);
  Response response = get("/metrics", admin_token);
  auto read = pardner::testing::read_exposition(response.body);
  ASSERT_TRUE(read.errors.empty()) << read.errors.front();
  EXPECT_EQ(read.value(requests("GET", "/v1/accounts/{id}", 200)), 1.0);
  EXPECT_EQ(read.value(requests("GET", "/v1/accounts/{id}", 404)), 1.0);
  EXPECT_EQ(read.value(requests("GET", "unmatched", 404)), 1.0);
  EXPECT_EQ(read.value(requests("POST", "unmatched", 405)), 1.0);
  EXPECT_EQ(response.body.find(path), std::string::npos) << "a raw path reached a label";
  EXPECT_EQ(read.value("pardner_http_request_duration_seconds_count{method=\"GET\","
                       "route=\"/v1/accounts/{id}\"}"),
            2.0);
  // Every route is listed from the start.
  for (const Route& route : router_.routes()) {
    EXPECT_TRUE(read.value("pardner_http_request_duration_seconds_count{method=\"" +
                           std::string(route.method) + "\",route=\"" + std::string(route.pattern) +
                           "\"}"))
        << route.pattern;
  }
}

TEST_F(MetricsEndpoint, ReportsTheWriterAndTheLog) {
  auto before = scrape();
  // The fixture wrote 7 commands, one batch each.
  EXPECT_EQ(before.value("pardner_log_size"), 7.0);
  EXPECT_EQ(before.value("pardner_writer_commands_total"), 7.0);
  EXPECT_EQ(before.value("pardner_writer_batches_total"), 7.0);
  EXPECT_EQ(before.value("pardner_writer_batch_commands_count"), 7.0);
  EXPECT_EQ(before.value("pardner_writer_batch_commands_bucket{le=\"1\"}"), 7.0);
  EXPECT_EQ(before.value("pardner_writer_commit_seconds_count"), 7.0);
  EXPECT_EQ(before.value("pardner_writer_queue_depth"), 0.0);
  EXPECT_EQ(before.value("pardner_writer_healthy"), 1.0);
  EXPECT_EQ(before.value("pardner_accounts_published"), 1.0);
  EXPECT_EQ(before.value("pardner_published_accounts"), 3.0);  // the fixture's three
  EXPECT_EQ(before.value("pardner_wal_clears_total"), 0.0);
  EXPECT_FALSE(before.value("pardner_connections_open"));  // no sockets here

  std::string body = R"({"debit_account":)" + std::to_string(savings1_) + R"(,"credit_account":)" +
                     std::to_string(cash_) + R"(,"amount":25})";
  EXPECT_EQ(post("/v1/transactions", body, admin_token, "metrics-1").status, 201);
  auto after = scrape();
  EXPECT_EQ(after.value("pardner_log_size"), 8.0);
  EXPECT_EQ(after.value("pardner_writer_commands_total"), 8.0);
  EXPECT_EQ(after.value("pardner_writer_commit_seconds_count"), 8.0);
  EXPECT_EQ(after.value(requests("POST", "/v1/transactions", 201)), 1.0);
}

TEST_F(MetricsEndpoint, WithoutAWriterReportsItUnhealthy) {
  writer_->stop();
  services_.writer = nullptr;
  auto read = scrape();
  EXPECT_EQ(read.value("pardner_writer_healthy"), 0.0);
  EXPECT_FALSE(read.value("pardner_writer_batches_total"));
  EXPECT_EQ(read.value("pardner_log_size"), 7.0);
}

}  // namespace
}  // namespace pardner::api::testing
