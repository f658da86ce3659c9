// Canonical unsigned decimals, the one spelling of a number in our text formats (tree sizes,
// proof indices, key file costs). Never accepts a sign, spaces, leading zeros or overflow.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pardner::crypto {

// The value of `digits` if it is ASCII decimal with no leading zero ("0" alone is allowed) and
// fits in 64 bits; nullopt otherwise.
std::optional<std::uint64_t> parse_canonical_decimal(std::string_view digits);

}  // namespace pardner::crypto
