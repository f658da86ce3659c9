// The single table from error codes to HTTP statuses and titles, and the problem+json encoding.
// A new ledger::Errc turns the build red here (-Wswitch under -Werror) until it is mapped.
#include "api/problem.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/invariant.h"

namespace pardner::api {
namespace {

struct Mapping {
  int status;
  std::string_view title;
};

// THE table for ledger refusals. No default: -Wswitch lists any code left out.
Mapping mapping(ledger::Errc code) {
  using ledger::Errc;
  switch (code) {
    case Errc::invalid_argument:
      return {400, "The request is malformed or out of bounds"};
    case Errc::not_found:
      return {404, "No such resource"};
    // Well-formed commands the ledger refuses by its rules.
    case Errc::unbalanced:
      return {422, "The postings do not balance"};
    case Errc::insufficient_funds:
      return {422, "An account would fall below its floor"};
    case Errc::account_closed:
      return {422, "The account is closed"};
    case Errc::account_not_empty:
      return {422, "The account still holds money"};
    case Errc::already_reversed:
      return {422, "The transaction was already reversed"};
    case Errc::not_pending:
      return {422, "The transaction is not pending"};
    case Errc::not_posted:
      return {422, "The transaction is not posted"};
    case Errc::overflow:
      return {422, "A balance would overflow"};
    case Errc::idempotency_conflict:
      return {409, "The idempotency key was used with different content"};
    case Errc::already_exists:
      return {409, "It already exists"};
    case Errc::storage_failed:
      return {503, "The ledger cannot store changes"};
    case Errc::unavailable:
      return {503, "The ledger is busy or stopping"};
    case Errc::schema_too_new:
      return {500, "The database is from a newer Pardner"};
    // RFC 4918 §11.4 Failed Dependency: this item was fine, another of its atomic batch was not.
    case Errc::batch_rolled_back:
      return {424, "Not applied: another transaction of the atomic batch was refused"};
    // Loan funds: who may decide, and the lifecycle a loan must be in.
    case Errc::not_permitted:
      return {403, "The acting token may not do this"};
    case Errc::self_approval:
      return {403, "An admin cannot decide on a loan to themself"};
    case Errc::duplicate_approval:
      return {409, "This admin already approved the loan"};
    case Errc::loan_status:
      return {409, "The loan is not in a state that allows this"};
    case Errc::approvals_mismatch:
      return {409, "The approvals named are not those that made the quorum"};
    case Errc::loan_closed:
      return {422, "The loan is closed"};
    // Funding rounds: the state of the round or of the member's ballot, not who asks.
    case Errc::already_voted:
      return {409, "The member already has a ballot in this round"};
    case Errc::voting_not_open:
      return {409, "The round is not taking votes now"};
    case Errc::voting_open:
      return {409, "The round's voting window has not ended"};
    case Errc::round_closed:
      return {409, "The round is closed"};
  }
  return {500, "Unknown error"};  // unreachable: every enumerator returns above
}

Mapping mapping(ApiErrc code) {
  switch (code) {
    case ApiErrc::malformed_request:
      return {400, "The request is not valid HTTP/1.1"};
    case ApiErrc::malformed_json:
      return {400, "The body is not valid JSON for this route"};
    case ApiErrc::invalid_argument:
      return {400, "The request is malformed or out of bounds"};
    case ApiErrc::unauthorized:
      return {401, "A valid bearer token is required"};
    case ApiErrc::forbidden:
      return {403, "This role may not use this endpoint"};
    case ApiErrc::not_found:
      return {404, "No such resource"};
    case ApiErrc::method_not_allowed:
      return {405, "The method is not allowed here"};
    case ApiErrc::body_too_large:
      return {413, "The body is too large"};
    case ApiErrc::header_too_large:
      return {431, "The request headers are too large"};
    case ApiErrc::target_too_long:
      return {414, "The request-target is too long"};
    case ApiErrc::unsupported_media_type:
      return {415, "The body must be application/json"};
    case ApiErrc::too_many_connections:
      return {503, "Too many connections"};
    case ApiErrc::internal_error:
      return {500, "Internal error"};
    case ApiErrc::shutting_down:
      return {503, "The server is shutting down"};
  }
  return {500, "Unknown error"};  // unreachable
}

// Worth retrying soon: a full writer queue, a full server, a restart.
bool retry_may_help(ledger::Errc code) { return code == ledger::Errc::unavailable; }
bool retry_may_help(ApiErrc code) {
  return code == ApiErrc::too_many_connections || code == ApiErrc::shutting_down;
}

template <class Code>
Problem build(Code code, std::string detail) {
  Mapping m = mapping(code);
  Problem problem{
      m.status, std::string(wire_name(code)), std::string(m.title), std::move(detail), {}};
  if (retry_may_help(code)) problem.headers.emplace_back("Retry-After", "1");
  return problem;
}

}  // namespace

std::string_view wire_name(ApiErrc code) {
  switch (code) {
    case ApiErrc::malformed_request:
      return "malformed_request";
    case ApiErrc::malformed_json:
      return "malformed_json";
    case ApiErrc::invalid_argument:
      return "invalid_argument";
    case ApiErrc::unauthorized:
      return "unauthorized";
    case ApiErrc::forbidden:
      return "forbidden";
    case ApiErrc::not_found:
      return "not_found";
    case ApiErrc::method_not_allowed:
      return "method_not_allowed";
    case ApiErrc::body_too_large:
      return "body_too_large";
    case ApiErrc::header_too_large:
      return "header_too_large";
    case ApiErrc::target_too_long:
      return "target_too_long";
    case ApiErrc::unsupported_media_type:
      return "unsupported_media_type";
    case ApiErrc::too_many_connections:
      return "too_many_connections";
    case ApiErrc::internal_error:
      return "internal_error";
    case ApiErrc::shutting_down:
      return "shutting_down";
  }
  return "unknown";
}

int http_status(ledger::Errc code) { return mapping(code).status; }
int http_status(ApiErrc code) { return mapping(code).status; }

Problem problem_from(const ledger::Error& error) { return build(error.code, error.detail); }

Problem make_problem(ApiErrc code, std::string detail) { return build(code, std::move(detail)); }

std::string problem_type_uri(std::string_view code) {
  return "tag:pardner.local,2026:problem:" + std::string(code);
}

boost::json::object to_json(const Problem& problem) {
  boost::json::object body;
  body["type"] = problem_type_uri(problem.code);
  body["title"] = problem.title;
  body["status"] = problem.status;
  body["detail"] = problem.detail;
  body["code"] = problem.code;
  for (const auto& member : problem.extensions) {
    PARDNER_ASSERT(!body.contains(member.key()));
    body[member.key()] = member.value();
  }
  return body;
}

Response to_response(const Problem& problem) {
  return Response{problem.status, std::string(problem_type),
                  boost::json::serialize(to_json(problem)), problem.headers};
}

}  // namespace pardner::api
