// Backup and restore. Every copy is made in a staging directory beside its destination (the
// same file system, so the final rename is atomic), checked there as a ledger directory of its
// own, and only then renamed into place. Never touches the live file except to read it.
#include "ledger/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "ledger/ledger_files.h"
#include "ledger/ledger_lock.h"
#include "ledger/limits.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {
namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what, const std::string& path) {
  return Error{Errc::storage_failed, what + " " + path + ": " + std::strerror(errno)};
}

// fsync a file or a directory (a rename is durable only once its directory is synced).
Result<Ok> sync_path(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path.string());
  int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return io_error("cannot fsync", path.string());
  return Ok{};
}

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{Errc::not_found, "cannot read " + path.string()};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<Ok> write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Error{Errc::storage_failed, "cannot write " + path.string()};
  return Ok{};
}

// A staging directory, removed with whatever is left in it when it goes out of scope.
class Staging {
 public:
  static Result<Staging> make(const fs::path& beside, const std::string& purpose) {
    fs::path dir = beside / ("." + purpose + "-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(dir, ec);  // left by a crashed run of the same pid
    if (!fs::create_directory(dir, ec) || ec) {
      return Error{Errc::storage_failed, "cannot create " + dir.string() + ": " + ec.message()};
    }
    fs::permissions(dir, fs::perms::owner_all, ec);
    return Staging(dir);
  }
  Staging(Staging&& other) noexcept : dir_(std::move(other.dir_)) { other.dir_.clear(); }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  Staging& operator=(Staging&&) = delete;
  ~Staging() {
    if (dir_.empty()) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path() const { return dir_.string(); }

 private:
  explicit Staging(fs::path dir) : dir_(std::move(dir)) {}
  fs::path dir_;
};

// Checks the database in `staging` (DIR/ledger.db) as a ledger directory of its own, against
// `verifier_line`, and reads its latest checkpoint and size.
Result<BackupSummary> check_copy(const Staging& staging, const std::string& verifier_line,
                                 const std::optional<std::string>& since) {
  // The check reads the key from the directory only when none is pinned; it is written there
  // too so that the staging directory is a complete ledger directory for any tool.
  if (auto written = write_text(verifier_key_path(staging.path()), verifier_line); !written) {
    return written.error();
  }
  BackupSummary summary;
  std::error_code ec;
  summary.bytes = fs::file_size(database_path(staging.path()), ec);
  if (ec) return Error{Errc::storage_failed, "cannot stat the copy: " + ec.message()};
  // Built whole, not member by member: GCC 12 under -fsanitize=thread otherwise warns that the
  // optional strings may be destroyed uninitialised (a false positive that -Werror makes fatal).
  const IntegrityOptions options{.pinned_key = verifier_line, .since_checkpoint = since};
  auto report = check_ledger_integrity(staging.path(), options);
  if (!report) return report.error();
  summary.check = std::move(report).value();
  if (!summary.check.intact()) return summary;
  auto reader = Reader::open(database_path(staging.path()));
  if (!reader) return reader.error();
  auto checkpoint = reader.value().latest_checkpoint();
  if (!checkpoint) return checkpoint.error();
  summary.checkpoint = std::move(checkpoint).value();
  return summary;
}

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

// Copies `source`'s main database into a new file at `dest_path`, `backup_pages_per_step` pages
// a step, all inside the read transaction the caller holds on `source` (so every step reads
// the same snapshot and the backup never restarts). Returns the number of steps.
Result<std::uint64_t> copy_database(Database& source, const std::string& dest_path) {
  // The copy holds member profiles and token hashes: private from its first byte. SQLite takes
  // an empty file as an empty database.
  int fd = ::open(dest_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", dest_path);
  ::close(fd);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(dest_path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> dest(raw);
  if (rc != SQLITE_OK) {
    return Error{Errc::storage_failed, "cannot create " + dest_path + ": " + sqlite3_errstr(rc)};
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", source.handle(), "main");
  if (backup == nullptr) {
    return Error{Errc::storage_failed,
                 std::string("cannot start the backup: ") + sqlite3_errmsg(dest.get())};
  }
  std::uint64_t steps = 0;
  std::uint64_t busy_count = 0;
  while (true) {
    rc = sqlite3_backup_step(backup, backup_pages_per_step);
    ++steps;
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) continue;
    // The destination is ours alone, and the source is read inside our own snapshot: a busy
    // answer is a brief lock taken by another process opening the file. Wait and retry, within
    // a bound.
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && busy_count < backup_busy_retries_max) {
      ++busy_count;
      sqlite3_sleep(10);
      continue;
    }
    break;
  }
  int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    return Error{Errc::storage_failed, std::string("the backup failed: ") +
                                           sqlite3_errstr(rc == SQLITE_DONE ? finished : rc)};
  }
  dest.reset();  // closed before the file is synced and checked
  return steps;
}

// The pid of another process holding a lock on `db_path`, if any. SQLite's unix VFS takes POSIX
// advisory locks on the lock bytes at 1 GiB (sqlite.org/fileformat.html#the_lock_byte_page), and
// in WAL mode every open connection keeps a shared lock there until it closes: a running
// server's connections always do. Must not run while this process has the file open through
// SQLite: closing any descriptor of a file drops all of the process's POSIX locks on it.
std::optional<pid_t> holder_of(const std::string& db_path) {
  int fd = ::open(db_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = 0x40000000;  // PENDING_BYTE; RESERVED and the SHARED range follow
  probe.l_len = 512 + 2;
  std::optional<pid_t> holder;
  if (::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK) holder = probe.l_pid;
  ::close(fd);
  return holder;
}

std::string utc_stamp() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &parts);
  return text;
}

}  // namespace

