// `pardner backup` and `pardner restore` against the real server: backups taken while a client
// keeps writing over HTTPS are each a prefix of the live log (the same entries by seq, and an
// RFC 9162 consistency proof from the backup's checkpoint to the live one); a restored backup is
// served with the balances it was taken at; a backup with one byte changed, an older backup
// than a checkpoint the operator kept, and a restore over a running server are all refused, and
// so is a server started while a restore replaces its ledger.
#include "ledger/backup.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "crypto/merkle.h"
#include "ledger/ledger_lock.h"
#include "ledger/reader.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/log_leaves.h"

namespace pardner::e2e {
namespace {

class Backup : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  // Runs `pardner ARGS`, its stdout and stderr kept in dir_/out.txt; the exit code.
  int pardner(const std::string& args) {
    int status = run_command(std::string(PARDNER_BINARY) + " " + args + " >" +
                             dir_.file("out.txt") + " 2>&1");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string output() const { return read_file(dir_.file("out.txt")); }

  std::string transfer(std::int64_t amount) const {
    return R"({"debit_account":)" + std::to_string(cash_) + R"(,"credit_account":)" +
           std::to_string(savings1_) + R"(,"amount":)" + std::to_string(amount) + "}";
  }

  // The balance GET /v1/accounts/{id} shows on the server at `port`.
  std::int64_t balance(int port, ledger::AccountId account) {
    HttpsOptions options;
    options.endpoint = {"127.0.0.1", static_cast<std::uint16_t>(port)};
    options.ca_file = certs_->file("tls.crt");
    auto client = HttpsClient::connect(options);
    EXPECT_TRUE(client);
    if (!client) return -1;
    auto response = client.value()->get("/v1/accounts/" + std::to_string(account), admin_token_);
    EXPECT_TRUE(response);
    if (!response || response->status != 200) return -1;
    return boost::json::parse(response->body).at("balance").as_int64();
  }

  // A ledger directory holding the log's keys and the TLS files, and nothing else: what an
  // operator sets up before restoring onto a new machine.
  std::string fresh_dir_with_keys(const std::string& name) {
    std::string dir = dir_.file(name);
    std::filesystem::create_directory(dir);
    for (const char* file : {"signing.key", "verifier.key", "tls.crt", "tls.key"}) {
      std::filesystem::copy_file(data_dir() + "/" + file, dir + "/" + file);
    }
    return dir;
  }
};

// One backup's log as its own file holds it.
struct BackupLog {
  ledger::StoredCheckpoint checkpoint;
  std::vector<std::string> leaves;
};

using pardner::testing::read_leaves;

BackupLog read_backup(const std::string& file) {
  BackupLog log;
  auto reader = ledger::Reader::open(file);
  EXPECT_TRUE(reader) << reader.error().detail;
  if (!reader) return log;
  auto checkpoint = reader.value().latest_checkpoint();
  EXPECT_TRUE(checkpoint);
  if (!checkpoint) return log;
  log.checkpoint = checkpoint.value();
  auto leaves = read_leaves(reader.value(), log.checkpoint.tree_size);
  EXPECT_TRUE(leaves);
  if (leaves) log.leaves = leaves.value();
  return log;
}

TEST_F(Backup, BackupsTakenUnderWriteLoadArePrefixesOfTheLiveLog) {
  // The load: one connection posting transfers until told to stop, counting the answers.
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable answered_cv;
  std::int64_t answered = 0;
  std::int64_t refused = 0;
  std::string refusal;
  auto client = connect();
  ASSERT_NE(client, nullptr);
  std::thread load([&] {
    for (std::int64_t i = 0; !stop.load(); ++i) {
      bool sent = client->send(post_request("/v1/transactions", transfer(1 + i % 7), admin_token_,
                                            "load-" + std::to_string(i)));
      auto response = client->read_response();
      std::lock_guard lock(mutex);
      if (sent && response && response->status == 201) {
        ++answered;
      } else {
        ++refused;
        refusal = !sent      ? "send failed"
                  : response ? std::to_string(response->status) + " " + response->body
                             : response.error().detail;
      }
      answered_cv.notify_all();
      if (refused > 0) return;
    }
  });
  auto wait_for_answers = [&](std::int64_t count) {
    std::unique_lock lock(mutex);
    return answered_cv.wait_for(lock, std::chrono::seconds(30),
                                [&] { return answered >= count || refused > 0; });
  };

  constexpr std::size_t backups_count = 3;
  std::vector<std::string> files;
  std::vector<std::int64_t> answered_before;
  for (std::size_t i = 0; i < backups_count; ++i) {
    // Each backup starts only after more writes were answered, so the log grows under it.
    ASSERT_TRUE(wait_for_answers(20 * static_cast<std::int64_t>(i + 1)));
    {
      std::lock_guard lock(mutex);
      answered_before.push_back(answered);
    }
    files.push_back(dir_.file("backup-" + std::to_string(i) + ".db"));
    ASSERT_EQ(pardner("backup --data " + data_dir() + " --out " + files.back()), 0) << output();
    EXPECT_NE(output().find("verified"), std::string::npos) << output();
  }
  ASSERT_TRUE(wait_for_answers(answered_before.back() + 20));
  stop = true;
  load.join();
  EXPECT_EQ(refused, 0) << refusal << "\n" << read_file(stderr_file());

  auto live = ledger::Reader::open(ledger::database_path(data_dir()));
  ASSERT_TRUE(live);
  auto live_checkpoint = live.value().latest_checkpoint();
  ASSERT_TRUE(live_checkpoint);
  std::uint64_t live_size = live_checkpoint.value().tree_size;
  auto live_leaves = read_leaves(live.value(), live_size);
  ASSERT_TRUE(live_leaves);

  std::uint64_t previous_size = 0;
  for (std::size_t i = 0; i < backups_count; ++i) {
    SCOPED_TRACE(files[i]);
    BackupLog backup = read_backup(files[i]);
    std::uint64_t size = backup.checkpoint.tree_size;
    // Populate made 7 entries and the load had answered this many before the backup began.
    EXPECT_GE(size, static_cast<std::uint64_t>(7 + answered_before[i]));
    EXPECT_GT(size, previous_size);
    EXPECT_LT(size, live_size);
    previous_size = size;
    ASSERT_EQ(backup.leaves.size(), size);
    for (std::uint64_t seq = 0; seq < size; ++seq) {
      ASSERT_EQ(backup.leaves[seq], live_leaves.value()[seq]) << "entry " << seq;
    }
    // The backup's signed root is consistent with the live one (RFC 9162 §2.1.4).
    auto proof = live.value().consistency_proof(size, live_size);
    ASSERT_TRUE(proof);
    EXPECT_TRUE(crypto::verify_consistency(size, live_size, backup.checkpoint.root_hash,
                                           live_checkpoint.value().root_hash, proof.value()));
  }
}

TEST_F(Backup, ARestoredBackupIsServedWithTheBalancesItWasTakenAt) {
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto post = [&](std::int64_t amount, const std::string& key) {
    ASSERT_TRUE(
        client->send(post_request("/v1/transactions", transfer(amount), admin_token_, key)));
    auto response = client->read_response();
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, 201) << response->body;
  };
  post(100, "before-1");
  post(23, "before-2");
  std::int64_t backed_up_balance = balance(server_->port(), savings1_);
  EXPECT_EQ(backed_up_balance, 5000 + 123);
  std::string file = dir_.file("backup.db");
  ASSERT_EQ(pardner("backup --data " + data_dir() + " --out " + file), 0) << output();
  // A backup is never written over an existing file.
  EXPECT_EQ(pardner("backup --data " + data_dir() + " --out " + file), 1);
  EXPECT_NE(output().find("already_exists"), std::string::npos) << output();
  post(1000, "after-1");
  EXPECT_EQ(balance(server_->port(), savings1_), backed_up_balance + 1000);

