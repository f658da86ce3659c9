// The accounts the writer publishes in memory (ledger/published_accounts.h) and the wal-index
// watch that turns them odd before a commit is visible (ledger/wal_index_watch.h): they match
// SQLite after every answer, a request reads them only under an even publication, and no reader
// of SQLite ever sees a commit that memory, found even afterwards, lacks.
#include <atomic>
#include <thread>

#include "ledger/state.h"
#include "ledger/wal_index_watch.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger {
namespace {

void expect_same(const Account& memory, const Account& stored) {
  EXPECT_EQ(memory.id, stored.id);
  EXPECT_EQ(memory.code, stored.code);
  EXPECT_EQ(memory.type, stored.type);
  EXPECT_EQ(memory.currency, stored.currency);
  EXPECT_EQ(memory.member, stored.member);
  EXPECT_EQ(memory.closed, stored.closed);
  EXPECT_EQ(memory.floor, stored.floor);
  EXPECT_EQ(memory.opened_seq, stored.opened_seq);
  EXPECT_EQ(memory.closed_seq, stored.closed_seq);
  EXPECT_EQ(memory.debits_posted, stored.debits_posted);
  EXPECT_EQ(memory.credits_posted, stored.credits_posted);
  EXPECT_EQ(memory.debits_pending, stored.debits_pending);
  EXPECT_EQ(memory.credits_pending, stored.credits_pending);
}

class PublishedAccountsTest : public testing::LedgerTest {
 protected:
  const PublishedAccounts& published() { return writer_->published_accounts(); }

