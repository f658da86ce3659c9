// The watched VFS: every call goes to the default VFS and to its files unchanged, except that a
// file's xShmBarrier first calls the hook its connection installed.
#include "ledger/wal_index_watch.h"

#include "crypto/invariant.h"
#include "ledger/sqlite_setup.h"

namespace pardner::ledger {
namespace {

constexpr const char* vfs_name = "pardner-watched";

// What SQLite allocates for each file of the watched VFS (szOsFile): ours, then the wrapped
// VFS's file right after it.
struct WatchedFile {
  sqlite3_file base;  // pMethods: watched_methods once the wrapped file is open
  sqlite3_file* real;
  WalIndexBarrierHook hook;
  void* context;
};
// The wrapped file starts right after ours: keep it aligned as SQLite aligns its allocations.
static_assert(sizeof(WatchedFile) % 8 == 0);

sqlite3_vfs* wrapped_vfs = nullptr;  // set once, with the registration

WatchedFile& watched(sqlite3_file* file) { return *reinterpret_cast<WatchedFile*>(file); }
sqlite3_file* real(sqlite3_file* file) { return watched(file).real; }
const sqlite3_io_methods& methods(sqlite3_file* file) { return *real(file)->pMethods; }

int file_close(sqlite3_file* f) { return methods(f).xClose(real(f)); }
int file_read(sqlite3_file* f, void* out, int bytes, sqlite3_int64 offset) {
  return methods(f).xRead(real(f), out, bytes, offset);
}
int file_write(sqlite3_file* f, const void* in, int bytes, sqlite3_int64 offset) {
  return methods(f).xWrite(real(f), in, bytes, offset);
}
int file_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return methods(f).xTruncate(real(f), size);
}
int file_sync(sqlite3_file* f, int flags) { return methods(f).xSync(real(f), flags); }
int file_size(sqlite3_file* f, sqlite3_int64* size) { return methods(f).xFileSize(real(f), size); }
int file_lock(sqlite3_file* f, int level) { return methods(f).xLock(real(f), level); }
int file_unlock(sqlite3_file* f, int level) { return methods(f).xUnlock(real(f), level); }
int file_check_reserved(sqlite3_file* f, int* out) {
  return methods(f).xCheckReservedLock(real(f), out);
}
int file_control(sqlite3_file* f, int op, void* arg) {
  return methods(f).xFileControl(real(f), op, arg);
}
int file_sector_size(sqlite3_file* f) { return methods(f).xSectorSize(real(f)); }
int file_device(sqlite3_file* f) { return methods(f).xDeviceCharacteristics(real(f)); }
int file_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return methods(f).xShmMap(real(f), region, size, extend, out);
}
int file_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return methods(f).xShmLock(real(f), offset, n, flags);
}
void file_shm_barrier(sqlite3_file* f) {
  // Before the barrier: the hook's own writes are then ordered before the header copy that
  // follows it, and so before any reader can see the commit.
  if (watched(f).hook != nullptr) watched(f).hook(watched(f).context);
  methods(f).xShmBarrier(real(f));
}
int file_shm_unmap(sqlite3_file* f, int delete_flag) {
  return methods(f).xShmUnmap(real(f), delete_flag);
}
// Memory-mapped reads, when the wrapped file has them (version 3); otherwise none: SQLite then
// reads as usual.
int file_fetch(sqlite3_file* f, sqlite3_int64 offset, int bytes, void** out) {
  if (methods(f).iVersion < 3) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return methods(f).xFetch(real(f), offset, bytes, out);
}
int file_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  if (methods(f).iVersion < 3) return SQLITE_OK;
  return methods(f).xUnfetch(real(f), offset, page);
}