  // Not over a running server's ledger, even with --force; not over a ledger without it.
  EXPECT_EQ(pardner("restore --from " + file + " --data " + data_dir() + " --force"), 1);
  EXPECT_NE(output().find("is locked by pardner serve, pid " + std::to_string(server_->pid())),
            std::string::npos)
      << output();
  std::string checkpoint_file = dir_.file("kept.checkpoint");
  {
    auto newer = client->get("/v1/log/checkpoint", auditor_token_);
    ASSERT_TRUE(newer);
    std::ofstream(checkpoint_file) << newer->body;
  }
  client.reset();
  stop_server();
  EXPECT_EQ(pardner("restore --from " + file + " --data " + data_dir()), 1);
  EXPECT_NE(output().find("already holds a ledger"), std::string::npos) << output();

  // A rollback: the operator kept a checkpoint newer than the backup.
  std::string fresh = fresh_dir_with_keys("restored");
  EXPECT_EQ(pardner("restore --from " + file + " --data " + fresh + " --since " + checkpoint_file),
            2);
  EXPECT_NE(output().find("problem: log:"), std::string::npos) << output();
  EXPECT_FALSE(std::filesystem::exists(ledger::database_path(fresh)));

  // Without the keys in place there is nothing to verify it against.
  std::string keyless = dir_.file("keyless");
  std::filesystem::create_directory(keyless);
  EXPECT_EQ(pardner("restore --from " + file + " --data " + keyless), 1);
  EXPECT_NE(output().find("verifier.key"), std::string::npos) << output();

