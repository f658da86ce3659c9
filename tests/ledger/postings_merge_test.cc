// Postings in recent tables and a merged one (schema/0011_postings_recent.sql,
// schema/0013_postings_merged_in_steps.sql): every read answers the same whether an account's
// postings are recent, merged, split between them, or halfway through a merge; a merge moves
// every recent posting and nothing else, a bounded number at a step; and a ledger from before
// the split keeps its postings when migrated.
#include "ledger/postings_merge.h"

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>

#include "ledger/integrity_check.h"
#include "ledger/listings.h"
#include "ledger/migrations.h"
#include "ledger/replay.h"
#include "ledger/time.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/undo_migrations.h"

namespace pardner::ledger::testing {
namespace {

constexpr std::int64_t never = std::int64_t{1} << 40;
constexpr std::int64_t day_micros = 24LL * 3600 * 1000 * 1000;

class PostingsMerge : public LedgerTest {
 protected:
  void SetUp() override {
    writer_options_.postings_merge_entries = never;  // the tests merge by hand
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    for (int i = 0; i < 3; ++i) {
      members_.push_back(open("liabilities:members:000" + std::to_string(i) + ":savings",
                              AccountType::liability, Minor{0}));
    }
  }

  // Transfers, reservations posted in full, for less, and voided, over several value dates:
  // every kind of posting row, on every account, in `rounds` rounds.
  void write_activity(int rounds) {
    for (int round = 0; round < rounds; ++round) {
      for (std::size_t m = 0; m < members_.size(); ++m) {
        ASSERT_TRUE(transfer(cash_, members_[m], 1000 + 10 * round + static_cast<Minor>(m)));
      }
      auto held = reserve(members_[0], members_[1], 300);
      auto less = reserve(members_[1], members_[2], 200);
      auto voided = reserve(members_[2], members_[0], 100);
      ASSERT_TRUE(held && less && voided);
      clock_.advance_micros(day_micros);
      ASSERT_TRUE(
          submit(PostPending{.idempotency_key = next_key(), .transaction = held.value().id}));
      ASSERT_TRUE(submit(PostPending{
          .idempotency_key = next_key(), .transaction = less.value().id, .amount = 150}));
      ASSERT_TRUE(
          submit(VoidPending{.idempotency_key = next_key(), .transaction = voided.value().id}));
      ASSERT_TRUE(transfer(members_[static_cast<std::size_t>(round) % members_.size()], cash_, 50));
    }
  }

  Result<Applied> reserve(AccountId debit, AccountId credit, Minor amount) {
    auto command = make_transfer(next_key(), debit, credit, amount);
    command.pending = true;
    return submit(command);
  }

  // Moves every recent posting on a connection of our own, between the writer's batches (its
  // own merges are off: postings_recent stays the table it appends to).
  std::int64_t merge() {
    auto db = Database::open(db_path(), Database::Mode::read_write);
    EXPECT_TRUE(db) << db.error().detail;
    if (!db) return -1;
    EXPECT_TRUE(db.value().exec("BEGIN IMMEDIATE"));
    auto moved = move_recent_postings(db.value());
    EXPECT_TRUE(moved) << moved.error().detail;
    EXPECT_TRUE(db.value().exec("COMMIT"));
    return moved ? moved.value() : -1;
  }

  // Where a recent table's merge stands: the position before which its postings are merged.
  std::string progress(const char* table) {
    Statement& query = reader_->db().cached(
        "SELECT appending, account_id, seq, idx FROM postings_merge_progress WHERE recent = ?");
    query.bind(1, std::string_view(table));
    EXPECT_TRUE(query.step().value());
    std::string out = query.column_text(0) + " " + query.column_text(1) + " " +
                      query.column_text(2) + " " + query.column_text(3);
    query.reset();
    return out;
  }

  // The writer started again with merges of its own, every `entries` in steps of `step`.
  void restart_writer_merging_every(std::int64_t entries, std::int64_t step) {
    writer_->stop();
    writer_options_.postings_merge_entries = entries;
    writer_options_.postings_merge_step = step;
    start_writer();
  }

