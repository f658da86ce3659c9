// Access-log lines: valid JSON whatever the client sent, exact durations, unique request ids.
#include "api/access_log.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <set>

namespace pardner::api {
namespace {

TEST(AccessLog, WritesOneJsonObjectWithExactMilliseconds) {
  std::string line = access_log_line(
      AccessRecord{"abc", "GET", "/v1/log/key", 200, 1234, "auditor", "127.0.0.1:4000"});
  auto object = boost::json::parse(line).as_object();
  EXPECT_NE(line.find(R"("duration_ms":1.234})"), std::string::npos) << line;
  EXPECT_EQ(object.at("request_id").as_string(), "abc");
  EXPECT_EQ(object.at("role").as_string(), "auditor");
  EXPECT_EQ(object.at("status").as_int64(), 200);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(access_log_line(AccessRecord{"a", "GET", "-", 404, 5, "", ""})
                .find(R"("duration_ms":0.005})"),
            std::string::npos);
  EXPECT_NE(access_log_line(AccessRecord{"a", "GET", "-", 200, 120'050, "", ""})
                .find(R"("duration_ms":120.050})"),
            std::string::npos);
  EXPECT_NE(access_log_line(AccessRecord{"a", "GET", "-", 200, -3, "", ""})
                .find(R"("duration_ms":0.000})"),
            std::string::npos);
}

TEST(AccessLog, EscapesWhatTheClientChose) {
  std::string line = access_log_line(AccessRecord{"a", "GE\"T\n", "-", 400, 0, "", "x"});
  auto object = boost::json::parse(line).as_object();
  EXPECT_EQ(object.at("method").as_string(), "GE\"T\n");
  EXPECT_FALSE(object.contains("role"));
}

TEST(AccessLog, RequestIdsAreUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(new_request_id());
  EXPECT_EQ(ids.size(), 1000u);
  // Eight hex digits of random prefix, then a sixteen-digit hex counter.
  const std::string id = new_request_id();
  EXPECT_EQ(id.size(), 24u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  const std::string next = new_request_id();
  EXPECT_EQ(next.substr(0, 8), id.substr(0, 8));
  EXPECT_EQ(std::stoull(next.substr(8), nullptr, 16), std::stoull(id.substr(8), nullptr, 16) + 1);
}

}  // namespace
}  // namespace pardner::api
