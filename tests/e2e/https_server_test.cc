// The real server over real TLS, as a client sees it: protocol versions, keep-alive and
// pipelining, the HTTP limits at the limit and one past, malformed requests, the connection
// cap, the idle deadline, and a clean exit on SIGTERM.
#include <boost/json/parse.hpp>
#include <set>

#include "api/limits.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

std::string problem_code(const HttpsResponse& response) {
  EXPECT_EQ(response.header("content-type"), "application/problem+json");
  auto body = boost::json::parse(response.body);
  return std::string(body.at("code").as_string());
}

// A request whose header section (request line, fields, blank line) is exactly `bytes` long.
std::string request_of_header_size(std::size_t bytes) {
  std::string start = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ";
  std::string end = "\r\n\r\n";
  return start + std::string(bytes - start.size() - end.size(), 'p') + end;
}

std::string post_of_body_size(const std::string& target, std::size_t bytes) {
  return "POST " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(bytes) + "\r\n\r\n" + std::string(bytes, 'b');
}

class HttpsServer : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }
};

TEST_F(HttpsServer, AcceptsTls12AndTls13) {
  HttpsOptions tls12;
  tls12.configure_for_test = [](SSL_CTX* ctx) {
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  };
  auto client12 = connect(tls12);
  ASSERT_NE(client12, nullptr);
  EXPECT_EQ(client12->protocol(), "TLSv1.2");
  EXPECT_EQ(client12->get("/healthz")->status, 200);
  auto client13 = connect();
  ASSERT_NE(client13, nullptr);
  EXPECT_EQ(client13->protocol(), "TLSv1.3");
  EXPECT_EQ(client13->get("/healthz")->status, 200);
}

TEST_F(HttpsServer, RefusesTls11) {
  // Our side allows 1.1 (security level 0), so the refusal must be the server's.
  HttpsOptions tls11 = options_for_server();
  tls11.configure_for_test = [](SSL_CTX* ctx) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
  };
  auto client = HttpsClient::connect(tls11);
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().detail.find("protocol version"), std::string::npos)
      << client.error().detail;
}

TEST_F(HttpsServer, KeepsTheConnectionAliveBetweenRequests) {
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto first = client->get("/healthz");
  auto second = client->get("/v1/log/key");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 200);
  EXPECT_NE(first->header("x-request-id"), second->header("x-request-id"));
  EXPECT_EQ(second->header("connection"), "");  // HTTP/1.1: keep-alive unless it says close
}

TEST_F(HttpsServer, AnswersPipelinedRequestsInOrderPastTheResponseQueue) {
  auto client = connect();
  ASSERT_NE(client, nullptr);
  std::string burst;
  const std::size_t count = api::response_queue_max + 2;
  for (std::size_t i = 0; i < count; ++i) {
    burst += client->get_request(i % 2 == 0 ? "/healthz" : "/nothing-" + std::to_string(i));
  }
  ASSERT_TRUE(client->send(burst));
  for (std::size_t i = 0; i < count; ++i) {
    auto response = client->read_response();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, i % 2 == 0 ? 200 : 404) << i;
  }
}

TEST_F(HttpsServer, AnswersWhatWasSentBeforeTheClientsCloseThenCloses) {
  // Regression: when the client's close_notify was read while answers were still owed, the
  // server wrote them and then dropped the connection without its own close_notify (the
  // session simply ended). Megabytes of answers the client does not read yet keep a write in
  // flight when the close arrives.
  auto client = connect();
  const std::size_t count = 2000;
  std::string burst;
  for (std::size_t i = 0; i < count; ++i) burst += client->get_request("/v1/openapi.json");
  ASSERT_TRUE(client->send(burst));
  client->send_close_notify();
  for (std::size_t i = 0; i < count; ++i) {
    auto response = client->read_response();
    ASSERT_TRUE(response) << i;
    ASSERT_EQ(response->status, 200);
  }
  EXPECT_EQ(client->wait_close(std::chrono::seconds(5)), HttpsClient::Closed::cleanly);
}

TEST_F(HttpsServer, UnknownPathIsA404Problem) {
  auto client = connect();
  auto response = client->get("/v1/nothing/here");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(problem_code(*response), "not_found");
  EXPECT_EQ(client->get("/healthz")->status, 200);  // the connection stays usable
}

TEST_F(HttpsServer, MalformedRequestIsA400ProblemAndCloses) {
  auto client = connect();
  ASSERT_TRUE(client->send("GARBAGE\r\n\r\n"));
  auto response = client->read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(problem_code(*response), "malformed_request");
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_EQ(client->wait_close(), HttpsClient::Closed::cleanly);
}

TEST_F(HttpsServer, UnroutedBodyBytesMaxAtTheLimitAndOnePast) {
  auto client = connect();
  // At the limit the body is read whole, then the path is answered for.
  ASSERT_TRUE(client->send(post_of_body_size("/v1/nowhere", api::unrouted_body_bytes_max)));
  auto at = client->read_response();
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 404);
  ASSERT_TRUE(client->send(post_of_body_size("/v1/nowhere", api::unrouted_body_bytes_max + 1)));
  auto past = client->read_response();
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 413);
  EXPECT_EQ(problem_code(*past), "body_too_large");
  EXPECT_EQ(client->wait_close(), HttpsClient::Closed::cleanly);
}