const sqlite3_io_methods watched_methods = {
    3,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    file_check_reserved,
    file_control,
    file_sector_size,
    file_device,
    file_shm_map,
    file_shm_lock,
    file_shm_barrier,
    file_shm_unmap,
    file_fetch,
    file_unfetch,
};

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  WatchedFile& ours = watched(file);
  ours.base.pMethods = nullptr;
  ours.real = reinterpret_cast<sqlite3_file*>(&ours + 1);
  ours.hook = nullptr;
  ours.context = nullptr;
  int rc = wrapped_vfs->xOpen(wrapped_vfs, name, ours.real, flags, out_flags);
  // SQLite calls xClose exactly when pMethods is set, failed open or not: as the wrapped
  // file asks.
  if (ours.real->pMethods != nullptr) {
    // WAL needs the shared-memory methods: a wrapped VFS without them could not run Pardner.
    PARDNER_ASSERT(ours.real->pMethods->iVersion >= 2);
    ours.base.pMethods = &watched_methods;
  }
  return rc;
}
int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return wrapped_vfs->xDelete(wrapped_vfs, name, sync_dir);
}
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return wrapped_vfs->xAccess(wrapped_vfs, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return wrapped_vfs->xFullPathname(wrapped_vfs, name, size, out);
}
void* vfs_dl_open(sqlite3_vfs*, const char* name) {
  return wrapped_vfs->xDlOpen(wrapped_vfs, name);
}
void vfs_dl_error(sqlite3_vfs*, int size, char* out) {
  wrapped_vfs->xDlError(wrapped_vfs, size, out);
}
void (*vfs_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return wrapped_vfs->xDlSym(wrapped_vfs, handle, symbol);
}
void vfs_dl_close(sqlite3_vfs*, void* handle) { wrapped_vfs->xDlClose(wrapped_vfs, handle); }
int vfs_randomness(sqlite3_vfs*, int size, char* out) {
  return wrapped_vfs->xRandomness(wrapped_vfs, size, out);
}
int vfs_sleep(sqlite3_vfs*, int micros) { return wrapped_vfs->xSleep(wrapped_vfs, micros); }
int vfs_current_time(sqlite3_vfs*, double* out) {
  return wrapped_vfs->xCurrentTime(wrapped_vfs, out);
}
int vfs_last_error(sqlite3_vfs*, int size, char* out) {
  return wrapped_vfs->xGetLastError(wrapped_vfs, size, out);
}
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return wrapped_vfs->xCurrentTimeInt64(wrapped_vfs, out);
}

sqlite3_vfs* register_watched_vfs() {
  configure_sqlite_once();
  wrapped_vfs = sqlite3_vfs_find(nullptr);
  PARDNER_ASSERT(wrapped_vfs != nullptr && wrapped_vfs->iVersion >= 2);
  static sqlite3_vfs vfs{};
  vfs.iVersion = 2;
  vfs.szOsFile = static_cast<int>(sizeof(WatchedFile)) + wrapped_vfs->szOsFile;
  vfs.mxPathname = wrapped_vfs->mxPathname;
  vfs.zName = vfs_name;
  vfs.xOpen = vfs_open;
  vfs.xDelete = vfs_delete;
  vfs.xAccess = vfs_access;
  vfs.xFullPathname = vfs_full_pathname;
  vfs.xDlOpen = vfs_dl_open;
  vfs.xDlError = vfs_dl_error;
  vfs.xDlSym = vfs_dl_sym;
  vfs.xDlClose = vfs_dl_close;
  vfs.xRandomness = vfs_randomness;
  vfs.xSleep = vfs_sleep;
  vfs.xCurrentTime = vfs_current_time;
  vfs.xGetLastError = vfs_last_error;
  vfs.xCurrentTimeInt64 = vfs_current_time_int64;
  PARDNER_ASSERT(sqlite3_vfs_register(&vfs, /*makeDflt=*/0) == SQLITE_OK);
  return &vfs;
}

}  // namespace

const char* watched_vfs_name() {
  static sqlite3_vfs* registered = register_watched_vfs();
  return registered->zName;
}

bool watch_wal_index(sqlite3* db, WalIndexBarrierHook hook, void* context) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods != &watched_methods) {
    return false;
  }
  watched(file).hook = hook;
  watched(file).context = context;
  return true;
}

}  // namespace pardner::ledger
