// Base64 (RFC 4648 §4) and hex, written out rather than taken from OpenSSL's EVP_DecodeBlock,
// which skips whitespace and accepts non-canonical trailing bits. Never allocates more than the
// output needs and never reads past its input.
#include "crypto/base64.h"

#include <array>
#include <optional>

namespace pardner::crypto {
namespace {

constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view hex_digits = "0123456789abcdef";
constexpr std::uint8_t not_a_symbol = 0xff;

constexpr std::array<std::uint8_t, 256> make_base64_values() {
  std::array<std::uint8_t, 256> values{};
  values.fill(not_a_symbol);
  for (std::size_t i = 0; i < base64_alphabet.size(); ++i) {
    values[static_cast<unsigned char>(base64_alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return values;
}
constexpr std::array<std::uint8_t, 256> base64_values = make_base64_values();

CryptoError malformed(std::string detail) {
  return CryptoError{CryptoErrc::malformed_encoding, std::move(detail)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) |
                                (std::uint32_t{bytes[i + 1]} << 8) | std::uint32_t{bytes[i + 2]};
    out.push_back(base64_alphabet[(group >> 18) & 0x3f]);
    out.push_back(base64_alphabet[(group >> 12) & 0x3f]);
    out.push_back(base64_alphabet[(group >> 6) & 0x3f]);
    out.push_back(base64_alphabet[group & 0x3f]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    out.push_back(base64_alphabet[(group >> 18) & 0x3f]);
    out.push_back(base64_alphabet[(group >> 12) & 0x3f]);
    out.append("==");
  } else if (rest == 2) {
    const std::uint32_t group =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out.push_back(base64_alphabet[(group >> 18) & 0x3f]);
    out.push_back(base64_alphabet[(group >> 12) & 0x3f]);
    out.push_back(base64_alphabet[(group >> 6) & 0x3f]);
    out.push_back('=');
  }
  return out;
}

namespace {

// Decodes `text` (a multiple of four characters, `padding` of them '=' at its end) into `out`,
// which has room for exactly the decoded bytes. Four symbols at a time: a verifier decodes two
// base64 fields per entry of an export, a million times over.
CryptoResult<Ok> decode_base64_into(std::string_view text, std::size_t padding, std::uint8_t* out) {
  const auto value = [&](std::size_t i) {
    return std::uint32_t{base64_values[static_cast<unsigned char>(text[i])]};
  };
  const std::size_t whole = padding == 0 ? text.size() : text.size() - 4;
  for (std::size_t i = 0; i < whole; i += 4) {
    const std::uint32_t a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3);
    // not_a_symbol is the only value with its high bit set.
    if (((a | b | c | d) & 0x80) != 0) {
      return malformed("base64 has a character outside the alphabet");
    }
    const std::uint32_t group = (a << 18) | (b << 12) | (c << 6) | d;
    *out++ = static_cast<std::uint8_t>(group >> 16);
    *out++ = static_cast<std::uint8_t>(group >> 8);
    *out++ = static_cast<std::uint8_t>(group);
  }
  if (padding == 0) return Ok{};
  // The last group: two or three symbols, then the padding.
  const std::size_t last = text.size() - 4;
  const std::size_t symbols = 4 - padding;
  std::uint32_t group = 0;
  for (std::size_t i = last; i < last + symbols; ++i) {
    const std::uint32_t v = value(i);
    if (v == not_a_symbol) return malformed("base64 has a character outside the alphabet");
    group = (group << 6) | v;
  }
  // RFC 4648 §3.5: the pad bits of the last symbol must be zero, else two encodings would
  // decode to the same bytes and a signed value could be re-encoded without detection.
  if (padding == 2) {
    if ((group & 0x0f) != 0) return malformed("base64 has non-zero trailing bits");
    *out = static_cast<std::uint8_t>(group >> 4);
  } else {
    if ((group & 0x03) != 0) return malformed("base64 has non-zero trailing bits");
    *out++ = static_cast<std::uint8_t>(group >> 10);
    *out = static_cast<std::uint8_t>(group >> 2);
  }
  return Ok{};
}

// The decoded length of `text`, with `padding` set; nullopt when its length or padding is
// wrong. An '=' anywhere but the last one or two places fails later, as a non-symbol.
std::optional<std::size_t> decoded_size(std::string_view text, std::size_t& padding) {
  if (text.size() % 4 != 0) return std::nullopt;
  padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  return text.size() / 4 * 3 - padding;
}

}  // namespace

CryptoResult<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  std::size_t padding = 0;
  auto size = decoded_size(text, padding);
  if (!size) return malformed("base64 length is not a multiple of four");
  std::vector<std::uint8_t> out(*size);
  auto decoded = decode_base64_into(text, padding, out.data());
  if (!decoded) return decoded.error();
  return out;
}

CryptoResult<std::string> base64_decode_bytes(std::string_view text) {
  std::size_t padding = 0;
  auto size = decoded_size(text, padding);
  if (!size) return malformed("base64 length is not a multiple of four");
  std::string out(*size, '\0');
  auto decoded = decode_base64_into(text, padding, reinterpret_cast<std::uint8_t*>(out.data()));
  if (!decoded) return decoded.error();
  return out;
}

std::string hex_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t byte : bytes) {
    out.push_back(hex_digits[byte >> 4]);
    out.push_back(hex_digits[byte & 0x0f]);
  }
  return out;
}

CryptoResult<std::vector<std::uint8_t>> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return malformed("hex has an odd number of digits");
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return malformed("hex has a character that is not a digit");
    out.push_back(static_cast<std::uint8_t>((high << 4) | low));
  }
  return out;
}

}  // namespace pardner::crypto
