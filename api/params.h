// Query and path parameters as numbers: strict decimal, no sign, no leading zeros, within a
// stated range, else a 400 invalid_argument problem naming the parameter. Handlers use these
// and never parse numbers themselves.
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

}  // namespace pardner::api