  ASSERT_EQ(pardner("restore --from " + file + " --data " + fresh), 0) << output();
  EXPECT_NE(output().find("restored"), std::string::npos) << output();
  std::string error;
  auto restored = ServerProcess::start(PARDNER_BINARY, fresh, {}, dir_.file("restored.err"), error);
  ASSERT_NE(restored, nullptr) << error;
  EXPECT_EQ(balance(restored->port(), savings1_), backed_up_balance);
  EXPECT_EQ(balance(restored->port(), savings2_), 700);
  restored->signal(SIGTERM);
  EXPECT_EQ(restored->wait_exit(std::chrono::seconds(20)), 0);

  // --force over a stopped server's ledger keeps the replaced one aside, whole.
  ASSERT_EQ(pardner("restore --from " + file + " --data " + data_dir() + " --force"), 0)
      << output();
  EXPECT_NE(output().find("replaced-"), std::string::npos) << output();
  start_server();
  EXPECT_EQ(balance(server_->port(), savings1_), backed_up_balance);
}

TEST_F(Backup, ABackupWithOneByteChangedIsRefusedByRestore) {
  std::string file = dir_.file("backup.db");
  ASSERT_EQ(pardner("backup --data " + data_dir() + " --out " + file), 0) << output();
  stop_server();

  // Change one letter of an entry's canonical JSON inside the file: its signature no longer
  // verifies. (A random byte may land in free space and change nothing.)
  std::string bytes = read_file(file);
  std::size_t at = bytes.find(R"("kind":"transaction")");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 9] ^= 0x01;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;

  std::string fresh = fresh_dir_with_keys("restored");
  EXPECT_EQ(pardner("restore --from " + file + " --data " + fresh), 2);
  EXPECT_NE(output().find("problem: log: "), std::string::npos) << output();
  EXPECT_NE(output().find("nothing was restored"), std::string::npos) << output();
  EXPECT_FALSE(std::filesystem::exists(ledger::database_path(fresh)));
  // Nothing of the attempt is left behind but the directory's lock file, which stays for the
  // next holder (removing it could let two holders lock two different files).
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fresh)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 5u);
  EXPECT_TRUE(std::filesystem::exists(ledger::lock_path(fresh)));
}

// The real server started while a restore is between its check and its rename (paused there by
// the test hook) is refused by the lock the restore holds, instead of opening the file about to
// be replaced; once the restore is done, a server starts on the restored ledger.
TEST_F(Backup, AServerCannotStartWhileARestoreReplacesItsLedger) {
  std::string file = dir_.file("backup.db");
  ASSERT_EQ(pardner("backup --data " + data_dir() + " --out " + file), 0) << output();
  {
    auto client = connect();
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->send(post_request("/v1/transactions", transfer(250), admin_token_, "k")));
    auto response = client->read_response();
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, 201) << response->body;
  }
  stop_server();

  int attempts = 0;
  std::string refusal;
  ledger::RestoreOptions options{.force = true, .before_rename_for_test = [&] {
                                   ++attempts;
                                   std::string error;
                                   auto during =
                                       ServerProcess::start(PARDNER_BINARY, data_dir(), {},
                                                            dir_.file("during.err"), error);
                                   EXPECT_EQ(during, nullptr) << "a server started mid-restore";
                                   refusal = read_file(dir_.file("during.err"));
                                 }};
  auto restored = ledger::restore_ledger(file, data_dir(), options);
  ASSERT_TRUE(restored) << restored.error().detail;
  EXPECT_TRUE(restored.value().restored);
  EXPECT_EQ(attempts, 1);
  EXPECT_NE(refusal.find("is locked by pardner restore, pid " + std::to_string(::getpid())),
            std::string::npos)
      << refusal;
  start_server();
  EXPECT_EQ(balance(server_->port(), savings1_), 5000);  // as backed up, without the 250
}

// The CLI's HTTPS client while this process runs commands: each child's exit sends SIGCHLD,
// which fails a socket read that has a timeout with EINTR. The client used to report that as
// "the connection closed" (it broke the load thread above whenever a backup ran).
TEST_F(Backup, TheHttpsClientRidesOutSignalsFromChildProcesses) {
  auto client = connect();
  ASSERT_NE(client, nullptr);
  std::atomic<bool> done{false};
  std::string failure;
  std::thread load([&] {
    for (int i = 0; i < 200 && failure.empty(); ++i) {
      if (!client->send(post_request("/v1/transactions", transfer(1), admin_token_,
                                     "signals-" + std::to_string(i)))) {
        failure = "send " + std::to_string(i);
      }
      auto response = client->read_response();
      if (failure.empty() && !response) failure = response.error().detail;
    }
    done = true;
  });
  int commands = 0;
  while (!done) {
    run_command("true");
    ++commands;
  }
  load.join();
  EXPECT_EQ(failure, "");
  EXPECT_GT(commands, 0);
}

}  // namespace
}  // namespace pardner::e2e