TEST_F(HttpsServer, ReadRoutesTakeNoBody) {
  auto client = connect();
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx";
  ASSERT_TRUE(client->send(request));
  auto response = client->read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  // Chunked bodies are held to the route's limit as they arrive.
  auto chunked = connect();
  ASSERT_TRUE(
      chunked->send("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "1\r\nx\r\n0\r\n\r\n"));
  auto refused = chunked->read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

TEST_F(HttpsServer, HeaderBytesMaxAtTheLimitAndOnePast) {
  auto client = connect();
  ASSERT_TRUE(client->send(request_of_header_size(api::header_bytes_max)));
  auto at = client->read_response();
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200);
  ASSERT_TRUE(client->send(request_of_header_size(api::header_bytes_max + 1)));
  auto past = client->read_response();
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 431);
  EXPECT_EQ(problem_code(*past), "header_too_large");
  // Far past it, the parser itself stops reading.
  auto again = connect();
  ASSERT_TRUE(again->send(request_of_header_size(3 * api::header_bytes_max)));
  auto far = again->read_response();
  ASSERT_TRUE(far);
  EXPECT_EQ(far->status, 431);
}

TEST_F(HttpsServer, TheAccessLogHasOneLinePerResponseAndNoSecrets) {
  auto client = connect();
  ASSERT_EQ(client->get("/v1/log/entries?start=0", admin_token_)->status, 200);
  ASSERT_EQ(client->get("/v1/log/entries", "pdn_wrong-secret-token")->status, 401);
  client.reset();
  stop_server();
  std::string log = read_file(stderr_file());
  EXPECT_EQ(log.find(admin_token_), std::string::npos);
  EXPECT_EQ(log.find("wrong-secret"), std::string::npos);
  EXPECT_EQ(log.find("start=0"), std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = log.find("{\"ts\":", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, 2u) << log;
  // Lines leave in batches (api/buffered_log.h); a stopping server writes them all first.
  EXPECT_LT(log.rfind("{\"ts\":"), log.find("pardner: stopped")) << log;
}

// Every thread of the server is named, so top -H, perf and /proc tell them apart (docs/api.md).
TEST_F(HttpsServer, NamesEachOfItsThreads) {
  ASSERT_EQ(connect()->get("/healthz")->status, 200);  // listening: every thread has started
  std::multiset<std::string> names;
  const auto tasks = std::filesystem::path("/proc") / std::to_string(server_->pid()) / "task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  for (const char* one : {"pardner-io-0", "pardner-io-1", "pardner-writer", "pardner-walckpt",
                          "pardner-sched", "pardner-log"}) {
    EXPECT_EQ(names.count(one), 1U) << one;
  }
  EXPECT_GE(names.count("pardner-signer"), 1U);
}

TEST_F(HttpsServer, SigtermShutsDownCleanlyWithAnIdleConnectionOpen) {
  auto client = connect();
  ASSERT_EQ(client->get("/healthz")->status, 200);
  stop_server();
  EXPECT_EQ(client->wait_close(), HttpsClient::Closed::cleanly);
  EXPECT_NE(read_file(stderr_file()).find("pardner: stopped"), std::string::npos);
}

class LimitedServer : public ServerTest {};

TEST_F(LimitedServer, RefusesConnectionsPastTheCapWith503) {
  start_server({"--max-connections", "2"});
  auto first = connect();
  auto second = connect();
  ASSERT_EQ(first->get("/healthz")->status, 200);
  ASSERT_EQ(second->get("/healthz")->status, 200);
  auto third = connect();
  ASSERT_NE(third, nullptr);
  auto refused = third->get("/healthz");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(problem_code(*refused), "too_many_connections");
  EXPECT_EQ(refused->header("retry-after"), "1");
  EXPECT_TRUE(third->closed_by_server());
  // Once one leaves, a new connection is served (the server notices the close a moment later).
  first.reset();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    auto next = connect();
    if (!next) continue;
    auto response = next->get("/healthz");
    status = response ? response->status : 0;
  }
  EXPECT_EQ(status, 200);
}

TEST_F(LimitedServer, ClosesIdleConnectionsAfterTheIdleTimeout) {
  start_server({"--idle-timeout-ms", "300"});
  auto client = connect();
  ASSERT_EQ(client->get("/healthz")->status, 200);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client->closed_by_server(std::chrono::seconds(10)));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250));
}

TEST_F(LimitedServer, RefusesToStartWithAKeyOthersCanRead) {
  ::chmod((data_dir() + "/tls.key").c_str(), 0644);
  std::string error;
  auto server = ServerProcess::start(PARDNER_BINARY, data_dir(), {}, stderr_file(), error);
  EXPECT_EQ(server, nullptr);
  EXPECT_NE(error.find("key_file_insecure"), std::string::npos) << error;
}

}  // namespace
}  // namespace pardner::e2e
