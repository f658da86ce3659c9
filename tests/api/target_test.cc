// Request-target parsing, each limit at the limit and one past it.
#include "api/target.h"

#include <gtest/gtest.h>

#include "api/limits.h"

namespace pardner::api {
namespace {

pardner::Result<Ok, Problem> parse(std::string target, Request* out = nullptr) {
  Request request;
  request.target = std::move(target);
  auto parsed = parse_target(request);
  if (out != nullptr) *out = request;
  return parsed;
}

std::string code_of(const pardner::Result<Ok, Problem>& parsed) {
  return parsed ? "ok" : parsed.error().code;
}

TEST(Target, SplitsPathAndQuery) {
  Request request;
  ASSERT_TRUE(parse("/v1/log/entries?start=5&limit=10", &request));
  EXPECT_EQ(request.path, "/v1/log/entries");
  ASSERT_EQ(request.query.size(), 2u);
  EXPECT_EQ(request.query_param("start"), "5");
  EXPECT_EQ(request.query_param("limit"), "10");
  EXPECT_EQ(request.query_param("other"), std::nullopt);
}

TEST(Target, DecodesPercentAndPlus) {
  Request request;
  ASSERT_TRUE(parse("/a%20b?memo=March+rent%21&flag", &request));
  EXPECT_EQ(request.path, "/a b");
  EXPECT_EQ(request.query_param("memo"), "March rent!");
  EXPECT_EQ(request.query_param("flag"), "");
}

TEST(Target, SkipsEmptyQueryPieces) {
  Request request;
  ASSERT_TRUE(parse("/x?&a=1&&b=2&", &request));
  EXPECT_EQ(request.query.size(), 2u);
}

TEST(Target, RefusesMalformedTargets) {
  for (std::string target :
       {"", "x", "http://host/x", "/a#frag", "/a%2Fb", "/a%2fb", "/a%00", "/a%4", "/a%zz", "/a?b=%",
        "/a?b=%ff", "/a b", "/a\tb", "/\xff", "/a?%C0%AF=1"}) {
    EXPECT_EQ(code_of(parse(target)), "malformed_request") << target;
  }
}

TEST(Target, RefusesRepeatedAndNamelessParameters) {
  EXPECT_EQ(code_of(parse("/a?x=1&x=2")), "invalid_argument");
  EXPECT_EQ(code_of(parse("/a?=1")), "invalid_argument");
}

TEST(Target, TargetBytesMaxAtTheLimitAndOnePast) {
  std::string at = "/" + std::string(target_bytes_max - 1, 'a');
  EXPECT_EQ(code_of(parse(at)), "ok");
  EXPECT_EQ(code_of(parse(at + "a")), "target_too_long");
}

TEST(Target, QueryParamsMaxAtTheLimitAndOnePast) {
  std::string at = "/a?";
  for (std::size_t i = 0; i < query_params_max; ++i) at += "p" + std::to_string(i) + "=1&";
  EXPECT_EQ(code_of(parse(at)), "ok");
  EXPECT_EQ(code_of(parse(at + "one_more=1")), "invalid_argument");
}

TEST(Target, PathSegmentsMaxAtTheLimitAndOnePast) {
  std::string at;
  for (std::size_t i = 0; i < path_segments_max; ++i) at += "/s";
  EXPECT_EQ(code_of(parse(at)), "ok");
  EXPECT_EQ(code_of(parse(at + "/s")), "invalid_argument");
}

}  // namespace
}  // namespace pardner::api
