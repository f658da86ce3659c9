// A ledger's settings, fixed when it is created and stored in the ledger_settings table.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/error.h"
#include "ledger/limits.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

struct Settings {
  std::string name = "pardner";
  std::string currency = "GBP";  // the default for accounts opened without one
  std::int64_t value_date_past_days = value_date_past_days_default;
};

Result<Settings> load_settings(Database& db);
Result<Ok> store_settings(Database& db, const Settings& settings);

}  // namespace pardner::ledger
