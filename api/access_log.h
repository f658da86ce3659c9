// Structured access logging: one JSON line per response on stderr with the method, the route
// pattern (never the raw target, which may carry ids), the status, the duration and a request
// id. Never logs a token, a header value or a body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pardner::api {

struct AccessRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // the matched pattern, or "-" when none matched
  int status = 0;
  std::int64_t duration_us = 0;
  std::string_view role;  // "admin", "member", "auditor", or "" when not authenticated
  std::string_view remote;
};

// {"ts":"...","request_id":"...","method":"GET","route":"/v1/log/key","status":200,
//  "role":"auditor","remote":"127.0.0.1:50312","duration_ms":0.123} without a newline.
std::string access_log_line(const AccessRecord& record);

// A fresh id: a random per-process prefix and a counter, 24 hex digits. Thread-safe.
std::string new_request_id();

}  // namespace pardner::api
