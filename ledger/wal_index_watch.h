// A hook on the moment a commit becomes visible to other connections.
//
// In WAL mode SQLite makes a commit visible by writing the wal-index header, which it keeps in
// two copies: it writes the second copy, calls the VFS's xShmBarrier on the main database file,
// then writes the first. A reader takes a header only when both copies agree, so no connection
// sees the commit before that barrier has run (SQLite's src/wal.c, walIndexWriteHdr). By then
// the WAL has been synced (synchronous=FULL). A connection opened through the watched VFS calls
// a hook of ours at each xShmBarrier of its main file, before the barrier itself.
//
// The barrier also runs at other times (when a transaction reads the header, or the WAL starts
// over), so the hook must be harmless when no commit follows it.
#pragma once

#include <sqlite3.h>

namespace pardner::ledger {

// The name to pass to sqlite3_open_v2 (Database::open's `vfs`). It wraps the VFS that is
// SQLite's default when it is first used, and changes nothing but the barrier (a test that
// makes a fault-injecting VFS the default does so before: tests/support/power_cut_vfs.h).
const char* watched_vfs_name();

using WalIndexBarrierHook = void (*)(void* context);

// Calls `hook(context)` on the thread running the statement, before every wal-index barrier of
// `db`'s main database file, from now until the connection closes or `hook` is replaced
// (nullptr removes it). false when `db` was not opened through the watched VFS.
bool watch_wal_index(sqlite3* db, WalIndexBarrierHook hook, void* context);

}  // namespace pardner::ledger
