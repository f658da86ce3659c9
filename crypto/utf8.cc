// Strict UTF-8 decoding (RFC 3629 §4's table of well-formed byte sequences). Never accepts what
// a lenient decoder would repair: the same code point has exactly one accepted byte form.
#include "crypto/utf8.h"

#include <cstdint>

namespace pardner::crypto {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xc0) == 0x80; }

// Calls on_code_point for each code point; false at the first byte that breaks strict UTF-8.
template <class OnCodePoint>
bool walk_utf8(std::string_view text, OnCodePoint&& on_code_point) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t code_point = 0;
    char32_t smallest = 0;  // below this the sequence is overlong
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xe0) == 0xc0) {
      length = 2;
      code_point = lead & 0x1fu;
      smallest = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3;
      code_point = lead & 0x0fu;
      smallest = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4;
      code_point = lead & 0x07u;
      smallest = 0x10000;
    } else {
      return false;  // a continuation byte or 0xf8..0xff where a sequence must start
    }
    if (text.size() - i < length) return false;
    for (std::size_t j = 1; j < length; ++j) {
      const auto byte = static_cast<unsigned char>(text[i + j]);
      if (!is_continuation(byte)) return false;
      code_point = (code_point << 6) | (byte & 0x3fu);
    }
    if (code_point < smallest) return false;
    if (code_point >= 0xd800 && code_point <= 0xdfff) return false;
    if (code_point > 0x10ffff) return false;
    on_code_point(code_point);
    i += length;
  }
  return true;
}

}  // namespace

std::optional<std::vector<char32_t>> decode_utf8(std::string_view text) {
  std::vector<char32_t> code_points;
  if (!walk_utf8(text, [&](char32_t code_point) { code_points.push_back(code_point); })) {
    return std::nullopt;
  }
  return code_points;
}

bool is_valid_utf8(std::string_view text) {
  return walk_utf8(text, [](char32_t) {});
}

std::string_view utf8_prefix(std::string_view text, std::size_t bytes_max) {
  if (text.size() <= bytes_max) return text;
  std::size_t end = bytes_max;
  // Back off over continuation bytes (10xxxxxx): the cut then falls before a lead byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

bool is_unicode_space(char32_t code_point) {
  switch (code_point) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x0085:
    case 0x00a0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000: return true;
    default: return code_point >= 0x2000 && code_point <= 0x200a;
  }
}

bool is_control(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f);
}

}  // namespace pardner::crypto
