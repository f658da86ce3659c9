// SQLite's process-wide configuration, which must come before SQLite initialises: whichever of
// our code touches SQLite first (a connection, or the watched VFS's registration) calls it.
#pragma once

namespace pardner::ledger {

void configure_sqlite_once();

}  // namespace pardner::ledger
