// Power loss, not only crashes. A kill -9 cannot tell synchronous=NORMAL from FULL (the OS keeps
// what SQLite wrote); a power cut can. tests/support/power_cut_vfs cuts the power at every
// point of a workload and rewrites the files as the cut might leave them. First the harness
// proves it can see losses: plain SQLite commits with synchronous=NORMAL lose answered commits,
// with FULL none. Then the real writer (FULL) loses no answered write at any cut point, and a
// disk that fails one write or one sync never gets a failed commit answered as success.
// PARDNER_POWER_CUTS=N runs N cut points instead of the CI count (the hand run uses 1000).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "ledger/commands.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/rebuild.h"
#include "ledger/writer.h"
#include "tests/support/power_cut_vfs.h"
#include "tests/support/temp_dir.h"

namespace pardner::ledger::testing {
namespace {

using pardner::testing::PowerCutVfs;
using pardner::testing::TempDir;

std::uint64_t cut_points(std::uint64_t ci_count) {
  const char* env = std::getenv("PARDNER_POWER_CUTS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : ci_count;
}

// Plain SQLite, one row per commit, dying at operation `cut`: how many answered commits the
// power cut took away.
std::int64_t plain_sqlite_losses(const std::string& synchronous, std::uint64_t cut) {
  PowerCutVfs& vfs = PowerCutVfs::install();
  TempDir dir;
  std::string path = dir.file("plain.db");
  vfs.reset();
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + synchronous +
                      "; CREATE TABLE t (x INTEGER PRIMARY KEY, v BLOB);";
  EXPECT_EQ(sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  vfs.die_at(vfs.operations() + cut);
  std::int64_t answered = 0;
  for (std::int64_t i = 1; i <= 60; ++i) {
    std::string insert = "INSERT INTO t VALUES (" + std::to_string(i) + ", randomblob(700))";
    if (sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) break;
    answered = i;
  }
  sqlite3_close(db);
  vfs.lose_power(cut);
  vfs.reset();
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  std::string query = "SELECT count(*) FROM t WHERE x <= " + std::to_string(answered);
  // Under NORMAL even the table may be gone: its creation was never synced either.
  std::int64_t present = 0;
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &count, nullptr) == SQLITE_OK &&
      sqlite3_step(count) == SQLITE_ROW) {
    present = sqlite3_column_int64(count, 0);
  }
  sqlite3_finalize(count);
  sqlite3_close(db);
  return answered - present;
}

TEST(PowerLoss, TheHarnessSeesLostCommitsUnderNormalAndNoneUnderFull) {
  std::int64_t lost_full = 0, lost_normal = 0;
  for (std::uint64_t cut = 1; cut <= 120; cut += 3) {
    lost_full += plain_sqlite_losses("FULL", cut);
    lost_normal += plain_sqlite_losses("NORMAL", cut);
  }
  EXPECT_EQ(lost_full, 0);
  EXPECT_GT(lost_normal, 0) << "the harness cannot see a lost commit";
  std::printf("answered commits lost: %lld with FULL, %lld with NORMAL\n",
              static_cast<long long>(lost_full), static_cast<long long>(lost_normal));
}

struct Outcome {
  std::vector<TransactionId> answered;  // every transfer answered as done
  std::map<Minor, TransactionId> answered_by_amount;  // the same, by amount (key "t<amount>")
  bool storage_failure_answered = false;
  bool writer_stopped = false;  // unhealthy at the end of the workload, before it closed
};

// Checkpoints beside the writer from this many WAL frames: low enough that they run (and the
// writer waits for the WAL to start over) between the workload's batches, not only at close.
constexpr std::uint64_t eager_checkpoint_frames = 4;

// What each round of the workload does besides its ten transfers.
enum class Rounds {
  transfers_only,
  // A member's profile corrected in the same batch, so the writer truncates the WAL after
  // every commit (Writer::clear_wal_of_replaced_profiles).
  with_profile_correction,
};

// A ledger with two accounts, then rounds of ten transfers through the real writer until the
// disk stops it. Operation numbers count from the first transfer. With the default options the
// writer's checkpointer only ever runs at close here, and no postings merge starts.
class PowerCut {
 public:
  explicit PowerCut(WriterOptions options = {}, Rounds rounds = Rounds::transfers_only)
      : vfs_(PowerCutVfs::install()), options_(options), rounds_(rounds) {
    vfs_.reset();
    Settings settings;
    settings.name = "power-cut";
    EXPECT_TRUE(init_ledger(dir_.path(), settings));
    with_writer([this](Writer& writer) {
      member_ = writer.submit_and_wait(CreateMember{.display_name = "Ada", .contact = "ada@a.org"})
                    .value()
                    .id;
      cash_ = writer.submit_and_wait(OpenAccount{.code = "assets:cash", .type = AccountType::asset})
                  .value()
                  .id;
      savings_ = writer
                     .submit_and_wait(
                         OpenAccount{.code = "liabilities:savings", .type = AccountType::liability})
                     .value()
                     .id;
    });
  }

