// Text encodings of bytes: standard base64 with padding (RFC 4648 §4), the encoding of every
// hash, key and signature in notes, checkpoints and proofs; and lowercase hex. Decoding is strict
// and returns an error for anything but the one canonical encoding; it never skips characters.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/crypto_error.h"

namespace pardner::crypto {

// RFC 4648 §4 alphabet (A-Z a-z 0-9 + /), padded with '=' to a multiple of four characters.
std::string base64_encode(std::span<const std::uint8_t> bytes);

// Refuses (malformed_encoding) a length not a multiple of four, a character outside the
// alphabet (whitespace and line breaks included), '=' anywhere but the last one or two places,
// and non-zero unused bits in the last symbol (RFC 4648 §3.5), so each byte string has exactly
// one accepted encoding. The empty string decodes to no bytes.
CryptoResult<std::vector<std::uint8_t>> base64_decode(std::string_view text);
// The same, the bytes in a std::string (leaf bytes and signatures are kept as strings).
CryptoResult<std::string> base64_decode_bytes(std::string_view text);

// Lowercase hex, two digits per byte.
std::string hex_encode(std::span<const std::uint8_t> bytes);

// Accepts lowercase and uppercase digits; refuses (malformed_encoding) odd lengths and others.
CryptoResult<std::vector<std::uint8_t>> hex_decode(std::string_view text);

}  // namespace pardner::crypto
