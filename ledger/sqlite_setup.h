// SQLite's process-wide configuration, which must come before SQLite initialises: whichever of
// our code touches SQLite first (a connection, or the watched VFS's registration) calls it.
#pragma once

namespace pardner::ledger {

void configure_sqlite_once();

// How long a connection waits for a lock another holds (sqlite3_busy_timeout): readers never
// wait for the writer in WAL mode; this covers checkpoints and the short lock taken while another
// process opens the file.
inline constexpr int busy_timeout_ms = 5000;

}  // namespace pardner::ledger
