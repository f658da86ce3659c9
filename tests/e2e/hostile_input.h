// The fixture of the hostile-input tests (tests/e2e/hostile_input_test.cc, and one file per
// group of routes beside it): a refused request is sent on a connection of its own and its
// problem+json checked field by field; the checkpoint before and after shows nothing was written.
#pragma once

#include <boost/json/parse.hpp>
#include <string>

#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {

struct HostileCase {
  std::string name;
  std::string target;
  std::string content_type;  // empty: no Content-Type header
  std::string body;
  bool with_key = true;  // send an Idempotency-Key
  int status;
  std::string code;
};

inline std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

class HostileInput : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  std::string transfer(const std::string& amount_json, const std::string& extra = "") const {
    return R"({"debit_account":)" + std::to_string(savings1_) + R"(,"credit_account":)" +
           std::to_string(cash_) + R"(,"amount":)" + amount_json + extra + "}";
  }

  std::string request(const HostileCase& c, const std::string& token, int n) const {
    std::string out = "POST " + c.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    out += "Authorization: Bearer " + token + "\r\n";
    if (!c.content_type.empty()) out += "Content-Type: " + c.content_type + "\r\n";
    if (c.with_key) out += "Idempotency-Key: hostile-" + std::to_string(n) + "\r\n";
    out += "Content-Length: " + std::to_string(c.body.size()) + "\r\n\r\n";
    return out + c.body;
  }

  std::string checkpoint() {
    auto client = connect();
    auto response = client->get("/v1/log/checkpoint");
    EXPECT_EQ(response->status, 200);
    return response->body;
  }

  // Sends `c` on a connection of its own (some answers close it) and checks the problem.
  void expect_refused(const HostileCase& c, const std::string& token, int n) {
    SCOPED_TRACE(c.name);
    auto client = connect();
    ASSERT_TRUE(client->send(request(c, token, n)));
    auto response = client->read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, c.status) << response->body;
    EXPECT_EQ(response->header("content-type"), "application/problem+json");
    auto problem = boost::json::parse(response->body).as_object();
    EXPECT_EQ(problem.at("code").as_string(), c.code) << response->body;
    EXPECT_EQ(problem.at("status").as_int64(), c.status);
    EXPECT_FALSE(problem.at("title").as_string().empty());
    EXPECT_FALSE(problem.at("detail").as_string().empty());
    EXPECT_FALSE(problem.at("type").as_string().empty());
  }
};

}  // namespace pardner::e2e
