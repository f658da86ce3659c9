// Cursors carry only keys the caller has already been shown (the last id or seq of a page), so
// decoding one reveals nothing and a forged one can only start a page elsewhere: every list
// still applies the caller's scope to what it reads after the key.
#include "api/handlers/paging.h"

#include <limits>

#include "api/params.h"
#include "crypto/base64.h"

namespace pardner::api::handlers {

std::string encode_cursor(std::initializer_list<std::int64_t> keys) {
  std::string text;
  for (std::int64_t key : keys) {
    PARDNER_ASSERT(key >= 0);
    text += (text.empty() ? "" : ".") + std::to_string(key);
  }
  std::string out =
      crypto::base64_encode({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

Decoded<std::vector<std::int64_t>> decode_cursor(std::string_view cursor, std::size_t count,
                                                 std::size_t chars_max) {
  PARDNER_ASSERT(count >= 1);
  Problem bad = invalid("query parameter 'cursor' is not a cursor this server gave");
  if (cursor.empty() || cursor.size() > chars_max) return bad;
  std::string text(cursor);
  for (char& c : text) {
    if (c == '+' || c == '/' || c == '=') return bad;  // base64url only, unpadded
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (text.size() % 4 != 0) text += '=';
  auto bytes = crypto::base64_decode(text);
  if (!bytes) return bad;
  std::string_view plain(reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size());
  std::vector<std::int64_t> keys;
  while (keys.size() < count) {
    std::size_t dot = plain.find('.');
    bool last = keys.size() + 1 == count;
    if (last != (dot == std::string_view::npos)) return bad;  // too few or too many keys
    auto key = parse_decimal(plain.substr(0, dot), 0, std::numeric_limits<std::int64_t>::max());
    if (!key) return bad;
    keys.push_back(*key);
    if (!last) plain.remove_prefix(dot + 1);
  }
  return keys;
}

Decoded<std::optional<std::int64_t>> query_cursor(const Request& request, std::size_t chars_max) {
  auto cursor = request.query_param("cursor");
  if (!cursor) return std::optional<std::int64_t>{};
  auto keys = decode_cursor(*cursor, 1, chars_max);
  if (!keys) return keys.error();
  return std::optional<std::int64_t>(keys.value().front());
}

Decoded<std::size_t> query_page_limit(const Request& request, std::size_t page_max,
                                      std::size_t fallback) {
  PARDNER_ASSERT(fallback >= 1 && fallback <= page_max);
  auto limit = query_integer(request, "limit", 1, static_cast<std::int64_t>(page_max),
                             static_cast<std::int64_t>(fallback));
  if (!limit) return limit.error();
  return static_cast<std::size_t>(*limit.value());
}

}  // namespace pardner::api::handlers
