// flock(2), not fcntl(2) locks: a POSIX record lock is dropped when the process closes any
// descriptor of the file, which SQLite and our own probes do freely; a flock lock belongs to
// the one open file description we keep. The file's text is only a note for people and error
// messages; the lock is what counts, and it goes with the process, however it ends.
#include "ledger/ledger_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace pardner::ledger {
namespace {

// What the holder wrote, trimmed to one short line; "" when unreadable.
std::string holder_note(int fd) {
  char text[128];
  ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
  if (got <= 0) return "";
  std::string note(text, static_cast<std::size_t>(got));
  if (auto end = note.find('\n'); end != std::string::npos) note.resize(end);
  return note;
}

}  // namespace

std::string lock_path(const std::string& data_dir) { return data_dir + "/ledger.lock"; }

Result<LedgerLock> LedgerLock::acquire(const std::string& data_dir, std::string_view holder) {
  std::string path = lock_path(data_dir);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno == ENOENT) return Error{Errc::not_found, "no directory " + data_dir};
  if (fd < 0) {
    return Error{Errc::storage_failed, "cannot open " + path + ": " + std::strerror(errno)};
  }
  LedgerLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return Error{Errc::storage_failed, "cannot lock " + path + ": " + std::strerror(errno)};
    }
    std::string note = holder_note(fd);
    return Error{Errc::unavailable,
                 data_dir + " is locked by " + (note.empty() ? "another process" : note) +
                     " (a server or a restore runs on it): wait for it or stop it first"};
  }
  std::string note =
      "pardner " + std::string(holder) + ", pid " + std::to_string(::getpid()) + "\n";
  // Only a note: a failure to write it leaves the lock as good.
  if (::ftruncate(fd, 0) == 0) {
    (void)!::pwrite(fd, note.data(), note.size(), 0);
  }
  return lock;
}

LedgerLock::LedgerLock(LedgerLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

LedgerLock& LedgerLock::operator=(LedgerLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

LedgerLock::~LedgerLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace pardner::ledger
