// See power_cut_vfs.h. A shim over the unix VFS: a TrackedFile holds the real file right after
// itself (szOsFile covers both) and forwards every call; writes, truncations and syncs of the
// main database and WAL files are counted and recorded under one mutex.
#include "tests/support/power_cut_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <vector>

namespace pardner::testing {
namespace {

constexpr std::size_t sector_bytes = 512;

struct Operation {
  bool truncate = false;
  sqlite3_int64 offset = 0;  // a write's
  std::string bytes;         // a write's
  sqlite3_int64 size = 0;    // a truncation's
};

struct FileHistory {
  std::string durable;  // the contents as of the last sync
  std::vector<Operation> pending;
  int open_count = 0;
};

void apply_operation(std::string& contents, const Operation& op) {
  if (op.truncate) {
    contents.resize(static_cast<std::size_t>(op.size));
    return;
  }
  auto offset = static_cast<std::size_t>(op.offset);
  if (contents.size() < offset + op.bytes.size()) contents.resize(offset + op.bytes.size());
  std::memcpy(contents.data() + offset, op.bytes.data(), op.bytes.size());
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Harness {
  std::mutex mutex;
  std::map<std::string, FileHistory> files;
  std::uint64_t operations = 0;
  std::optional<std::uint64_t> die_at, fail_at;
  bool dead = false;
  sqlite3_vfs* real = nullptr;
  sqlite3_vfs vfs{};

  // Counts one operation; false when it must fail instead of happening.
  bool admit() {
    operations += 1;
    if (die_at && operations >= *die_at) dead = true;
    if (dead) return false;
    return !(fail_at && operations == *fail_at);
  }
};

Harness& harness() {
  static Harness* instance = new Harness();  // lives as long as the process: SQLite keeps it
  return *instance;
}

struct TrackedFile {
  sqlite3_file base;
  FileHistory* history;  // null for files we only pass through (temp files)
  sqlite3_file* real;    // right after this struct, in the memory SQLite gave us
};

sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<TrackedFile*>(file)->real; }

int file_close(sqlite3_file* file) {
  auto* tracked = reinterpret_cast<TrackedFile*>(file);
  int rc = tracked->real->pMethods->xClose(tracked->real);
  if (tracked->history != nullptr) {
    std::lock_guard lock(harness().mutex);
    tracked->history->open_count -= 1;
  }
  return rc;
}

int file_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  return real_of(file)->pMethods->xRead(real_of(file), out, amount, offset);
}

int file_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  auto* tracked = reinterpret_cast<TrackedFile*>(file);
  if (tracked->history == nullptr) {
    return tracked->real->pMethods->xWrite(tracked->real, data, amount, offset);
  }
  std::lock_guard lock(harness().mutex);
  if (!harness().admit()) return SQLITE_IOERR_WRITE;
  int rc = tracked->real->pMethods->xWrite(tracked->real, data, amount, offset);
  if (rc == SQLITE_OK) {
    tracked->history->pending.push_back(
        {false, offset,
         std::string(static_cast<const char*>(data), static_cast<std::size_t>(amount)), 0});
  }
  return rc;
}

int file_truncate(sqlite3_file* file, sqlite3_int64 size) {
  auto* tracked = reinterpret_cast<TrackedFile*>(file);
  if (tracked->history == nullptr) return tracked->real->pMethods->xTruncate(tracked->real, size);
  std::lock_guard lock(harness().mutex);
  if (!harness().admit()) return SQLITE_IOERR_TRUNCATE;
  int rc = tracked->real->pMethods->xTruncate(tracked->real, size);
  if (rc == SQLITE_OK) tracked->history->pending.push_back({true, 0, {}, size});
  return rc;
}

int file_sync(sqlite3_file* file, int flags) {
  auto* tracked = reinterpret_cast<TrackedFile*>(file);
  if (tracked->history == nullptr) return tracked->real->pMethods->xSync(tracked->real, flags);
  std::lock_guard lock(harness().mutex);
  if (!harness().admit()) return SQLITE_IOERR_FSYNC;
  // Durability is what this shim models, so the real fsync would only slow the tests down.
  for (const Operation& op : tracked->history->pending)
    apply_operation(tracked->history->durable, op);
  tracked->history->pending.clear();
  return SQLITE_OK;
}

int file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real_of(file)->pMethods->xFileSize(real_of(file), size);
}
int file_lock(sqlite3_file* file, int level) {
  return real_of(file)->pMethods->xLock(real_of(file), level);
}
int file_unlock(sqlite3_file* file, int level) {
  return real_of(file)->pMethods->xUnlock(real_of(file), level);
}
int file_check_reserved_lock(sqlite3_file* file, int* out) {
  return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}
int file_control(sqlite3_file* file, int op, void* arg) {
  return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}
int file_sector_size(sqlite3_file* file) {
  return real_of(file)->pMethods->xSectorSize(real_of(file));
}
int file_device_characteristics(sqlite3_file* file) {
  return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}
