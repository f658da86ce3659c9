// ISO 4217 currencies the ledger accepts, with their minor-unit exponents.
#pragma once

#include <optional>
#include <string_view>

namespace pardner::ledger {

struct Currency {
  std::string_view code;  // "GBP"
  int exponent;           // 2: amounts are counted in hundredths (pence)
};

// nullopt for a code that is not an active ISO 4217 currency with a defined minor unit.
std::optional<Currency> find_currency(std::string_view code);

}  // namespace pardner::ledger
