// The request-target (RFC 9112 §3.2, origin-form only): splits it into a percent-decoded path
// and query parameters, within target_bytes_max, path_segments_max and query_params_max.
// Never interprets a parameter's value: handlers parse the ones they take.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "api/problem.h"
#include "crypto/result.h"

namespace pardner::api {

// Fills request.path and request.query from request.target. Refuses (as a problem) a target
// over target_bytes_max (target_too_long), one not starting with "/", holding a fragment, a
// control character, a bad or NUL percent escape, an encoded "/" in the path, or invalid UTF-8
// after decoding (malformed_request), more than path_segments_max segments or query_params_max
// parameters, an empty or repeated parameter name (invalid_argument). "+" in the query is a
// space (application/x-www-form-urlencoded).
pardner::Result<Ok, Problem> parse_target(Request& request);

// A request with `method` and `target` already parsed, for tests and internal callers.
// Asserts the target parses.
Request make_request(std::string_view method, std::string_view target);

}  // namespace pardner::api
