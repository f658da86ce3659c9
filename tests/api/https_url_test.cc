// The URLs `export --url` and `verify --url` take: https only, a host and a port, nothing that
// could smuggle a path, credentials or a second host past the check.
#include <gtest/gtest.h>

#include "api/https_client.h"

namespace pardner::api::testing {
namespace {

TEST(HttpsUrl, TakesAHostAndAPort) {
  auto parsed = parse_https_url("https://ledger.example.org:8443");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->host, "ledger.example.org");
  EXPECT_EQ(parsed->port, 8443);
  EXPECT_EQ(parse_https_url("https://127.0.0.1:1/")->port, 1);
  EXPECT_EQ(parse_https_url("https://127.0.0.1:65535")->port, 65535);
  EXPECT_EQ(parse_https_url("https://localhost")->port, 443);
  auto v6 = parse_https_url("https://[::1]:8443");
  ASSERT_TRUE(v6) << v6.error().detail;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
}

TEST(HttpsUrl, RefusesEverythingElse) {
  for (const char* url :
       {"http://127.0.0.1:8443", "127.0.0.1:8443", "https://", "https://:8443",
        "https://127.0.0.1:0", "https://127.0.0.1:65536", "https://127.0.0.1:", "https://h:+1",
        "https://h:1x", "https://127.0.0.1:8443/v1", "https://user:pw@127.0.0.1:8443",
        "https://[::1", "https://[nothost]:1", "https://[::1]x", "https://a b:1",
        "https://a\r\nX: y:1", "https://a_b:1"}) {
    EXPECT_FALSE(parse_https_url(url)) << url;
  }
}

TEST(HttpsClient, RefusesABadCaFileBeforeConnecting) {
  HttpsOptions options;
  options.endpoint = {"127.0.0.1", 9};
  options.ca_file = "/nonexistent/ca.pem";
  auto client = HttpsClient::connect(options);
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().detail.find("cannot load /nonexistent/ca.pem"), std::string::npos)
      << client.error().detail;
}

}  // namespace
}  // namespace pardner::api::testing