  void expect_intact() {
    auto report = check_ledger_integrity(dir_.path());
    ASSERT_TRUE(report);
    EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
  }

  // The integrity check fails, naming `problem` first.
  void expect_first_problem(const std::string& problem) {
    auto report = check_ledger_integrity(dir_.path());
    ASSERT_TRUE(report);
    ASSERT_FALSE(report.value().intact());
    EXPECT_EQ(report.value().problems.front(), problem);
  }

  // Everything a reader can say that comes from postings, as text: balances now, as of every
  // seq and of every value date, statements and transaction listings in pages of two, every
  // transaction's postings, and the trial balance as of every seq.
  std::string every_read() {
    std::ostringstream out;
    const Seq size = reader_->log_size().value();
    const Date today = date_of(clock_.now());
    std::vector<AccountId> accounts = members_;
    accounts.push_back(cash_);
    for (AccountId account : accounts) {
      out << "account " << account << ": " << text(reader_->balance(account).value()) << "\n";
      for (Seq seq = 0; seq < size; ++seq) {
        out << " as of " << seq << ": " << text(reader_->balance_as_of_seq(account, seq).value())
            << "\n";
      }
      for (Date date = today - 10; date <= today; ++date) {
        out << " on " << date << ": " << text(reader_->balance_as_of_date(account, date).value())
            << "\n";
      }
      std::optional<StatementCursor> cursor;
      do {
        auto page = reader_->statement(account, cursor, 2).value();
        for (const StatementLine& l : page.lines) {
          out << " line " << l.seq << "/" << l.idx << " t" << l.transaction << " " << l.amount
              << " " << l.value_date << " " << l.balance_after << " " << l.memo << "\n";
        }
        cursor = page.next;
      } while (cursor);
      std::optional<Seq> after;
      do {
        auto page = list_account_transactions(reader_->db(), account, after, 2).value();
        for (const AccountTransaction& t : page.transactions) {
          out << " transaction " << t.id << " @" << t.seq << " " << static_cast<int>(t.status)
              << " " << t.value_date << " " << t.amount << " "
              << (t.resolved_seq ? std::to_string(*t.resolved_seq) : "-") << "\n";
        }
        after = page.next_after;
      } while (after);
    }
    for (TransactionId id = 1;; ++id) {
      auto view = reader_->transaction(id);
      if (!view) break;
      out << "transaction " << id << ":";
      for (const PostingRow& p : view.value().postings) {
        out << " " << p.account << "/" << p.seq << "/" << p.idx << "=" << p.amount;
      }
      out << "\n";
    }
    for (Seq seq = 0; seq < size; ++seq) {
      out << "trial balance as of " << seq << ":";
      auto lines = reader_->trial_balance_as_of(seq);
      EXPECT_TRUE(lines) << lines.error().detail;
      if (!lines) break;
      for (const TrialBalanceLine& line : lines.value()) {
        out << " " << line.currency << " " << line.debits << " " << line.credits << " "
            << line.accounts;
      }
      out << "\n";
    }
    return out.str();
  }

  static std::string text(const Balance& b) {
    return std::to_string(b.debits_posted) + " " + std::to_string(b.credits_posted) + " " +
           std::to_string(b.debits_pending) + " " + std::to_string(b.credits_pending) + " " +
           std::to_string(b.balance);
  }

