// Query and path parameters: numbers in strict decimal (no sign, no leading zeros) within a
// stated range, text within a stated length, and only the parameters a route takes; anything
// else is a 400 invalid_argument problem naming the parameter. Handlers use these and never
// parse parameters themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "api/http_types.h"
#include "api/problem.h"
#include "crypto/result.h"

namespace pardner::api {

// The decimal integer in `text`, if it is one within [min, max].
std::optional<std::int64_t> parse_decimal(std::string_view text, std::int64_t min,
                                          std::int64_t max);

// Query parameter `name` as an integer in [min, max]: `fallback` when absent (nullopt when
// absent and no fallback), invalid_argument when present and not such an integer.
pardner::Result<std::optional<std::int64_t>, Problem> query_integer(
    const Request& request, std::string_view name, std::int64_t min, std::int64_t max,
    std::optional<std::int64_t> fallback = std::nullopt);

// As query_integer, but absence is invalid_argument too.
pardner::Result<std::int64_t, Problem> required_query_integer(const Request& request,
                                                              std::string_view name,
                                                              std::int64_t min, std::int64_t max);

// Query parameter `name` as text of 1..bytes_max bytes (nullopt when absent); empty or longer
// is invalid_argument. The view points into `request`.
pardner::Result<std::optional<std::string_view>, Problem> query_text(const Request& request,
                                                                     std::string_view name,
                                                                     std::size_t bytes_max);

}  // namespace pardner::api
