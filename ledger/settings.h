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
  // The log's origin (C2SP tlog-checkpoint), also the checkpoint key's name. Empty at init
  // means "pardner.local/<name>".
  std::string log_origin;
};

// The origin a ledger gets when none is configured.
std::string default_log_origin(const std::string& ledger_name);

Result<Settings> load_settings(Database& db);
Result<Ok> store_settings(Database& db, const Settings& settings);

}  // namespace pardner::ledger