  AccountId cash_ = 0;
  std::vector<AccountId> members_;
};

TEST_F(PostingsMerge, EveryReadIsTheSameWhereverThePostingsAre) {
  ASSERT_NO_FATAL_FAILURE(write_activity(2));
  auto across = reserve(members_[2], members_[1], 70);  // reserved before a merge, posted after
  ASSERT_TRUE(across);
  const std::int64_t written = postings_rows("postings_recent");
  ASSERT_GT(written, 30);
  ASSERT_EQ(postings_rows("postings_merged"), 0);
  const std::string all_recent = every_read();

  EXPECT_EQ(merge(), written);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(postings_rows("postings_merged"), written);
  EXPECT_EQ(every_read(), all_recent);

  // Split: the older postings merged, the newer recent, one transaction across the two.
  ASSERT_TRUE(submit(PostPending{.idempotency_key = next_key(), .transaction = across.value().id}));
  ASSERT_NO_FATAL_FAILURE(write_activity(2));
  const std::string split = every_read();
  const std::int64_t recent = postings_rows("postings_recent");
  EXPECT_GT(recent, 0);
  EXPECT_EQ(merge(), recent);
  EXPECT_EQ(postings_rows("postings_merged"), written + recent);
  EXPECT_EQ(every_read(), split);
  EXPECT_EQ(merge(), 0);  // nothing left to move

  auto report = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
}

// Every posting, in the clustered order a comparison reads them, as text.
std::string all_postings(Database& db) {
  Statement& query = db.cached(
      "SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date,"
      " debits_after, credits_after FROM postings ORDER BY account_id, seq, idx");
  std::string out;
  while (query.step().value()) {
    for (int column = 0; column < 9; ++column) out += query.column_text(column) + " ";
    out += "\n";
  }
  query.reset();
  return out;
}

// rebuild and verify replay into a scratch database that merges as the writer does, so both
// read it through the same clustering.
TEST_F(PostingsMerge, AReplayMergesItsPostingsAsTheWriterDoes) {
  ASSERT_NO_FATAL_FAILURE(write_activity(2));
  ASSERT_EQ(merge(), postings_rows("postings_recent"));
  auto replay = Replay::start(4);
  ASSERT_TRUE(replay) << replay.error().detail;
  const Seq size = reader_->log_size().value();
  auto leaves = reader_->leaves(0, static_cast<std::size_t>(size));
  ASSERT_TRUE(leaves);
  for (Seq seq = 0; seq < size; ++seq) {
    auto applied = replay.value().apply(seq, leaves.value()[static_cast<std::size_t>(seq)]);
    ASSERT_TRUE(applied) << applied.error().detail;
  }
  Statement& merged = replay.value().db().cached("SELECT count(*) FROM postings_merged");
  ASSERT_TRUE(merged.step().value());
  EXPECT_GT(merged.column_int(0), postings_rows("postings_merged") / 2);
  merged.reset();
  EXPECT_EQ(all_postings(replay.value().db()), all_postings(reader_->db()));
}

// `pardner verify` without a comparison merges its scratch postings rarely
// (uncompared_replay_merge_entries): its reads go through the view of both tables, so every
// posting, balance and rule comes out as from a replay that merges as often as the writer.
TEST_F(PostingsMerge, AReplayThatMergesRarelyEndsAsOneThatMergesOften) {
  ASSERT_NO_FATAL_FAILURE(write_activity(3));
  const Seq size = reader_->log_size().value();
  auto leaves = reader_->leaves(0, static_cast<std::size_t>(size));
  ASSERT_TRUE(leaves);
  auto often = Replay::start(4);
  auto rarely = Replay::start(uncompared_replay_merge_entries);
  ASSERT_TRUE(often && rarely);
  for (Seq seq = 0; seq < size; ++seq) {
    const auto& leaf = leaves.value()[static_cast<std::size_t>(seq)];
    auto applied = often.value().apply(seq, leaf);
    ASSERT_TRUE(applied) << applied.error().detail;
    auto applied_rarely = rarely.value().apply(seq, leaf);
    ASSERT_TRUE(applied_rarely) << applied_rarely.error().detail;
  }
  Statement& merged = rarely.value().db().cached("SELECT count(*) FROM postings_merged");
  ASSERT_TRUE(merged.step().value());
  EXPECT_EQ(merged.column_int(0), 0);  // it never merged, while the other did, every 4 entries
  merged.reset();
  EXPECT_EQ(all_postings(rarely.value().db()), all_postings(often.value().db()));
  EXPECT_EQ(all_postings(rarely.value().db()), all_postings(reader_->db()));
  auto balances = rarely.value().trial_balance();
  auto balances_often = often.value().trial_balance();
  ASSERT_TRUE(balances && balances_often);
  EXPECT_EQ(balances.value(), balances_often.value());
}

TEST_F(PostingsMerge, TheWriterMergesOnceTheRecentPostingsSpanEnoughEntries) {
  restart_writer_merging_every(10, postings_merge_step_default);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(transfer(cash_, members_[0], 1));
  // The first transfer's entry is nine before the next: not yet.
  EXPECT_EQ(writer_->stats().postings_merges, 0U);
  EXPECT_EQ(postings_rows("postings_merged"), 0);
  ASSERT_TRUE(transfer(cash_, members_[0], 1));
  // Ten now: merged in one step after that batch was answered, before the next is taken, which
  // goes to the other table.
  ASSERT_TRUE(transfer(cash_, members_[0], 1));
  EXPECT_EQ(writer_->stats().postings_merges, 1U);
  EXPECT_EQ(writer_->stats().postings_merge_steps, 1U);
  EXPECT_EQ(postings_rows("postings_merged"), 20);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(postings_rows("postings_recent_b"), 2);
  EXPECT_EQ(balance(members_[0]), 11);
}

// A step moves at most its share of postings, in the merged table's order, and leaves every
// read as it was; postings leave the recent table only with the last step, which puts its
// progress back at the start. The other table takes new postings from the first step on.
TEST_F(PostingsMerge, EveryReadIsTheSameAfterEveryStepOfAMerge) {
  ASSERT_NO_FATAL_FAILURE(write_activity(2));
  const std::int64_t written = postings_rows("postings_recent");
  const std::string before = every_read();
  writer_->stop();
  auto db = Database::open(db_path(), Database::Mode::read_write);
  ASSERT_TRUE(db) << db.error().detail;
  std::int64_t steps = 0;
  for (bool remaining = true; remaining;) {
    auto stepped = merge_step(db.value(), RecentPostings::a, 7);
    ASSERT_TRUE(stepped) << stepped.error().detail;
    remaining = stepped.value();
    ++steps;
    SCOPED_TRACE("after step " + std::to_string(steps));
    EXPECT_EQ(every_read(), before);
    EXPECT_EQ(progress("postings_recent_b"), "1 " + std::to_string(INT64_MIN) + " " +
                                                 std::to_string(INT64_MIN) + " " +
                                                 std::to_string(INT64_MIN));
    if (remaining) {
      EXPECT_EQ(postings_rows("postings_merged"), 7 * steps);
      EXPECT_EQ(postings_rows("postings_recent"), written);
    }
  }
  EXPECT_EQ(steps, (written + 6) / 7);
  EXPECT_EQ(postings_rows("postings_merged"), written);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(progress("postings_recent"), "0 " + std::to_string(INT64_MIN) + " " +
                                             std::to_string(INT64_MIN) + " " +
                                             std::to_string(INT64_MIN));
  start_writer();
  ASSERT_TRUE(transfer(cash_, members_[0], 5));
  EXPECT_EQ(postings_rows("postings_recent_b"), 2);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  ASSERT_NO_FATAL_FAILURE(expect_intact());
}

// The writer's own merge: one step between two batches, the ledger whole as a replay of the log
// has it at every step.
TEST_F(PostingsMerge, TheWriterTakesOneStepBetweenTwoBatches) {
  restart_writer_merging_every(10, 6);
  for (std::size_t i = 0; i < 10; ++i) ASSERT_TRUE(transfer(cash_, members_[i % 3], 1));
  // 20 postings due after the tenth batch: steps of 6, 6, 6 and 2 after it and the next three.
  for (std::int64_t i = 1; i <= 4; ++i) {
    ASSERT_TRUE(transfer(cash_, members_[0], 1));
    // The step after the batch before this one is done; this one's may be under way.
    const std::int64_t merged = postings_rows("postings_merged");
    EXPECT_GE(merged, std::min<std::int64_t>(6 * i, 20)) << i;
    EXPECT_LE(merged, std::min<std::int64_t>(6 * (i + 1), 20)) << i;
    EXPECT_TRUE(merged % 6 == 0 || merged == 20) << merged;
    ASSERT_NO_FATAL_FAILURE(expect_intact());
  }
  EXPECT_EQ(writer_->stats().postings_merges, 1U);
  EXPECT_EQ(writer_->stats().postings_merge_steps, 4U);
  EXPECT_EQ(postings_rows("postings_merged"), 20);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(postings_rows("postings_recent_b"), 8);
  EXPECT_EQ(balance(members_[0]), 8);
}

// A writer stopped halfway through a merge (or killed: each step is its own transaction) goes
// on from the step it had reached, and appends to the table it appended to.
TEST_F(PostingsMerge, AWriterStartedHalfwayThroughAMergeGoesOnFromThere) {
  restart_writer_merging_every(10, 6);
  for (std::size_t i = 0; i < 11; ++i) ASSERT_TRUE(transfer(cash_, members_[i % 3], 1));
  writer_->stop();
  const std::int64_t merged = postings_rows("postings_merged");
  ASSERT_GE(merged, 6);
  ASSERT_LT(merged, 20);
  const std::string before = every_read();
  start_writer();
  EXPECT_EQ(every_read(), before);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(transfer(cash_, members_[0], 1));
  EXPECT_EQ(postings_rows("postings_merged"), 20);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(postings_rows("postings_recent_b"), 10);
  ASSERT_NO_FATAL_FAILURE(expect_intact());
}

// The progress row decides what the view shows of a table halfway merged: moved back to the
// start, the merged postings show twice; moved past the end, the rest not at all. Either is a
// difference from the replay.
TEST_F(PostingsMerge, AMergeProgressMovedIsADifferenceFromTheReplay) {
  ASSERT_NO_FATAL_FAILURE(write_activity(1));
  writer_->stop();
  auto db = Database::open(db_path(), Database::Mode::read_write);
  ASSERT_TRUE(db) << db.error().detail;
  ASSERT_TRUE(merge_step(db.value(), RecentPostings::a, 5).value());
  ASSERT_NO_FATAL_FAILURE(expect_intact());
  const std::string reached = progress("postings_recent");
  for (std::int64_t moved_to : {INT64_MIN, INT64_MAX}) {
    SCOPED_TRACE(moved_to);
    const std::string set =
        "UPDATE postings_merge_progress SET account_id = " + std::to_string(moved_to) +
        " WHERE recent = 'postings_recent'";
    ASSERT_TRUE(db.value().exec("BEGIN IMMEDIATE; " + set + "; COMMIT"));
    auto report = check_ledger_integrity(dir_.path());
    ASSERT_TRUE(report);
    ASSERT_FALSE(report.value().intact());
    EXPECT_TRUE(std::any_of(
        report.value().problems.begin(), report.value().problems.end(),
        [](const std::string& p) { return p.find("derived: postings") != std::string::npos; }))
        << report.value().problems.front();
  }
  const std::string account = reached.substr(2, reached.find(' ', 2) - 2);
  ASSERT_TRUE(db.value().exec("UPDATE postings_merge_progress SET account_id = " + account +
                              " WHERE recent = 'postings_recent'"));
  ASSERT_NO_FATAL_FAILURE(expect_intact());
  // Moved into the gap just before the posting it stands at, it hides and shows nothing else,
  // but a step never leaves it there.
  const std::string idx = reached.substr(reached.rfind(' ') + 1);
  {
    Statement& gap = db.value().cached(
        "SELECT count(*) FROM postings_recent r, postings_merge_progress p"
        " WHERE p.recent = 'postings_recent' AND r.account_id = p.account_id"
        " AND r.seq = p.seq AND r.idx = p.idx - 1");
    ASSERT_TRUE(gap.step().value());
    ASSERT_EQ(gap.column_int(0), 0) << "no gap just before " << reached;
    gap.reset();
  }
  ASSERT_TRUE(db.value().exec("UPDATE postings_merge_progress SET idx = " + idx +
                              " - 1 WHERE recent = 'postings_recent'"));
  ASSERT_NO_FATAL_FAILURE(expect_first_problem(
      "derived: postings_recent: its merge progress stands at none of its postings"));
  ASSERT_TRUE(db.value().exec("UPDATE postings_merge_progress SET idx = " + idx +
                              " WHERE recent = 'postings_recent'"));
  ASSERT_NO_FATAL_FAILURE(expect_intact());
  // The table taking new postings stands at the start, even moved where it hides nothing yet.
  ASSERT_TRUE(db.value().exec(
      "UPDATE postings_merge_progress SET account_id = " + std::to_string(INT64_MIN + 1) +
      " WHERE recent = 'postings_recent_b'"));
  ASSERT_NO_FATAL_FAILURE(expect_first_problem(
      "derived: postings_recent_b: its merge progress is past the start while it takes new"
      " postings or holds none"));
}

// What a merge has moved stays in its recent table, out of the view, until the last step
// empties the table: the check holds those rows to their copies all the same.
TEST_F(PostingsMerge, AChangedPostingAMergeHasMovedIsNamed) {
  ASSERT_NO_FATAL_FAILURE(write_activity(1));
  writer_->stop();
  auto db = Database::open(db_path(), Database::Mode::read_write);
  ASSERT_TRUE(db) << db.error().detail;
  ASSERT_TRUE(merge_step(db.value(), RecentPostings::a, 5).value());
  auto trigger = db.value().prepare(
      "SELECT sql FROM sqlite_schema WHERE name = 'postings_recent_refuse_update'");
  ASSERT_TRUE(trigger && trigger.value().step().value());
  const std::string refuse_update = trigger.value().column_text(0);
  trigger.value().reset();
  ASSERT_TRUE(db.value().exec(
      "BEGIN IMMEDIATE; DROP TRIGGER postings_recent_refuse_update;"
      " UPDATE postings_recent SET amount_minor = amount_minor * 2 WHERE (seq, idx) ="
      " (SELECT seq, idx FROM postings_recent ORDER BY account_id, seq, idx LIMIT 1);" +
      refuse_update + "; COMMIT"));
  ASSERT_NO_FATAL_FAILURE(expect_first_problem(
      "derived: postings_recent: 1 postings its merge has moved differ from their copies"
      " in postings_merged"));
}

TEST_F(PostingsMerge, ALedgerFromBeforeTheSplitKeepsItsPostings) {
  ASSERT_NO_FATAL_FAILURE(write_activity(1));
  const std::string before = every_read();
  const std::int64_t written = postings_rows("postings_recent");
  writer_->stop();
  reader_.reset();
  {
    // Back to schema 10 as that release left it: one postings table, clustered by account.
    auto db = Database::open(db_path(), Database::Mode::read_write);
    ASSERT_TRUE(db) << db.error().detail;
    ASSERT_NO_FATAL_FAILURE(undo_schemas_down_to(db.value(), 10));
    auto migrated = migrate(db.value());
    ASSERT_TRUE(migrated) << migrated.error().detail;
  }
  auto report = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
  start_writer();
  EXPECT_EQ(postings_rows("postings_merged"), written);
  EXPECT_EQ(postings_rows("postings_recent"), 0);
  EXPECT_EQ(every_read(), before);
  ASSERT_NO_FATAL_FAILURE(write_activity(1));  // and the migrated ledger grows on
  report = check_ledger_integrity(dir_.path());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().intact()) << report.value().problems.front();
}

}  // namespace
}  // namespace pardner::ledger::testing
