// The writer's batch: entries signed on several threads give the very log one thread gives, and
// every entry of it verifies; refused commands leave nothing behind without a savepoint each,
// and a command refused after it had written makes the batch run again the careful way.
#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "ledger/integrity_check.h"
#include "ledger/rebuild.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// Every row of the signed log's four tables, as text, in key order.
std::vector<std::string> signed_log_rows(const std::string& db_path) {
  auto db = Database::open(db_path, Database::Mode::read_only);
  EXPECT_TRUE(db) << db.error().detail;
  if (!db) return {};
  std::vector<std::string> rows;
  for (const char* sql : {"SELECT 'entry', seq, leaf FROM entries ORDER BY seq",
                          "SELECT 'signature', seq, signature FROM entry_signatures ORDER BY seq",
                          "SELECT 'node', position, hash FROM merkle_tree ORDER BY position",
                          // Not the empty log's: init_ledger signs it with the ledger's own key.
                          "SELECT 'checkpoint', tree_size, CAST(note AS BLOB) FROM checkpoints"
                          " WHERE tree_size > 0 ORDER BY tree_size"}) {
    auto query = db.value().prepare(sql);
    EXPECT_TRUE(query);
    if (!query) return {};
    while (true) {
      auto row = query.value().step();
      EXPECT_TRUE(row);
      if (!row || !row.value()) break;
      rows.push_back(query.value().column_text(0) + " " +
                     std::to_string(query.value().column_int(1)) + " " +
                     hex(query.value().column_blob(2)));
    }
  }
  return rows;
}

// The same commands, in the same batches, on two ledgers with the same key and clock: one
// writer signing on four threads besides itself, the other signing everything itself.
class SignerThreads : public ::testing::Test {
 protected:
  struct Ledger {
    pardner::testing::TempDir dir;
    std::unique_ptr<Writer> writer;
  };

  void start(Ledger& ledger, const crypto::NamedSigningKey& key, std::size_t threads) {
    Settings settings;
    settings.name = "test";
    ASSERT_TRUE(init_ledger(ledger.dir.path(), settings));
    auto writer = Writer::start(database_path(ledger.dir.path()), clock_, key,
                                WriterOptions{.signer_threads = threads});
    ASSERT_TRUE(writer) << writer.error().detail;
    ledger.writer = std::move(writer.value());
  }

  // Opens accounts, then waves of transfers queued at once (each wave one batch), some refused.
  std::vector<Result<Applied>> run(Writer& writer) {
    std::vector<Result<Applied>> outcomes;
    auto wait_all = [&](std::vector<Command> commands) {
      for (auto& future : writer.submit_all(std::move(commands))) outcomes.push_back(future.get());
    };
    std::vector<Command> opens;
    opens.push_back(OpenAccount{.code = "assets:cash", .type = AccountType::asset});
    for (int i = 0; i < 20; ++i) {
      opens.push_back(OpenAccount{.code = "liabilities:members:" + std::to_string(i),
                                  .type = AccountType::liability,
                                  .floor = Minor{0}});
    }
    wait_all(std::move(opens));
    for (int wave = 0; wave < 3; ++wave) {
      std::vector<Command> transfers;
      for (int i = 0; i < 300; ++i) {
        std::string key = "w" + std::to_string(wave) + "-" + std::to_string(i);
        AccountId member = 2 + i % 20;
        if (i % 37 == 5) {
          // Refused before it writes: the member would go below its floor of 0.
          transfers.push_back(make_transfer(key, member, 1, 1'000'000));
        } else {
          transfers.push_back(make_transfer(key, 1, member, 100 + i));
        }
      }
      wait_all(std::move(transfers));
    }
    return outcomes;
  }

  ManualClock clock_{fixture_start};
};

