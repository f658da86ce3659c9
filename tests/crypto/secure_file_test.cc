#include "crypto/secure_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

namespace pardner::crypto {
namespace {

namespace fs = std::filesystem;

class SecureFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pardner-file-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
  }
  void TearDown() override { fs::remove_all(directory_); }
  fs::path directory_;
};

TEST_F(SecureFile, ReplacesAFileWholeWithTheGivenMode) {
  const fs::path file = directory_ / "f";
  ASSERT_TRUE(write_file_atomically(file, "first", 0600));
  ASSERT_TRUE(write_file_atomically(file, "second", 0644));
  EXPECT_EQ(read_small_file(file, 100).value(), "second");
  struct stat status {};
  ASSERT_EQ(::stat(file.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0644u);
  EXPECT_EQ(std::distance(fs::directory_iterator(directory_), fs::directory_iterator()), 1);
}

TEST_F(SecureFile, ReadsUpToTheBoundAndRefusesOneByteMore) {
  const fs::path file = directory_ / "f";
  ASSERT_TRUE(write_file_atomically(file, std::string(64, 'x'), 0600));
  EXPECT_TRUE(read_private_file(file, 64));
  EXPECT_EQ(read_private_file(file, 63).error().code, CryptoErrc::too_large);
}

TEST_F(SecureFile, RefusesAPrivateFileOthersCanAccessAndADirectory) {
  const fs::path file = directory_ / "f";
  ASSERT_TRUE(write_file_atomically(file, "secret", 0640));
  EXPECT_EQ(read_private_file(file, 100).error().code, CryptoErrc::key_file_insecure);
  EXPECT_TRUE(read_small_file(file, 100));
  ASSERT_EQ(::chmod(directory_.c_str(), 0700), 0);
  EXPECT_EQ(read_private_file(directory_, 100).error().code, CryptoErrc::io_failed);
  EXPECT_EQ(read_small_file(directory_ / "missing", 100).error().code, CryptoErrc::io_failed);
}

}  // namespace
}  // namespace pardner::crypto