  template <class F>
  void with_writer(F&& f) {
    auto key = load_log_key(dir_.path());
    ASSERT_TRUE(key);
    auto writer = Writer::start(database_path(dir_.path()), clock_, key.value(), options_);
    ASSERT_TRUE(writer) << writer.error().detail;
    f(*writer.value());
    writer.value()->stop();
  }

  Outcome run(std::optional<std::uint64_t> die_at, std::optional<std::uint64_t> fail_at) {
    Outcome outcome;
    with_writer([&](Writer& writer) {
      std::uint64_t base = vfs_.operations();
      if (die_at) vfs_.die_at(base + *die_at);
      if (fail_at) vfs_.fail_at(base + *fail_at);
      for (int round = 0; round < 6; ++round) {
        std::vector<Command> transfers;
        for (int i = 0; i < 10; ++i) {
          Minor amount = round * 10 + i + 1;
          transfers.push_back(make_transfer("t" + std::to_string(amount), cash_, savings_, amount));
        }
        if (rounds_ == Rounds::with_profile_correction) {
          transfers.push_back(
              SetMemberProfile{.member = member_, .display_name = "Ada " + std::to_string(round)});
        }
        auto results = writer.submit_all(std::move(transfers));
        for (std::size_t i = 0; i < results.size(); ++i) {
          auto done = results[i].get();
          if (i >= 10) {  // the profile correction
            if (done) {
              EXPECT_FALSE(outcome.storage_failure_answered) << "a write answered after a failure";
            } else if (done.error().code == Errc::storage_failed) {
              outcome.storage_failure_answered = true;
            }
          } else if (done) {
            EXPECT_FALSE(outcome.storage_failure_answered) << "a write answered after a failure";
            outcome.answered.push_back(done.value().id);
            outcome.answered_by_amount[round * 10 + static_cast<Minor>(i) + 1] = done.value().id;
          } else if (done.error().code == Errc::storage_failed) {
            outcome.storage_failure_answered = true;
          }
        }
      }
      outcome.writer_stopped = !writer.healthy();
      if (outcome.storage_failure_answered) {
        EXPECT_TRUE(outcome.writer_stopped);
      }
    });
    return outcome;
  }

  // After the power cut: every answered transfer is there, the log replays to the stored state,
  // and the writer starts again and takes a write.
  void check_after_power_cut(const Outcome& outcome, std::uint64_t seed) {
    vfs_.lose_power(seed);
    vfs_.reset();
    ASSERT_TRUE(open_ledger(dir_.path()));
    {
      auto reader = Reader::open(database_path(dir_.path()));
      ASSERT_TRUE(reader);
      for (TransactionId id : outcome.answered) {
        EXPECT_TRUE(reader.value().transaction(id)) << "answered transaction " << id << " lost";
      }
      auto trial = reader.value().trial_balance();
      ASSERT_TRUE(trial);
      for (const auto& line : trial.value()) EXPECT_EQ(line.debits, line.credits);
    }
    auto rebuilt = rebuild(database_path(dir_.path()));
    ASSERT_TRUE(rebuilt) << rebuilt.error().detail;
    EXPECT_TRUE(rebuilt.value().differences.empty()) << rebuilt.value().differences.front();
    with_writer([this](Writer& writer) {
      EXPECT_TRUE(writer.submit_and_wait(make_transfer("after", cash_, savings_, 1)));
    });
  }

