// Canonical decimal parsing. Written out rather than std::from_chars, which accepts leading
// zeros: a format with one spelling per value cannot be re-encoded under a signature.
#include "crypto/decimal.h"

#include <limits>

namespace pardner::crypto {

std::optional<std::uint64_t> parse_canonical_decimal(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace pardner::crypto
