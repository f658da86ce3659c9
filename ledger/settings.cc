// Settings as name/value rows, so later migrations can add settings without a table change.
#include "ledger/settings.h"

#include <charconv>

namespace pardner::ledger {

std::string default_log_origin(const std::string& ledger_name) {
  return "pardner.local/" + ledger_name;
}

Result<Settings> load_settings(Database& db) {
  auto query = db.prepare("SELECT name, value FROM ledger_settings");
  if (!query) return query.error();
  Settings settings;
  while (true) {
    auto row = query.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    std::string name = query.value().column_text(0);
    std::string value = query.value().column_text(1);
    if (name == "name") settings.name = value;
    if (name == "currency") settings.currency = value;
    if (name == "log_origin") settings.log_origin = value;
    if (name == "value_date_past_days") {
      std::int64_t days = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), days);
      if (ec != std::errc{} || end != value.data() + value.size()) {
        return Error{Errc::storage_failed, "bad value_date_past_days setting"};
      }
      settings.value_date_past_days = days;
    }
  }
  return settings;
}

Result<Ok> store_settings(Database& db, const Settings& settings) {
  auto insert = db.prepare("INSERT OR REPLACE INTO ledger_settings (name, value) VALUES (?, ?)");
  if (!insert) return insert.error();
  auto put = [&](std::string_view name, std::string_view value) {
    return insert.value().bind(1, name).bind(2, value).run();
  };
  if (auto done = put("name", settings.name); !done) return done;
  if (auto done = put("currency", settings.currency); !done) return done;
  if (auto done = put("log_origin", settings.log_origin); !done) return done;
  return put("value_date_past_days", std::to_string(settings.value_date_past_days));
}

}  // namespace pardner::ledger