  // After an answer: memory holds every account exactly as SQLite does, under an even value.
  void expect_published(const std::vector<AccountId>& ids) {
    EXPECT_EQ(published().publication() % 2, 0u);
    EXPECT_FALSE(published().disabled());
    for (AccountId id : ids) {
      auto stored = reader_->account(id);
      ASSERT_TRUE(stored) << stored.error().detail;
      auto held = published().find(id);
      ASSERT_TRUE(held.has_value()) << "account " << id;
      expect_same(*held, stored.value());
    }
  }
};

TEST_F(PublishedAccountsTest, HoldEveryAccountAsSQLiteDoesOnceACommitIsAnswered) {
  AccountId cash = open("assets:cash", AccountType::asset);
  AccountId savings = open("liabilities:savings", AccountType::liability, Minor{0});
  expect_published({cash, savings});
  const std::uint64_t before = published().publication();
  ASSERT_TRUE(transfer(cash, savings, 125));
  EXPECT_GT(published().publication(), before);
  expect_published({cash, savings});

  auto pending = make_transfer(next_key(), savings, cash, 25);
  pending.pending = true;
  ASSERT_TRUE(submit(pending));
  expect_published({cash, savings});

  AccountId spare = open("assets:spare", AccountType::asset);
  ASSERT_TRUE(submit(CloseAccount{.idempotency_key = next_key(), .account = spare}));
  expect_published({cash, savings, spare});
  EXPECT_TRUE(published().find(spare)->closed);
  EXPECT_EQ(published().size(), 3u);
}

TEST_F(PublishedAccountsTest, AWriterStartedOnAStoredLedgerLoadsEveryAccount) {
  AccountId cash = open("assets:cash", AccountType::asset);
  AccountId savings = open("liabilities:savings", AccountType::liability);
  ASSERT_TRUE(transfer(cash, savings, 40));
  writer_->stop();
  writer_.reset();
  start_writer();
  expect_published({cash, savings});
}

// Memory and the file made to differ behind the writer's back (nothing but the writer may change
// an account while a server runs): which one a request reads says where it read.
TEST_F(PublishedAccountsTest, ARequestReadsMemoryOnlyUnderAnEvenPublication) {
  AccountId cash = open("assets:cash", AccountType::asset);
  AccountId savings = open("liabilities:savings", AccountType::liability);
  ASSERT_TRUE(transfer(cash, savings, 10));
  auto other = Database::open(db_path(), Database::Mode::read_write);
  ASSERT_TRUE(other);
  ASSERT_TRUE(other.value().exec("UPDATE accounts SET credits_posted = 999 WHERE id = " +
                                 std::to_string(savings)));
  reader_->use_published_accounts(&published());

  SnapshotMarks marks = writer_->snapshot_marks();
  ASSERT_EQ(marks.accounts_publication % 2, 0u);
  ASSERT_TRUE(reader_->enter_request(marks));
  auto from_memory = reader_->current_account(savings);
  reader_->leave_request(writer_->snapshot_epoch());
  ASSERT_TRUE(from_memory);
  EXPECT_EQ(from_memory.value().credits_posted, 10);

  marks.accounts_publication += 1;  // a commit becoming visible
  ASSERT_TRUE(reader_->enter_request(marks));
  auto from_file = reader_->current_account(savings);
  reader_->leave_request(writer_->snapshot_epoch());
  ASSERT_TRUE(from_file);
  EXPECT_EQ(from_file.value().credits_posted, 999);

  // Without marks (outside a server's request), and without published accounts: the file.
  ASSERT_TRUE(reader_->enter_request(writer_->snapshot_epoch()));
  EXPECT_EQ(reader_->current_account(savings).value().credits_posted, 999);
  reader_->leave_request(writer_->snapshot_epoch());
  reader_->use_published_accounts(nullptr);
  ASSERT_TRUE(reader_->enter_request(writer_->snapshot_marks()));
  EXPECT_EQ(reader_->current_account(savings).value().credits_posted, 999);
  reader_->leave_request(writer_->snapshot_epoch());
}

// The property the whole scheme rests on, raced: a reader of SQLite that has seen a commit and
// then finds the publication even finds that commit in memory too.
TEST_F(PublishedAccountsTest, NoReaderSeesACommitInSQLiteThatMemoryFoundEvenLacks) {
  AccountId cash = open("assets:cash", AccountType::asset);
  AccountId savings = open("liabilities:savings", AccountType::liability);
  std::atomic<bool> done{false};
  std::atomic<int> even_reads{0}, violations{0};
  std::thread watcher([&] {
    auto db = Database::open(db_path(), Database::Mode::read_only);
    ASSERT_TRUE(db);
    Statement& query = db.value().cached("SELECT credits_posted FROM accounts WHERE id = ?");
    while (!done.load()) {
      query.bind(1, savings);
      auto row = query.step();
      ASSERT_TRUE(row && row.value());
      const Minor seen = query.column_int(0);
      query.reset();  // ends the statement's read transaction
      if (published().publication() % 2 != 0) continue;
      auto held = published().find(savings);
      ASSERT_TRUE(held.has_value());
      even_reads.fetch_add(1);
      if (held->credits_posted < seen) violations.fetch_add(1);
    }
  });
  for (int i = 0; i < 1500; ++i) ASSERT_TRUE(transfer(cash, savings, 1));
  done.store(true);
  watcher.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GT(even_reads.load(), 0);
  EXPECT_FALSE(published().disabled());
  EXPECT_EQ(published().find(savings)->credits_posted, 1500);
}

TEST(WalIndexWatch, CallsTheHookAtACommitOfAWatchedConnectionOnly) {
  pardner::testing::TempDir dir;
  const std::string path = dir.path() + "/watched.db";
  auto watched = Database::open(path, Database::Mode::read_write_create, watched_vfs_name());
  ASSERT_TRUE(watched) << watched.error().detail;
  auto plain = Database::open(path, Database::Mode::read_write);
  ASSERT_TRUE(plain);
  ASSERT_TRUE(watched.value().exec("CREATE TABLE t (x INTEGER)"));
  int calls = 0;
  auto count = [](void* counter) { ++*static_cast<int*>(counter); };
  EXPECT_FALSE(watch_wal_index(plain.value().handle(), count, &calls));
  ASSERT_TRUE(watch_wal_index(watched.value().handle(), count, &calls));

  ASSERT_TRUE(plain.value().exec("INSERT INTO t VALUES (1)"));
  EXPECT_EQ(calls, 0);
  ASSERT_TRUE(watched.value().exec("INSERT INTO t VALUES (2)"));
  EXPECT_GT(calls, 0);
  const int after_commit = calls;
  ASSERT_TRUE(watch_wal_index(watched.value().handle(), nullptr, nullptr));
  ASSERT_TRUE(watched.value().exec("INSERT INTO t VALUES (3)"));
  EXPECT_EQ(calls, after_commit);
  auto rows = plain.value().prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(rows && rows.value().step());
  EXPECT_EQ(rows.value().column_int(0), 3);  // the watched VFS reads and writes the same file
}

}  // namespace
}  // namespace pardner::ledger