int file_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  return real_of(file)->pMethods->xShmMap(real_of(file), page, page_size, extend, out);
}
int file_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}
void file_shm_barrier(sqlite3_file* file) { real_of(file)->pMethods->xShmBarrier(real_of(file)); }
int file_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}

// Version 2: shared memory for WAL, but no memory-mapped reads (xFetch) that would bypass us.
const sqlite3_io_methods tracked_methods = {2,
                                            file_close,
                                            file_read,
                                            file_write,
                                            file_truncate,
                                            file_sync,
                                            file_size,
                                            file_lock,
                                            file_unlock,
                                            file_check_reserved_lock,
                                            file_control,
                                            file_sector_size,
                                            file_device_characteristics,
                                            file_shm_map,
                                            file_shm_lock,
                                            file_shm_barrier,
                                            file_shm_unmap,
                                            nullptr,
                                            nullptr};

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  Harness& h = harness();
  auto* tracked = reinterpret_cast<TrackedFile*>(file);
  tracked->real = reinterpret_cast<sqlite3_file*>(tracked + 1);
  tracked->history = nullptr;
  tracked->base.pMethods = nullptr;
  int rc = h.real->xOpen(h.real, name, tracked->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  tracked->base.pMethods = &tracked_methods;
  if (name != nullptr && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0) {
    std::lock_guard lock(h.mutex);
    auto [it, fresh] = h.files.try_emplace(name);
    if (fresh) it->second.durable = read_whole_file(name);
    it->second.open_count += 1;
    tracked->history = &it->second;
  }
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  Harness& h = harness();
  {
    std::lock_guard lock(h.mutex);
    auto found = h.files.find(name);
    if (found != h.files.end() && found->second.open_count == 0) h.files.erase(found);
  }
  return h.real->xDelete(h.real, name, sync_dir);
}

}  // namespace

PowerCutVfs& PowerCutVfs::install() {
  static PowerCutVfs* installed = [] {
    Harness& h = harness();
    h.real = sqlite3_vfs_find(nullptr);
    h.vfs = *h.real;
    h.vfs.zName = "power-cut";
    h.vfs.szOsFile = static_cast<int>(sizeof(TrackedFile)) + h.real->szOsFile;
    h.vfs.xOpen = vfs_open;
    h.vfs.xDelete = vfs_delete;
    sqlite3_vfs_register(&h.vfs, 1);
    return new PowerCutVfs();
  }();
  return *installed;
}

void PowerCutVfs::reset() {
  std::lock_guard lock(harness().mutex);
  Harness& h = harness();
  for (auto it = h.files.begin(); it != h.files.end();) {
    it = it->second.open_count == 0 ? h.files.erase(it) : std::next(it);
  }
  h.operations = 0;
  h.die_at.reset();
  h.fail_at.reset();
  h.dead = false;
}

void PowerCutVfs::die_at(std::uint64_t operation) {
  std::lock_guard lock(harness().mutex);
  harness().die_at = operation;
}

void PowerCutVfs::fail_at(std::uint64_t operation) {
  std::lock_guard lock(harness().mutex);
  harness().fail_at = operation;
}

std::uint64_t PowerCutVfs::operations() const {
  std::lock_guard lock(harness().mutex);
  return harness().operations;
}

bool PowerCutVfs::dead() const {
  std::lock_guard lock(harness().mutex);
  return harness().dead;
}

std::uint64_t PowerCutVfs::lose_power(std::uint64_t seed) {
  std::lock_guard lock(harness().mutex);
  Harness& h = harness();
  std::mt19937_64 random(seed);
  std::uint64_t dropped = 0;
  for (auto& [path, history] : h.files) {
    std::string contents = history.durable;
    std::size_t pending = history.pending.size();
    // None survive, all do, or each one by a coin toss (a disk cache writes in any order).
    int fate = static_cast<int>(random() % 3);
    std::vector<bool> kept(pending, fate == 1);
    if (fate == 2) {
      for (std::size_t i = 0; i < pending; ++i) kept[i] = random() % 2 == 0;
    }
    std::optional<std::size_t> last_kept;
    for (std::size_t i = 0; i < pending; ++i) {
      if (kept[i]) last_kept = i;
    }
    for (std::size_t i = 0; i < pending; ++i) {
      if (!kept[i]) {
        dropped += 1;
        continue;
      }
      Operation op = history.pending[i];
      // The last write to reach the disk may have been cut off between two sectors.
      if (i == last_kept && !op.truncate && op.bytes.size() > sector_bytes && random() % 2 == 0) {
        std::size_t sectors = op.bytes.size() / sector_bytes;
        op.bytes.resize(static_cast<std::size_t>(random() % sectors) * sector_bytes);
      }
      apply_operation(contents, op);
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(contents.data(), static_cast<std::streamsize>(contents.size()));
    std::filesystem::remove(path + "-shm");
    history.durable = std::move(contents);
    history.pending.clear();
  }
  h.dead = false;
  h.die_at.reset();
  h.fail_at.reset();
  return dropped;
}

}  // namespace pardner::testing
