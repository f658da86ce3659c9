// Schema migrations: the numbered files of schema/, embedded at build time, applied in order on
// open and recorded in PRAGMA user_version. Never edits a shipped migration.
#pragma once

#include <string_view>
#include <vector>

#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

struct Migration {
  int number;             // 1 for 0001_init.sql; numbers run 1..n without gaps
  std::string_view name;  // the file name, for messages
  std::string_view sql;
};

// Generated from schema/*.sql by cmake/embed_schema.cmake.
const std::vector<Migration>& embedded_migrations();

// The migrations applied to `db` (PRAGMA user_version).
Result<int> schema_version(Database& db);

// Brings `db` up to the newest embedded migration, each in its own transaction. A database made
// by a newer Pardner (user_version above ours) is refused with schema_too_new and not touched.
Result<int> migrate(Database& db);

}  // namespace pardner::ledger