TEST_F(SignerThreads, ABatchSignedOnSeveralThreadsVerifiesEntryByEntryAndIsTheOneThreadLog) {
  Ledger threaded;
  Ledger alone;
  Settings settings;
  settings.name = "test";
  ASSERT_TRUE(init_ledger(threaded.dir.path(), settings));
  auto key = load_log_key(threaded.dir.path());
  ASSERT_TRUE(key) << key.error().detail;
  auto writer = Writer::start(database_path(threaded.dir.path()), clock_, key.value(),
                              WriterOptions{.signer_threads = 4});
  ASSERT_TRUE(writer) << writer.error().detail;
  threaded.writer = std::move(writer.value());
  start(alone, key.value(), 0);

  auto outcomes = run(*threaded.writer);
  auto outcomes_alone = run(*alone.writer);
  ASSERT_EQ(outcomes.size(), outcomes_alone.size());
  std::size_t refused = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    ASSERT_EQ(outcomes[i].has_value(), outcomes_alone[i].has_value()) << "command " << i;
    if (!outcomes[i]) {
      EXPECT_EQ(outcomes[i].error().code, Errc::insufficient_funds) << "command " << i;
      ++refused;
    }
  }
  EXPECT_EQ(refused, 3U * 8U);
  EXPECT_EQ(threaded.writer->stats().batch_reruns, 0U);
  threaded.writer->stop();
  alone.writer->stop();

  // Every entry's signature is the key's over exactly its leaf bytes.
  auto reader = Reader::open(database_path(threaded.dir.path()));
  ASSERT_TRUE(reader);
  auto size = reader.value().log_size();
  ASSERT_TRUE(size);
  EXPECT_EQ(size.value(), 21 + 3 * (300 - 8));
  for (Seq seq = 0; seq < size.value(); ++seq) {
    auto entry = reader.value().entry(seq);
    auto signature = reader.value().signature(seq);
    ASSERT_TRUE(entry && signature) << "entry " << seq;
    EXPECT_TRUE(crypto::verify(key.value().key.public_key(), entry.value().leaf, signature.value()))
        << "entry " << seq;
  }
  // The whole log: signatures, Merkle tree, every checkpoint, the derived tables.
  auto integrity = check_ledger_integrity(threaded.dir.path());
  ASSERT_TRUE(integrity) << integrity.error().detail;
  EXPECT_TRUE(integrity.value().intact())
      << (integrity.value().intact() ? "" : integrity.value().problems.front());
  EXPECT_EQ(integrity.value().entries, static_cast<std::uint64_t>(size.value()));
  // Byte for byte the log the writer signing alone made.
  auto rows = signed_log_rows(database_path(threaded.dir.path()));
  // n entries, n signatures, 2n - popcount(n) complete Merkle nodes, and the checkpoints for
  // size 21 (the accounts) and after each of the three waves.
  auto n = static_cast<std::size_t>(size.value());
  EXPECT_EQ(rows.size(), 2 * n + 2 * n - static_cast<std::size_t>(std::popcount(n)) + 4);
  auto rows_alone = signed_log_rows(database_path(alone.dir.path()));
  ASSERT_EQ(rows.size(), rows_alone.size());
  for (std::size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i], rows_alone[i]) << "row " << i;
}

TEST(WriterOptions, MoreSignerThreadsThanTheLimitAreRefused) {
  pardner::testing::TempDir dir;
  Settings settings;
  settings.name = "test";
  ASSERT_TRUE(init_ledger(dir.path(), settings));
  auto key = load_log_key(dir.path());
  ASSERT_TRUE(key);
  ManualClock clock{fixture_start};
  auto at_limit = Writer::start(database_path(dir.path()), clock, key.value(),
                                WriterOptions{.signer_threads = signer_threads_max});
  ASSERT_TRUE(at_limit) << at_limit.error().detail;
  at_limit.value()->stop();
  at_limit.value().reset();
  auto past = Writer::start(database_path(dir.path()), clock, key.value(),
                            WriterOptions{.signer_threads = signer_threads_max + 1});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, Errc::invalid_argument);
}

class BatchRefusals : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
  }
  AccountId cash_ = 0;
  AccountId savings_ = 0;
};

