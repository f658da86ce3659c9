// Plain HTTP request and response values: what api/session.cc hands the router and gets back.
// No Beast type appears here, so routing, auth and handlers are tested without sockets. Holds
// only the headers the API reads; everything else the client sent is dropped at the session.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pardner::api {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;         // "GET", "POST", ... as sent (HTTP methods are case-sensitive)
  std::string target;         // the raw request-target, "/v1/log/entries?start=0&limit=10"
  std::string path;           // the target's path, percent-decoded (filled by parse_target)
  QueryParams query;          // decoded name/value pairs in the order sent (filled by parse_target)
  std::string authorization;  // the Authorization header, verbatim ("" when absent)
  std::string content_type;   // the Content-Type header ("" when absent)
  std::string idempotency_key;  // the Idempotency-Key header ("" when absent)
  std::string body;
  std::string remote;  // "address:port" of the peer, for the access log only

  // The value of query parameter `name`, if sent (parse_target refuses duplicates).
  std::optional<std::string_view> query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return value;
    }
    return std::nullopt;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Retry-After, Allow, ...
};

inline constexpr std::string_view json_type = "application/json";
inline constexpr std::string_view problem_type = "application/problem+json";
inline constexpr std::string_view text_type = "text/plain; charset=utf-8";

}  // namespace pardner::api
