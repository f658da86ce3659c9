// Strict UTF-8 (RFC 3629) checks for the text formats: signed notes must be valid UTF-8 and key
// names must hold no Unicode spaces (c2sp.org/signed-note). Owns only decoding and character
// classes; never normalises, replaces or skips a byte.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace pardner::crypto {

// The code points of `text`, or nullopt when it is not strict UTF-8: overlong forms, surrogates
// (U+D800..U+DFFF), code points above U+10FFFF and truncated sequences are all refused.
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text);

bool is_valid_utf8(std::string_view text);

// The longest prefix of valid UTF-8 `text` that has at most `bytes_max` bytes and ends on a
// character boundary: for quoting a bounded piece of what a client sent (a field or parameter
// name) in an answer, which must stay valid UTF-8 to be JSON (RFC 8259 §8.1).
std::string_view utf8_prefix(std::string_view text, std::size_t bytes_max);

// Unicode White_Space (tab, line feed, vertical tab, form feed, carriage return, space, U+0085,
// U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000): what Go's
// unicode.IsSpace, used by the reference note implementation, calls a space.
bool is_unicode_space(char32_t code_point);

// C0 controls, DEL and C1 controls (U+0000..U+001F, U+007F..U+009F).
bool is_control(char32_t code_point);

}  // namespace pardner::crypto
