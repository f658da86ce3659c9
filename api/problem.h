// RFC 9457 problem details (application/problem+json) and THE table from an error code to an
// HTTP status: ledger refusals through ledger::Errc, HTTP-level failures through ApiErrc. Both
// are switches without a default, so a new code cannot ship unmapped. Decides no refusal itself.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.h"
#include "ledger/error.h"

namespace pardner::api {

// Failures the HTTP layer finds before (or instead of) asking the ledger. Each name goes out
// verbatim as the problem's "code", so a name is never changed or reused; new ones go at the end.
enum class ApiErrc : std::uint8_t {
  malformed_request,       // not HTTP/1.1 we can parse, or a bad request-target
  malformed_json,          // a body that is not the JSON the route takes
  invalid_argument,        // a query or path parameter out of its range (same name as ledger's)
  unauthorized,            // no bearer token, or one we do not know
  forbidden,               // a known token whose role may not use this route
  not_found,               // no route has this path (same name as ledger's)
  method_not_allowed,      // a route has this path, not this method
  body_too_large,          // the body passes the route's limit
  header_too_large,        // the request line and headers pass header_bytes_max
  target_too_long,         // the request-target passes target_bytes_max
  unsupported_media_type,  // a body that is not application/json
  too_many_connections,    // the server is at connections_max
  internal_error,          // a bug: an exception reached the request wrapper
  shutting_down,           // the server is stopping and takes no new work
};

std::string_view wire_name(ApiErrc code);

struct Problem {
  int status = 500;
  std::string code;    // the stable machine-readable code
  std::string title;   // fixed per code (RFC 9457 §3.1.3)
  std::string detail;  // for people, about this occurrence; never parsed
  std::vector<std::pair<std::string, std::string>> headers;  // Retry-After, Allow, ...
  // RFC 9457 §3.2 extension members ("index", "results" of a transaction batch); never one of
  // the five standard names.
  boost::json::object extensions;
};

// The HTTP status of a ledger refusal: 400 malformed, 404 absent, 409 conflicts, 422 a
// well-formed command the ledger refuses, 503 (with Retry-After when retrying may help) for a
// writer that cannot take it, 500 for a database this build cannot read.
int http_status(ledger::Errc code);
int http_status(ApiErrc code);

Problem problem_from(const ledger::Error& error);
Problem make_problem(ApiErrc code, std::string detail);

// {"type","title","status","detail","code"} and the extensions, as a JSON object.
boost::json::object to_json(const Problem& problem);
// to_json's object with Content-Type application/problem+json.
Response to_response(const Problem& problem);

// The problem type URI for `code` (RFC 9457 §3.1.1): a tag URI (RFC 4151), an identifier
// that names the code and is not meant to be fetched; docs/api.md lists the codes.
std::string problem_type_uri(std::string_view code);

}  // namespace pardner::api
