// Paging parameters of the list endpoints: ?limit= within the list's bound, and opaque cursors,
// unpadded base64url (RFC 4648 §5) of the keys where a page ended as decimals joined by '.'.
// Clients only hand cursors back, so the format may change; anything this server could not have
// handed out is a 400 invalid_argument, never a guess.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/handlers/decode.h"

namespace pardner::api::handlers {

// The cursor for `keys` (each >= 0).
std::string encode_cursor(std::initializer_list<std::int64_t> keys);

// The `count` keys of `cursor`: invalid_argument for an empty cursor, one longer than
// `chars_max`, not unpadded base64url, or not `count` decimals >= 0 joined by '.'.
Decoded<std::vector<std::int64_t>> decode_cursor(std::string_view cursor, std::size_t count,
                                                 std::size_t chars_max);

// Query parameter "cursor" of a list paged by one key: nullopt when absent.
Decoded<std::optional<std::int64_t>> query_cursor(const Request& request, std::size_t chars_max);

// Query parameter "limit" in 1..page_max, `fallback` when absent.
Decoded<std::size_t> query_page_limit(const Request& request, std::size_t page_max,
                                      std::size_t fallback);

}  // namespace pardner::api::handlers
