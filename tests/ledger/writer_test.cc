// The single writer under load: many threads at once get correct, distinct results; a batch
// that was answered survives the process being killed; a full queue answers unavailable.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "ledger/rebuild.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class WriterTest : public LedgerTest {};

// Built by appending: GCC 12 reports a false -Wrestrict for "literal" + std::string chains here
// (GCC bug 105651).
std::string key_of(const char* prefix, int a, int b) {
  std::string key(prefix);
  key += std::to_string(a);
  key += '-';
  key += std::to_string(b);
  return key;
}

TEST_F(WriterTest, ManyThreadsSubmittingAtOnceEachGetTheirOwnCorrectResult) {
  auto cash = open("assets:cash", AccountType::asset);
  constexpr int threads = 8;
  constexpr int per_thread = 200;
  std::vector<AccountId> members;
  for (int t = 0; t < threads; ++t) {
    members.push_back(open("liabilities:members:" + std::to_string(t), AccountType::liability));
  }
  std::vector<std::vector<Applied>> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto key = key_of("t", t, i);
        auto done = writer_->submit_and_wait(make_transfer(key, cash, members[static_cast<std::size_t>(t)], t + 1));
        if (done) results[static_cast<std::size_t>(t)].push_back(done.value());
      }
    });
  }
  for (auto& worker : workers) worker.join();
  std::set<Seq> seqs;
  for (int t = 0; t < threads; ++t) {
    ASSERT_EQ(results[static_cast<std::size_t>(t)].size(), static_cast<std::size_t>(per_thread));
    for (const Applied& applied : results[static_cast<std::size_t>(t)]) {
      EXPECT_TRUE(seqs.insert(applied.seq).second) << "seq " << applied.seq << " answered twice";
      auto view = reader_->transaction(applied.id).value();
      EXPECT_EQ(view.row.seq, applied.seq);
      EXPECT_EQ(view.postings[0].account, cash);
      EXPECT_EQ(view.postings[0].amount, t + 1);
    }
    EXPECT_EQ(balance(members[static_cast<std::size_t>(t)]), per_thread * (t + 1));
  }
  EXPECT_GT(writer_->stats().commands, writer_->stats().batches);  // group commit happened
  auto report = rebuild(db_path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().differences.empty());
}

TEST_F(WriterTest, AnsweredWritesSurviveTheProcessBeingKilled) {
  auto cash = open("assets:cash", AccountType::asset);
  auto savings = open("liabilities:savings", AccountType::liability);
  writer_->stop();
  writer_.reset();
  reader_.reset();  // no SQLite connection may cross the fork
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child writes as fast as it can, reporting each answered seq on the pipe, until killed.
    ::close(pipe_fds[0]);
    SystemClock clock;
    auto key = load_log_key(dir_.path());
    if (!key) ::_exit(2);
    auto writer = Writer::start(db_path(), clock, key.value());
    if (!writer) ::_exit(3);
    for (int i = 0;; ++i) {
      std::vector<std::future<Result<Applied>>> batch;
      for (int k = 0; k < 50; ++k) {
        batch.push_back(writer.value()->submit(
            make_transfer(key_of("kill-", i, k), cash, savings, 1)));
      }
      for (auto& future : batch) {
        auto done = future.get();
        if (!done) ::_exit(4);
        Seq seq = done.value().seq;
        if (::write(pipe_fds[1], &seq, sizeof seq) != sizeof seq) ::_exit(5);
      }
    }
  }
  ::close(pipe_fds[1]);
  std::vector<Seq> answered;
  Seq seq = 0;
  while (answered.size() < 500 && ::read(pipe_fds[0], &seq, sizeof seq) == sizeof seq) {
    answered.push_back(seq);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(pipe_fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
  ASSERT_EQ(answered.size(), 500u);

  auto reopened = open_ledger(dir_.path());
  ASSERT_TRUE(reopened);
  auto reader = Reader::open(db_path()).value();
  for (Seq answered_seq : answered) {
    auto entry = reader.entry(answered_seq);
    ASSERT_TRUE(entry) << "answered entry " << answered_seq << " lost";
    EXPECT_EQ(entry.value().kind, EntryKind::transaction);
  }
  auto size = reader.log_size().value();
  EXPECT_EQ(reader.balance(savings).value().balance, size - 2);  // every transfer whole, none half
  auto report = rebuild(db_path());
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_TRUE(report.value().differences.empty());
}

TEST_F(WriterTest, StatsCountEveryCommittedBatchInItsHistograms) {
  auto cash = open("assets:cash", AccountType::asset);
  auto savings = open("liabilities:savings", AccountType::liability);
  std::vector<Command> commands;
  for (int i = 0; i < 5; ++i) commands.push_back(make_transfer(next_key(), cash, savings, 1));
  commands.push_back(make_transfer(next_key(), cash, 999, 1));  // refused, still a command
  for (auto& done : writer_->submit_all(std::move(commands))) (void)done.get();

  WriterStats stats = writer_->stats();
  EXPECT_EQ(stats.commands, 8u);
  EXPECT_EQ(stats.entries, 7u);
  EXPECT_EQ(stats.queue_commands, 0u);
  // Two openings alone, then the six submit_all queued under one lock, in one batch.
  EXPECT_EQ(stats.batches, 3u);
  EXPECT_EQ(stats.batch_commands.count, stats.batches);
  EXPECT_EQ(stats.batch_commands.sum, stats.commands);
  ASSERT_EQ(stats.batch_commands.bounds.size(), std::size(batch_commands_bounds));
  EXPECT_EQ(stats.batch_commands.cumulative[0], 2u);  // <= 1
  EXPECT_EQ(stats.batch_commands.cumulative[2], 2u);  // <= 4
  EXPECT_EQ(stats.batch_commands.cumulative[3], 3u);  // <= 8
  EXPECT_EQ(stats.commit_micros.count, stats.batches);
  EXPECT_EQ(stats.commit_micros.bounds.front(), 500u);
}

// Named, so top -H, perf and /proc tell the writer from the threads beside it.
TEST_F(WriterTest, ItsThreadsCarryTheirNames) {
  std::multiset<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  EXPECT_EQ(names.count("pardner-writer"), 1U);
  EXPECT_EQ(names.count("pardner-walckpt"), 1U);
  EXPECT_EQ(names.count("pardner-signer"), writer_options_.signer_threads);
}

TEST_F(WriterTest, RefusesWithUnavailableAfterStop) {
  writer_->stop();
  auto cash = 1;
  EXPECT_REFUSED(writer_->submit_and_wait(make_transfer("late", cash, 2, 1)), Errc::unavailable);
}

}  // namespace
}  // namespace pardner::ledger::testing