// Refusals that come before any write (the usual kind) need no savepoint and no second run.
TEST_F(BatchRefusals, RefusedBeforeWritingLeaveNothingAndTheBatchRunsOnce) {
  ASSERT_TRUE(transfer(cash_, savings_, 500));
  auto size_before = reader_->log_size();
  ASSERT_TRUE(size_before);
  std::vector<Command> wave;
  wave.push_back(make_transfer("a", cash_, savings_, 100));
  wave.push_back(make_transfer("b", savings_, cash_, 10'000));  // below the floor of 0
  wave.push_back(make_transfer("c", cash_, 999, 100));          // no such account
  wave.push_back(make_transfer("d", savings_, cash_, 600));     // 500 + 100: down to 0
  wave.push_back(make_transfer("a", cash_, savings_, 100));     // a replay of "a"
  wave.push_back(make_transfer("a", cash_, savings_, 101));     // "a" with another body
  std::vector<Result<Applied>> outcomes;
  for (auto& future : writer_->submit_all(std::move(wave))) outcomes.push_back(future.get());
  ASSERT_TRUE(outcomes[0]);
  EXPECT_REFUSED(outcomes[1], Errc::insufficient_funds);
  EXPECT_REFUSED(outcomes[2], Errc::not_found);
  ASSERT_TRUE(outcomes[3]);
  EXPECT_EQ(outcomes[3].value().seq, outcomes[0].value().seq + 1);
  ASSERT_TRUE(outcomes[4]);
  EXPECT_TRUE(outcomes[4].value().replayed);
  EXPECT_EQ(outcomes[4].value().seq, outcomes[0].value().seq);
  EXPECT_REFUSED(outcomes[5], Errc::idempotency_conflict);
  EXPECT_EQ(writer_->stats().batch_reruns, 0U);

  EXPECT_EQ(reader_->log_size().value(), size_before.value() + 2);
  EXPECT_EQ(balance(savings_), 0);
  // The refusals were remembered.
  EXPECT_REFUSED(submit(make_transfer("b", savings_, cash_, 10'000)), Errc::insufficient_funds);
  EXPECT_REFUSED(submit(make_transfer("c", cash_, 999, 100)), Errc::not_found);
  auto report = rebuild(db_path());
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_TRUE(report.value().differences.empty());
}

// No command refuses after writing by design, so the test makes one: a trigger (added through
// a connection of its own) silently skips the update that resolves one pending transaction, and
// the projection, finding that the resolution changed no row, refuses the post with not_pending
// after the entry and its Merkle leaf were stored. That batch must run again with a savepoint per
// command: the refused post leaves nothing, the commands around it are applied as usual.
TEST_F(BatchRefusals, RefusedAfterWritingRunsTheBatchAgainWithASavepointPerCommand) {
  ASSERT_TRUE(transfer(cash_, savings_, 1000));
  auto hold = [&](const std::string& key, Minor amount) {
    auto held = make_transfer(key, savings_, cash_, amount);
    held.pending = true;
    auto pending = submit(held);
    EXPECT_TRUE(pending) << (pending ? "" : pending.error().detail);
    return pending ? pending.value().id : 0;
  };
  TransactionId stuck = hold("hold-1", 100);
  TransactionId fine = hold("hold-2", 200);
  auto size_before = reader_->log_size();
  ASSERT_TRUE(size_before);
  {
    auto db = Database::open(db_path(), Database::Mode::read_write);
    ASSERT_TRUE(db) << db.error().detail;
    ASSERT_TRUE(
        db.value().exec("CREATE TRIGGER test_skip_resolution BEFORE UPDATE ON "
                        "transactions WHEN OLD.id = " +
                        std::to_string(stuck) + " BEGIN SELECT RAISE(IGNORE); END"));
  }
  std::vector<Command> wave;
  wave.push_back(make_transfer("t1", cash_, savings_, 10));
  wave.push_back(PostPending{.idempotency_key = "post-stuck", .transaction = stuck});
  wave.push_back(make_transfer("t2", cash_, savings_, 20));
  wave.push_back(PostPending{.idempotency_key = "post-fine", .transaction = fine});
  wave.push_back(make_transfer("t3", savings_, cash_, 1'000'000));  // below the floor
  std::vector<Result<Applied>> outcomes;
  for (auto& future : writer_->submit_all(std::move(wave))) outcomes.push_back(future.get());
  ASSERT_TRUE(outcomes[0]) << outcomes[0].error().detail;
  EXPECT_REFUSED(outcomes[1], Errc::not_pending);
  ASSERT_TRUE(outcomes[2]) << outcomes[2].error().detail;
  ASSERT_TRUE(outcomes[3]) << outcomes[3].error().detail;
  EXPECT_REFUSED(outcomes[4], Errc::insufficient_funds);
  EXPECT_EQ(outcomes[0].value().seq, size_before.value());
  EXPECT_EQ(outcomes[2].value().seq, size_before.value() + 1);
  EXPECT_EQ(outcomes[3].value().seq, size_before.value() + 2);
  EXPECT_EQ(writer_->stats().batch_reruns, 1U);
  {
    auto db = Database::open(db_path(), Database::Mode::read_write);
    ASSERT_TRUE(db) << db.error().detail;
    ASSERT_TRUE(db.value().exec("DROP TRIGGER test_skip_resolution"));
  }

  // The refused post left nothing: no entry, still pending, its hold still on the balance.
  EXPECT_EQ(reader_->log_size().value(), size_before.value() + 3);
  auto view = reader_->transaction(stuck);
  ASSERT_TRUE(view);
  EXPECT_EQ(view.value().row.status, TransactionStatus::pending);
  auto posted = reader_->transaction(fine);
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted.value().row.status, TransactionStatus::posted);
  EXPECT_EQ(balance(savings_), 1000 + 10 + 20 - 200);
  // Its refusal is remembered, as any refusal is.
  EXPECT_REFUSED(submit(PostPending{.idempotency_key = "post-stuck", .transaction = stuck}),
                 Errc::not_pending);
  // The log, its signatures and the derived tables agree.
  writer_->stop();
  auto integrity = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(integrity) << integrity.error().detail;
  EXPECT_TRUE(integrity.value().intact())
      << (integrity.value().intact() ? "" : integrity.value().problems.front());
}

}  // namespace
}  // namespace pardner::ledger::testing