Result<BackupSummary> backup_ledger(const std::string& data_dir, const std::string& out_file) {
  std::error_code ec;
  if (!fs::exists(database_path(data_dir), ec)) {
    return Error{Errc::not_found, data_dir + " holds no ledger"};
  }
  if (fs::exists(out_file, ec)) {
    return Error{Errc::already_exists, out_file + " exists; not overwriting it"};
  }
  auto verifier_line = read_text(verifier_key_path(data_dir));
  if (!verifier_line) return verifier_line.error();
  fs::path out_path = fs::absolute(out_file, ec);
  auto staging = Staging::make(out_path.parent_path(), out_path.filename().string() + ".partial");
  if (!staging) return staging.error();
  std::string copy_path = database_path(staging.value().path());

  std::uint64_t steps = 0;
  {
    auto source = Database::open(database_path(data_dir), Database::Mode::read_only);
    if (!source) return source.error();
    // One read transaction for the whole copy: its first read fixes the snapshot.
    if (auto begun = source.value().exec("BEGIN"); !begun) return begun.error();
    auto first_read = source.value().prepare("SELECT count(*) FROM sqlite_schema");
    if (!first_read) return first_read.error();
    if (auto read = first_read.value().step(); !read) return read.error();
    auto copied = copy_database(source.value(), copy_path);
    (void)source.value().exec("COMMIT");
    if (!copied) return copied.error();
    steps = copied.value();
  }
  if (auto synced = sync_path(copy_path); !synced) return synced.error();

  auto summary = check_copy(staging.value(), verifier_line.value(), std::nullopt);
  if (!summary) return summary.error();
  summary.value().steps = steps;
  if (!summary.value().check.intact()) return summary;

  // link() rather than rename(): it fails if `out_file` appeared meanwhile, never replacing it.
  if (::link(copy_path.c_str(), out_path.c_str()) != 0) {
    return io_error("cannot create", out_path.string());
  }
  if (auto synced = sync_path(out_path.parent_path()); !synced) return synced.error();
  return summary;
}

Result<RestoreSummary> restore_ledger(const std::string& backup_file, const std::string& data_dir,
                                      const RestoreOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(backup_file, ec)) {
    return Error{Errc::not_found, "no backup file " + backup_file};
  }
  auto verifier_line = read_text(verifier_key_path(data_dir));
  if (!verifier_line) {
    return Error{Errc::not_found,
                 data_dir +
                     " has no verifier.key: put the log's signing.key and verifier.key "
                     "there first (a backup holds no keys)"};
  }
  // Held until the new file is renamed into place and the directory synced: a server that
  // starts meanwhile is refused by the same lock instead of opening the file being replaced.
  auto lock = LedgerLock::acquire(data_dir, "restore");
  if (!lock) return lock.error();
  std::string live_path = database_path(data_dir);
  bool replacing = fs::exists(live_path, ec);
  if (replacing) {
    // Besides the lock: any other process with the file open (the sqlite3 tool, `pardner
    // check`, a server of a Pardner from before the lock).
    if (auto holder = holder_of(live_path)) {
      return Error{Errc::unavailable, live_path + " is open in process " + std::to_string(*holder) +
                                          " (a running server?): stop it first"};
    }
    if (!options.force) {
      return Error{Errc::already_exists,
                   data_dir + " already holds a ledger; --force replaces it (it is kept aside)"};
    }
  }

  auto staging = Staging::make(data_dir, "restore");
  if (!staging) return staging.error();
  std::string copy_path = database_path(staging.value().path());
  if (!fs::copy_file(backup_file, copy_path, ec) || ec) {
    return Error{Errc::storage_failed, "cannot copy " + backup_file + ": " + ec.message()};
  }
  fs::permissions(copy_path, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (auto synced = sync_path(copy_path); !synced) return synced.error();

  // A backup made by an older Pardner gets the newer migrations first, as `serve` would give
  // it (the schema check compares with the newest schema); one from a newer Pardner is refused
  // with schema_too_new. Only the staging copy is written. A copy too damaged to open is left
  // to the check, which names what is wrong with it.
  auto migrated = open_ledger(staging.value().path(), lock.value());
  if (!migrated && migrated.error().code == Errc::schema_too_new) return migrated.error();

  RestoreSummary summary;
  auto checked = check_copy(staging.value(), verifier_line.value(), options.since_checkpoint);
  if (!checked) return checked.error();
  summary.backup = std::move(checked).value();
  if (!summary.backup.check.intact()) return summary;
  if (!migrated) return migrated.error();
  if (options.before_rename_for_test) options.before_rename_for_test();

  if (replacing) {
    // The old ledger is moved aside whole, its WAL with it: a WAL left beside the new file
    // would be replayed into it.
    fs::path aside = fs::path(data_dir) / ("replaced-" + utc_stamp());
    if (!fs::create_directory(aside, ec) || ec) {
      return Error{Errc::storage_failed, "cannot create " + aside.string() + ": " + ec.message()};
    }
    for (const char* suffix : {"-wal", "-shm", ""}) {
      fs::path from = live_path + suffix;
      if (!fs::exists(from, ec)) continue;
      fs::rename(from, aside / from.filename(), ec);
      if (ec)
        return Error{Errc::storage_failed, "cannot move " + from.string() + ": " + ec.message()};
    }
    summary.replaced_dir = aside.string();
  }
  if (::rename(copy_path.c_str(), live_path.c_str()) != 0) {
    return io_error("cannot move the copy to", live_path);
  }
  if (auto synced = sync_path(data_dir); !synced) return synced.error();
  summary.restored = true;
  return summary;
}

}  // namespace pardner::ledger
