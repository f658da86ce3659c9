// Strict parameters. "007", "+7", "7.0", "7e0" and " 7" are all refused: one number, one
// spelling, as for amounts in JSON. An empty text parameter is refused too, so that absent is
// the only way to say "no filter".
#include "api/params.h"

#include <string>

namespace pardner::api {

std::optional<std::int64_t> parse_decimal(std::string_view text, std::int64_t min,
                                          std::int64_t max) {
  PARDNER_ASSERT(min >= 0);
  PARDNER_ASSERT(min <= max);
  if (text.empty() || text.size() > 19) return std::nullopt;  // 19 digits fit in int64
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(value, 10, &value)) return std::nullopt;
    if (__builtin_add_overflow(value, c - '0', &value)) return std::nullopt;
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

pardner::Result<std::optional<std::int64_t>, Problem> query_integer(
    const Request& request, std::string_view name, std::int64_t min, std::int64_t max,
    std::optional<std::int64_t> fallback) {
  auto text = request.query_param(name);
  if (!text) return fallback;
  auto value = parse_decimal(*text, min, max);
  if (!value) {
    return make_problem(ApiErrc::invalid_argument,
                        "query parameter '" + std::string(name) + "' must be an integer in " +
                            std::to_string(min) + ".." + std::to_string(max));
  }
  return std::optional<std::int64_t>(*value);
}

pardner::Result<std::int64_t, Problem> required_query_integer(const Request& request,
                                                              std::string_view name,
                                                              std::int64_t min, std::int64_t max) {
  auto value = query_integer(request, name, min, max);
  if (!value) return value.error();
  if (!value.value()) {
    return make_problem(ApiErrc::invalid_argument,
                        "query parameter '" + std::string(name) + "' is required");
  }
  return *value.value();
}

pardner::Result<std::optional<std::string_view>, Problem> query_text(const Request& request,
                                                                     std::string_view name,
                                                                     std::size_t bytes_max) {
  PARDNER_ASSERT(bytes_max >= 1);
  auto text = request.query_param(name);
  if (!text) return std::optional<std::string_view>{};
  if (text->empty() || text->size() > bytes_max) {
    return make_problem(ApiErrc::invalid_argument, "query parameter '" + std::string(name) +
                                                       "' must be 1.." + std::to_string(bytes_max) +
                                                       " bytes");
  }
  return text;
}

}  // namespace pardner::api
