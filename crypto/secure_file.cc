// POSIX file plumbing for key files. Never leaves a partly written file at the target path and
// never reads a private file before checking who else may read it (checked on the open
// descriptor, so the file checked is the file read).
#include "crypto/secure_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace pardner::crypto {
namespace {

CryptoError io_failed(std::string_view call, const std::filesystem::path& path) {
  const int error_number = errno;
  return CryptoError{CryptoErrc::io_failed,
                     std::string(call) + " " + path.string() + ": " + std::strerror(error_number)};
}

// Closes a descriptor on every path out of a function.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the result: close can report a deferred write error.
  bool close_checked() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

CryptoResult<std::string> read_open_file(const FileDescriptor& file, const struct stat& status,
                                         const std::filesystem::path& path, std::size_t bytes_max) {
  if (!S_ISREG(status.st_mode)) {
    return CryptoError{CryptoErrc::io_failed, path.string() + " is not a regular file"};
  }
  if (static_cast<std::size_t>(status.st_size) > bytes_max) {
    return CryptoError{CryptoErrc::too_large, path.string() + " is larger than expected"};
  }
  std::string content;
  std::vector<char> buffer(bytes_max + 1);
  while (true) {
    const ssize_t got = ::read(file.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return io_failed("read", path);
    if (got == 0) break;
    content.append(buffer.data(), static_cast<std::size_t>(got));
    // The size was checked above, but the file may grow while we read it.
    if (content.size() > bytes_max) {
      return CryptoError{CryptoErrc::too_large, path.string() + " is larger than expected"};
    }
  }
  return content;
}

}  // namespace

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

CryptoResult<Ok> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                       mode_t mode) {
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temporary = path.string() + ".tmp-XXXXXX";
  // mkostemp creates the file with mode 0600 and O_EXCL, so no one else can open it meanwhile.
  FileDescriptor file(::mkostemp(temporary.data(), O_CLOEXEC));
  if (file.get() < 0) return io_failed("mkostemp", temporary);

  auto fail = [&](std::string_view call) {
    CryptoError error = io_failed(call, temporary);
    ::unlink(temporary.c_str());
    return error;
  };
  if (::fchmod(file.get(), mode) != 0) return fail("fchmod");
  if (!write_all(file.get(), content)) return fail("write");
  // The data must be on disk before the rename makes it visible under the real name.
  if (::fsync(file.get()) != 0) return fail("fsync");
  if (!file.close_checked()) return fail("close");
  if (::rename(temporary.c_str(), path.c_str()) != 0) return fail("rename");
  // The rename itself is durable only once the directory is synced.
  FileDescriptor parent(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent.get() < 0) return io_failed("open directory", directory);
  if (::fsync(parent.get()) != 0) return io_failed("fsync directory", directory);
  return Ok{};
}

CryptoResult<std::string> read_small_file(const std::filesystem::path& path,
                                          std::size_t bytes_max) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return io_failed("open", path);
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) return io_failed("fstat", path);
  return read_open_file(file, status, path, bytes_max);
}

CryptoResult<std::string> read_private_file(const std::filesystem::path& path,
                                            std::size_t bytes_max) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return io_failed("open", path);
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) return io_failed("fstat", path);
  if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return CryptoError{CryptoErrc::key_file_insecure,
                       path.string() + " is open to its group or others; chmod 600 it"};
  }
  return read_open_file(file, status, path, bytes_max);
}

}  // namespace pardner::crypto
