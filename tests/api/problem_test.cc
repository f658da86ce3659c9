// The one table from codes to HTTP statuses, and the problem+json body.
#include "api/problem.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace pardner::api {
namespace {

TEST(Problem, MapsEveryLedgerCodeToItsStatus) {
  using ledger::Errc;
  struct Row {
    Errc code;
    int status;
  };
  // Every code, in enum order; a new code must be added here and in api/problem.cc.
  const Row rows[] = {
      {Errc::invalid_argument, 400},  {Errc::not_found, 404},
      {Errc::unbalanced, 422},        {Errc::insufficient_funds, 422},
      {Errc::account_closed, 422},    {Errc::idempotency_conflict, 409},
      {Errc::overflow, 422},          {Errc::storage_failed, 503},
      {Errc::account_not_empty, 422}, {Errc::already_reversed, 422},
      {Errc::not_pending, 422},       {Errc::already_exists, 409},
      {Errc::schema_too_new, 500},    {Errc::unavailable, 503},
      {Errc::not_posted, 422},        {Errc::batch_rolled_back, 424},
      {Errc::not_permitted, 403},     {Errc::self_approval, 403},
      {Errc::duplicate_approval, 409}, {Errc::loan_status, 409},
      {Errc::approvals_mismatch, 409}, {Errc::loan_closed, 422},
      {Errc::already_voted, 409},      {Errc::voting_not_open, 409},
      {Errc::voting_open, 409},        {Errc::round_closed, 409},
  };
  std::size_t count = 0;
  for (const Row& row : rows) {
    EXPECT_EQ(static_cast<std::size_t>(row.code), count++) << "rows must follow enum order";
    EXPECT_EQ(http_status(row.code), row.status) << ledger::wire_name(row.code);
  }
  // The table covers every code up to the last; wire_name would say "unknown" past it.
  ledger::Errc parsed;
  EXPECT_FALSE(ledger::errc_from_wire_name("unknown", parsed));
  EXPECT_EQ(count, static_cast<std::size_t>(Errc::round_closed) + 1);
  EXPECT_TRUE(ledger::errc_from_wire_name("round_closed", parsed));
  EXPECT_EQ(parsed, Errc::round_closed);
}

TEST(Problem, MapsEveryApiCodeToItsStatus) {
  struct Row {
    ApiErrc code;
    int status;
  };
  const Row rows[] = {
      {ApiErrc::malformed_request, 400},
      {ApiErrc::malformed_json, 400},
      {ApiErrc::invalid_argument, 400},
      {ApiErrc::unauthorized, 401},
      {ApiErrc::forbidden, 403},
      {ApiErrc::not_found, 404},
      {ApiErrc::method_not_allowed, 405},
      {ApiErrc::body_too_large, 413},
      {ApiErrc::header_too_large, 431},
      {ApiErrc::target_too_long, 414},
      {ApiErrc::unsupported_media_type, 415},
      {ApiErrc::too_many_connections, 503},
      {ApiErrc::internal_error, 500},
      {ApiErrc::shutting_down, 503},
  };
  std::size_t count = 0;
  for (const Row& row : rows) {
    EXPECT_EQ(static_cast<std::size_t>(row.code), count++) << "rows must follow enum order";
    EXPECT_EQ(http_status(row.code), row.status) << wire_name(row.code);
    EXPECT_NE(wire_name(row.code), "unknown");
  }
}

TEST(Problem, EncodesRfc9457MembersAndTheCode) {
  auto response = to_response(problem_from({ledger::Errc::insufficient_funds, "floor is 0"}));
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.content_type, "application/problem+json");
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("type").as_string(), "tag:pardner.local,2026:problem:insufficient_funds");
  EXPECT_EQ(body.at("title").as_string(), "An account would fall below its floor");
  EXPECT_EQ(body.at("status").as_int64(), 422);
  EXPECT_EQ(body.at("detail").as_string(), "floor is 0");
  EXPECT_EQ(body.at("code").as_string(), "insufficient_funds");
  EXPECT_EQ(body.size(), 5u);
}

TEST(Problem, EncodesExtensionMembersBesideTheStandardOnes) {
  Problem problem = problem_from({ledger::Errc::unbalanced, "postings sum to 1"});
  problem.extensions["index"] = 3;
  auto body = boost::json::parse(to_response(problem).body).as_object();
  EXPECT_EQ(body.size(), 6u);
  EXPECT_EQ(body.at("index").as_int64(), 3);
  EXPECT_EQ(body.at("code").as_string(), "unbalanced");
}

TEST(Problem, RetryAfterOnlyWhereRetryingMayHelp) {
  auto busy = to_response(problem_from({ledger::Errc::unavailable, "queue full"}));
  ASSERT_EQ(busy.headers.size(), 1u);
  EXPECT_EQ(busy.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
  EXPECT_EQ(make_problem(ApiErrc::too_many_connections, "").headers.size(), 1u);
  EXPECT_EQ(make_problem(ApiErrc::shutting_down, "").headers.size(), 1u);
  // A writer stopped after a failed commit stays stopped: no Retry-After.
  EXPECT_TRUE(problem_from({ledger::Errc::storage_failed, "disk"}).headers.empty());
}

TEST(Problem, EscapesDetailAsJson) {
  auto response = to_response(make_problem(ApiErrc::invalid_argument, "a \"quoted\"\nline"));
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("detail").as_string(), "a \"quoted\"\nline");
}

}  // namespace
}  // namespace pardner::api