  // Every answered key sent again once the writer is back: replayed with its first result,
  // never applied twice.
  void check_answered_keys_replay(const Outcome& outcome) {
    with_writer([&](Writer& writer) {
      for (const auto& [amount, id] : outcome.answered_by_amount) {
        auto again = writer.submit_and_wait(
            make_transfer("t" + std::to_string(amount), cash_, savings_, amount));
        ASSERT_TRUE(again) << again.error().detail;
        EXPECT_TRUE(again.value().replayed) << "t" << amount;
        EXPECT_EQ(again.value().id, id) << "t" << amount;
      }
    });
  }

  std::uint64_t operations_of_a_whole_run() {
    std::uint64_t before = vfs_.operations();
    run(std::nullopt, std::nullopt);
    return vfs_.operations() - before;
  }

 private:
  PowerCutVfs& vfs_;
  WriterOptions options_;
  Rounds rounds_;
  TempDir dir_;
  SystemClock clock_;
  AccountId cash_ = 0, savings_ = 0;
  MemberId member_ = 0;
};

WriterOptions eager_checkpoints() {
  WriterOptions options;
  options.checkpoint_wal_frames = eager_checkpoint_frames;
  return options;
}

// Recent postings merged into the account-clustered table every few entries.
WriterOptions eager_postings_merges() {
  WriterOptions options;
  options.postings_merge_entries = 4;
  return options;
}

void expect_no_answered_write_lost_at_any_cut(const WriterOptions& options, std::uint64_t ci_cuts,
                                              Rounds rounds = Rounds::transfers_only) {
  std::uint64_t total = PowerCut(options, rounds).operations_of_a_whole_run();
  ASSERT_GT(total, 20u);
  std::uint64_t cuts = cut_points(ci_cuts);
  std::size_t answered = 0;
  for (std::uint64_t n = 0; n < cuts; ++n) {
    std::uint64_t cut = 1 + n * total / cuts;
    SCOPED_TRACE("power cut at operation " + std::to_string(cut) + " of " + std::to_string(total));
    PowerCut ledger(options, rounds);
    Outcome outcome = ledger.run(cut, std::nullopt);
    answered += outcome.answered.size();
    ledger.check_after_power_cut(outcome, n);
    ledger.check_answered_keys_replay(outcome);
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(answered, 0u);
}

TEST(PowerLoss, TheWriterLosesNoAnsweredWriteAtAnyCutPoint) {
  expect_no_answered_write_lost_at_any_cut(WriterOptions{}, 100);
}

// The same with the checkpointer copying the WAL into the database file, and the WAL starting
// over, between batches: a cut in the middle of a checkpoint loses nothing either.
TEST(PowerLoss, CheckpointsBesideTheWriterLoseNoAnsweredWriteAtAnyCutPoint) {
  expect_no_answered_write_lost_at_any_cut(eager_checkpoints(), 100);
}

// The same with the recent postings merged every few entries: a cut inside a merge loses no
// answered write, and the check after the cut replays the log to the same postings.
TEST(PowerLoss, PostingsMergesLoseNoAnsweredWriteAtAnyCutPoint) {
  expect_no_answered_write_lost_at_any_cut(eager_postings_merges(), 100);
}

// The same with a profile corrected in every batch, so the writer truncates the WAL before
// each batch's answers: a cut inside the truncation loses nothing either.
TEST(PowerLoss, WalTruncationsAfterProfileCorrectionsLoseNoAnsweredWriteAtAnyCutPoint) {
  expect_no_answered_write_lost_at_any_cut(WriterOptions{}, 100, Rounds::with_profile_correction);
}

TEST(PowerLoss, AFailedWriteOrSyncIsNeverAnsweredAsDoneAndStopsTheWriter) {
  std::uint64_t total = PowerCut().operations_of_a_whole_run();
  RecordProperty("operations", std::to_string(total));
  std::uint64_t failures_answered = 0;
  for (std::uint64_t n = 1; n <= total; ++n) {
    SCOPED_TRACE("operation " + std::to_string(n) + " of " + std::to_string(total) + " fails");
    PowerCut ledger;
    Outcome outcome = ledger.run(std::nullopt, n);
    if (outcome.storage_failure_answered) failures_answered += 1;
    // What was answered is on disk even if the power goes right after.
    ledger.check_after_power_cut(outcome, n);
    if (HasFailure()) return;
  }
  // Most operations belong to a commit and their failure is answered; the rest belong to the
  // checkpoint when the writer closes, after the last answer.
  EXPECT_GT(failures_answered, total / 2);
  std::printf("%llu operations failed one at a time, %llu of them answered storage_failed\n",
              static_cast<unsigned long long>(total),
              static_cast<unsigned long long>(failures_answered));
}

}  // namespace
}  // namespace pardner::ledger::testing

namespace pardner::ledger::testing {
namespace {

// Fails every write and sync of a whole run with `options`, one at a time, checks after each
// that no answered write (and no answered key) was lost, and returns how many failures stopped
// the writer; prints it too. Out of `total`, the run's operation count.
std::uint64_t writer_stops_over_every_failure(const WriterOptions& options, std::uint64_t& total,
                                              Rounds rounds = Rounds::transfers_only) {
  total = PowerCut(options, rounds).operations_of_a_whole_run();
  std::uint64_t stopped = 0;
  for (std::uint64_t n = 1; n <= total; ++n) {
    SCOPED_TRACE("operation " + std::to_string(n) + " of " + std::to_string(total) + " fails");
    PowerCut ledger(options, rounds);
    Outcome outcome = ledger.run(std::nullopt, n);
    if (outcome.writer_stopped) stopped += 1;
    ledger.check_after_power_cut(outcome, n);
    ledger.check_answered_keys_replay(outcome);
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("%llu operations failed one at a time, %llu of them stopped the writer\n",
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(stopped));
  return stopped;
}

// Every write and sync, the checkpointer's among them, failed one at a time: none loses an
// answered write, and one the checkpointer meets stops the writer as a failed commit does
// (readiness red), though nothing committed was lost.
TEST(PowerLoss, AFailedWriteOrSyncInACheckpointStopsTheWriterToo) {
  std::uint64_t total = 0;
  std::uint64_t stopped = writer_stops_over_every_failure(eager_checkpoints(), total);
  // Only a failure in the checkpoint the writer's connection makes as it closes, after the
  // workload, leaves it running.
  EXPECT_GT(stopped, total * 3 / 4);
}

// The same with the recent postings merged every few entries: a failure inside a merge, after
// its batch was answered, loses nothing and stops the writer.
TEST(PowerLoss, AFailedWriteOrSyncInAPostingsMergeStopsTheWriterToo) {
  std::uint64_t total = 0;
  std::uint64_t stopped = writer_stops_over_every_failure(eager_postings_merges(), total);
  EXPECT_GT(stopped, total * 4 / 5);
}

// The same with a profile corrected in every batch: a failure inside the WAL truncation that
// follows, after the batch was committed and before its answers, loses nothing, and stops the
// writer.
TEST(PowerLoss, AFailedWriteOrSyncInAWalTruncationStopsTheWriterToo) {
  std::uint64_t total = 0;
  std::uint64_t stopped =
      writer_stops_over_every_failure(WriterOptions{}, total, Rounds::with_profile_correction);
  // 280 of 288 here (2026-11-24); with a failed truncation taken for one held back, 182.
  EXPECT_GT(stopped, total * 4 / 5);
}

}  // namespace
}  // namespace pardner::ledger::testing
