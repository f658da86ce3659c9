// ledger/backup without a server: the refusals of backup and restore in the order the code
// checks them, a copy that equals its source, and a restore that replaces a ledger only with
// force, keeping the old one aside, and the directory's lock held from the first check to the
// rename. (A restore over a running server, and backups under write load, are in
// tests/e2e/backup_test.cc: a process's own SQLite locks are invisible to F_GETLK.)
#include "ledger/backup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "ledger/ledger_files.h"
#include "ledger/ledger_lock.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "tests/support/temp_dir.h"

namespace pardner::ledger {
namespace {

namespace fs = std::filesystem;

class BackupFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    Settings settings;
    settings.name = "backup";
    ASSERT_TRUE(init_ledger(source(), settings));
  }
  std::string source() const { return dir_.file("source"); }
  // A directory holding only the source's keys: where a backup may be restored.
  std::string keyed_dir(const std::string& name) const {
    std::string dir = dir_.file(name);
    fs::create_directory(dir);
    fs::copy_file(signing_key_path(source()), signing_key_path(dir));
    fs::copy_file(verifier_key_path(source()), verifier_key_path(dir));
    return dir;
  }
  pardner::testing::TempDir dir_;
};

TEST_F(BackupFiles, BackupRefusals) {
  auto none = backup_ledger(dir_.file("nothing"), dir_.file("a.db"));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
  std::ofstream(dir_.file("taken.db")) << "x";
  auto taken = backup_ledger(source(), dir_.file("taken.db"));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, Errc::already_exists);
}

TEST_F(BackupFiles, ACopyHoldsTheSourcesCheckpointAndIsPrivate) {
  std::string file = dir_.file("b.db");
  auto made = backup_ledger(source(), file);
  ASSERT_TRUE(made) << made.error().detail;
  ASSERT_TRUE(made.value().check.intact());
  auto live = Reader::open(database_path(source()));
  ASSERT_TRUE(live);
  EXPECT_EQ(made.value().checkpoint.note, live.value().latest_checkpoint().value().note);
  EXPECT_EQ(made.value().bytes, fs::file_size(file));
  EXPECT_EQ(fs::status(file).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
  // Nothing of the staging directory is left.
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 2u);  // source/ and b.db
}

TEST_F(BackupFiles, RestoreRefusalsInOrder) {
  std::string file = dir_.file("b.db");
  ASSERT_TRUE(backup_ledger(source(), file));
  struct Case {
    std::string backup, dir;
    bool locked;  // DIR's lock held elsewhere (by a running server)
    Errc code;
  };
  std::string keyless = dir_.file("keyless");
  fs::create_directory(keyless);
  for (const Case& c :
       {Case{dir_.file("missing.db"), source(), true, Errc::not_found},
        Case{file, keyless, true, Errc::not_found}, Case{file, source(), true, Errc::unavailable},
        Case{file, source(), false, Errc::already_exists}}) {
    SCOPED_TRACE(c.backup + " -> " + c.dir + (c.locked ? " (locked)" : ""));
    std::optional<LedgerLock> server;
    if (c.locked && fs::exists(c.dir)) {
      auto lock = LedgerLock::acquire(c.dir, "serve");
      ASSERT_TRUE(lock) << lock.error().detail;
      server.emplace(std::move(lock).value());
    }
    auto refused = restore_ledger(c.backup, c.dir, RestoreOptions{.force = c.locked});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, c.code) << refused.error().detail;
  }
  EXPECT_FALSE(fs::exists(database_path(keyless)));
}

TEST_F(BackupFiles, RestoreWithForceKeepsTheReplacedLedgerAside) {
  std::string file = dir_.file("b.db");
  ASSERT_TRUE(backup_ledger(source(), file));
  auto restored = restore_ledger(file, source(), RestoreOptions{.force = true});
  ASSERT_TRUE(restored) << restored.error().detail;
  ASSERT_TRUE(restored.value().restored);
  ASSERT_TRUE(restored.value().replaced_dir);
  EXPECT_TRUE(fs::exists(fs::path(*restored.value().replaced_dir) / "ledger.db"));
  auto check = check_ledger_integrity(source());
  ASSERT_TRUE(check);
  EXPECT_TRUE(check.value().intact());
}

// The lock is held from before the first check until the rename is synced: at the last moment
// before the rename a server could not take it, and once restore returns it can.
TEST_F(BackupFiles, RestoreHoldsTheServersLockUntilTheRenameIsDone) {
  std::string file = dir_.file("b.db");
  ASSERT_TRUE(backup_ledger(source(), file));
  for (bool replacing : {false, true}) {
    SCOPED_TRACE(replacing ? "over a ledger, with force" : "into a directory with keys only");
    std::string dir = replacing ? source() : keyed_dir("fresh");
    int hook_runs = 0;
    RestoreOptions options{
        .force = replacing, .before_rename_for_test = [&] {
          ++hook_runs;
          auto server = LedgerLock::acquire(dir, "serve");
          ASSERT_FALSE(server);
          EXPECT_EQ(server.error().code, Errc::unavailable);
          EXPECT_NE(server.error().detail.find("pardner restore"), std::string::npos)
              << server.error().detail;
        }};
    auto restored = restore_ledger(file, dir, options);
    ASSERT_TRUE(restored) << restored.error().detail;
    EXPECT_TRUE(restored.value().restored);
    EXPECT_EQ(hook_runs, 1);
    EXPECT_TRUE(LedgerLock::acquire(dir, "serve"));
  }
}

TEST_F(BackupFiles, ABackupSignedByAnotherKeyIsRefused) {
  Settings settings;
  settings.name = "other";
  ASSERT_TRUE(init_ledger(dir_.file("other"), settings));
  std::string file = dir_.file("other.db");
  ASSERT_TRUE(backup_ledger(dir_.file("other"), file));
  std::string dir = keyed_dir("fresh");
  auto refused = restore_ledger(file, dir);
  ASSERT_TRUE(refused) << refused.error().detail;
  EXPECT_FALSE(refused.value().restored);
  ASSERT_FALSE(refused.value().backup.check.problems.empty());
  EXPECT_EQ(refused.value().backup.check.problems[0].rfind("log: ", 0), 0u)
      << refused.value().backup.check.problems[0];
  EXPECT_FALSE(fs::exists(database_path(dir)));
}

}  // namespace
}  // namespace pardner::ledger
