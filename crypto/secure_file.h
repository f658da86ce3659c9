// Small files that must survive a crash whole and, for secrets, stay private: atomic replacement
// (write a temporary file, fsync, rename, fsync the directory) and reads that refuse a private
// file others can open. Owns the POSIX calls for key files; never interprets file contents.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "crypto/crypto_error.h"

namespace pardner::crypto {

// Writes all of `content` to `fd`, retrying short writes and EINTR; false on any other failure.
bool write_all(int fd, std::string_view content);

// Replaces `path` with exactly `content` and permission bits `mode`, or leaves it as it was: a
// crash at any point leaves the old file or the new one, never a mix. The temporary file sits
// beside `path` and is created with mode 0600 before anything is written to it. io_failed (with
// the failing call and errno text) on any error; the temporary file is removed then.
CryptoResult<Ok> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                       mode_t mode);

// Reads a whole regular file of at most `bytes_max` bytes. io_failed if it cannot be opened or
// read or is not a regular file; too_large past the bound.
CryptoResult<std::string> read_small_file(const std::filesystem::path& path, std::size_t bytes_max);

// As read_small_file, and first refuses (key_file_insecure) a file whose permission bits give
// its group or others any access: a secret others could read is no longer a secret.
CryptoResult<std::string> read_private_file(const std::filesystem::path& path,
                                            std::size_t bytes_max);

}  // namespace pardner::crypto
