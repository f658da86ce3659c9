// Request-target parsing. Strict: a target we cannot read one way only is refused, so the
// router never guesses which resource was meant.
#include "api/target.h"

#include <optional>
#include <string>

#include "api/limits.h"
#include "crypto/utf8.h"

namespace pardner::api {
namespace {

std::optional<int> hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// RFC 3986 §2.1 percent-decoding. nullopt for a truncated or non-hex escape, an escaped NUL,
// an escaped "/" when `in_path` (it would make two paths of one), or invalid UTF-8.
std::optional<std::string> percent_decode(std::string_view text, bool in_path, bool plus_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_space) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;  // needs two hex digits after '%'
    auto high = hex_digit(text[i + 1]);
    auto low = hex_digit(text[i + 2]);
    if (!high || !low) return std::nullopt;
    char decoded = static_cast<char>((*high << 4) | *low);
    if (decoded == '\0') return std::nullopt;
    if (in_path && decoded == '/') return std::nullopt;
    out.push_back(decoded);
    i += 2;
  }
  if (!crypto::is_valid_utf8(out)) return std::nullopt;
  return out;
}

bool has_control(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

Problem malformed(std::string detail) {
  return make_problem(ApiErrc::malformed_request, std::move(detail));
}

}  // namespace

pardner::Result<Ok, Problem> parse_target(Request& request) {
  std::string_view target = request.target;
  if (target.size() > target_bytes_max) {
    return make_problem(ApiErrc::target_too_long, "the request-target is longer than " +
                                                      std::to_string(target_bytes_max) + " bytes");
  }
  if (target.empty() || target.front() != '/') {
    return malformed("the request-target must be a path starting with /");
  }
  if (target.find('#') != std::string_view::npos) {
    return malformed("the request-target must not hold a fragment");
  }
  if (has_control(target) || target.find(' ') != std::string_view::npos) {
    return malformed("the request-target holds a control character or a space");
  }
  std::size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  auto path = percent_decode(raw_path, /*in_path=*/true, /*plus_space=*/false);
  if (!path || has_control(*path)) return malformed("the path has a bad percent escape");
  std::size_t segments = 0;
  for (char c : *path) segments += (c == '/') ? 1 : 0;
  if (segments > path_segments_max) {
    return make_problem(
        ApiErrc::invalid_argument,
        "the path has more than " + std::to_string(path_segments_max) + " segments");
  }

  QueryParams query;
  if (question != std::string_view::npos) {
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
      std::size_t amp = rest.find('&');
      std::string_view piece = rest.substr(0, amp);
      rest = (amp == std::string_view::npos) ? std::string_view{} : rest.substr(amp + 1);
      if (piece.empty()) continue;  // "a=1&&b=2": an empty piece carries nothing
      if (query.size() == query_params_max) {
        return make_problem(ApiErrc::invalid_argument,
                            "more than " + std::to_string(query_params_max) + " query parameters");
      }
      std::size_t equals = piece.find('=');
      auto name = percent_decode(piece.substr(0, equals), false, true);
      auto value = percent_decode(
          equals == std::string_view::npos ? std::string_view{} : piece.substr(equals + 1), false,
          true);
      if (!name || !value) return malformed("a query parameter has a bad percent escape");
      if (name->empty()) {
        return make_problem(ApiErrc::invalid_argument, "a query parameter has no name");
      }
      for (const auto& [existing, unused] : query) {
        if (existing == *name) {
          return make_problem(ApiErrc::invalid_argument,
                              "query parameter '" + *name + "' is given twice");
        }
      }
      query.emplace_back(std::move(*name), std::move(*value));
    }
  }
  request.path = std::move(*path);
  request.query = std::move(query);
  return Ok{};
}

Request make_request(std::string_view method, std::string_view target) {
  Request request;
  request.method = std::string(method);
  request.target = std::string(target);
  auto parsed = parse_target(request);
  PARDNER_ASSERT(parsed.has_value());
  return request;
}

}  // namespace pardner::api
