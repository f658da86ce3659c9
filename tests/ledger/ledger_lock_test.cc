// ledger/ledger_lock: one holder at a time, the refusal naming the holder, release when the
// lock goes (moved locks included), and a missing directory refused as not_found.
#include "ledger/ledger_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "tests/support/temp_dir.h"

namespace pardner::ledger {
namespace {

TEST(LedgerLock, OneHolderAtATimeAndTheRefusalNamesIt) {
  pardner::testing::TempDir dir;
  auto first = LedgerLock::acquire(dir.path(), "serve");
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_TRUE(std::filesystem::exists(lock_path(dir.path())));
  // A second open of the file is refused, in this process too (flock: per open file).
  auto second = LedgerLock::acquire(dir.path(), "restore");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::unavailable);
  EXPECT_NE(
      second.error().detail.find("is locked by pardner serve, pid " + std::to_string(::getpid())),
      std::string::npos)
      << second.error().detail;
  // Moved, it is still held; destroyed, it is free.
  LedgerLock moved = std::move(first).value();
  EXPECT_FALSE(LedgerLock::acquire(dir.path(), "restore"));
  { LedgerLock gone = std::move(moved); }
  auto third = LedgerLock::acquire(dir.path(), "restore");
  ASSERT_TRUE(third) << third.error().detail;
  auto fourth = LedgerLock::acquire(dir.path(), "serve");
  ASSERT_FALSE(fourth);
  EXPECT_NE(fourth.error().detail.find("pardner restore"), std::string::npos)
      << fourth.error().detail;
}

TEST(LedgerLock, AMissingDirectoryIsNotFound) {
  pardner::testing::TempDir dir;
  auto missing = LedgerLock::acquire(dir.file("nothing"), "serve");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_FALSE(std::filesystem::exists(dir.file("nothing")));
}

}  // namespace
}  // namespace pardner::ledger
