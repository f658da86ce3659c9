// Tamper evidence against a real ledger file (issue 8). Targeted edits, made with SQL the way
// someone with the file would make them (dropping the append-only triggers first), must each be
// reported by check_ledger_integrity naming what is wrong; a rollback to an older copy of the
// file only against a checkpoint kept from before. Then random byte flips across the whole file:
// each one is refused by SQLite's own checks, reported by a later check, or changed nothing the
// ledger holds. PARDNER_BYTE_FLIPS=10000 for the hand run (CI: 1,000); PARDNER_FLIP_SEED=n
// reruns one sequence.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ledger/integrity_check.h"
#include "ledger/sqlite.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

namespace fs = std::filesystem;

// Tables kept outside the log (docs/reliability.md): the log cannot vouch for them, so a flip
// that lands in one of them and passes SQLite's checks is counted, not failed.
constexpr const char* off_log_tables[] = {"ledger_settings", "member_profiles", "idempotency",
                                          "access_tokens", "schema_migrations"};

bool is_off_log(const std::string& table) {
  for (const char* name : off_log_tables) {
    if (table == name) return true;
  }
  return false;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Every row of every table the log determines, as text, read without any index; and, apart,
// the off-log tables. nullopt when the file cannot be read that far.
struct Contents {
  std::string logged;
  std::string off_log;
};

std::optional<Contents> read_contents(const std::string& db_path) {
  auto db = Database::open(db_path, Database::Mode::read_only);
  if (!db) return std::nullopt;
  auto tables = db.value().prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
      " ORDER BY name");
  if (!tables) return std::nullopt;
  Contents contents;
  while (true) {
    auto row = tables.value().step();
    if (!row) return std::nullopt;
    if (!row.value()) break;
    std::string table = tables.value().column_text(0);
    auto rows = db.value().prepare("SELECT * FROM \"" + table + "\" NOT INDEXED");
    if (!rows) return std::nullopt;
    std::string& out = is_off_log(table) ? contents.off_log : contents.logged;
    out += "[" + table + "]\n";
    int columns = rows.value().column_count();
    while (true) {
      auto next = rows.value().step();
      if (!next) return std::nullopt;
      if (!next.value()) break;
      for (int i = 0; i < columns; ++i) {
        if (rows.value().column_is_null(i)) {
          out += "NULL|";
        } else {
          auto blob = rows.value().column_blob(i);
          out.append(reinterpret_cast<const char*>(blob.data()), blob.size());
          out += "|";
        }
      }
      out += "\n";
    }
  }
  return contents;
}

// The first line where two dumps differ, for a failure message a person can read.
std::string first_difference(const std::string& before, const std::string& after) {
  std::istringstream a(before), b(after);
  std::string left, right, table;
  while (true) {
    bool more_left = static_cast<bool>(std::getline(a, left));
    bool more_right = static_cast<bool>(std::getline(b, right));
    if (!more_left && !more_right) return "no difference";
    if (left.starts_with("[")) table = left;
    if (left != right) return "in " + table + ": was '" + left + "', now '" + right + "'";
  }
}

class Tamper : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability);
    for (int i = 1; i <= 12; ++i) ASSERT_TRUE(transfer(cash_, savings_, i * 100));
    auto held = make_transfer(next_key(), savings_, cash_, 50);
    held.pending = true;
    auto pending = submit(held);
    ASSERT_TRUE(pending);
    ASSERT_TRUE(
        submit(PostPending{.idempotency_key = next_key(), .transaction = pending.value().id}));
    quiesce();
    auto report = check_ledger_integrity(dir_.path());
    ASSERT_TRUE(report) << report.error().detail;
    ASSERT_TRUE(report.value().intact()) << problems(report.value());
  }

  // Stops the writer and the reader and folds the WAL into the main file, so the file alone is
  // the ledger (as after a clean shutdown) and an edit to it is the whole story.
  void quiesce() {
    writer_->stop();
    writer_.reset();
    reader_.reset();
    auto db = Database::open(db_path(), Database::Mode::read_write);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db.value().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }

  static std::string problems(const IntegrityReport& report) {
    std::string text;
    for (const auto& line : report.problems) text += line + "\n";
    return text;
  }

  // Runs SQL on the file as a careful attacker would: foreign keys off and the append-only
  // triggers dropped, then the edit, then the triggers put back as they were (so the schema
  // check passes and the later checks must find the edit).
  void edit(const std::string& sql) {
    auto db = Database::open(db_path(), Database::Mode::read_write);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db.value().exec("PRAGMA foreign_keys = OFF"));
    auto triggers =
        db.value().prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'");
    ASSERT_TRUE(triggers);
    std::vector<std::pair<std::string, std::string>> saved;
    while (triggers.value().step().value()) {
      saved.emplace_back(triggers.value().column_text(0), triggers.value().column_text(1));
    }
    for (const auto& [name, create] : saved) ASSERT_TRUE(db.value().exec("DROP TRIGGER " + name));
    auto done = db.value().exec(sql);
    ASSERT_TRUE(done) << done.error().detail;
    ASSERT_GE(db.value().changes(), 1) << sql;
    for (const auto& [name, create] : saved) ASSERT_TRUE(db.value().exec(create));
    ASSERT_TRUE(db.value().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }

  // Rows of `from`, a table and any WHERE clause, on a connection of its own.
  std::int64_t count_rows(const std::string& from) {
    auto db = Database::open(db_path(), Database::Mode::read_only);
    EXPECT_TRUE(db);
    if (!db) return -1;
    auto query = db.value().prepare("SELECT count(*) FROM " + from);
    EXPECT_TRUE(query) << from;
    if (!query || !query.value().step().value()) return -1;
    return query.value().column_int(0);
  }

  IntegrityReport check(const IntegrityOptions& options = {}) {
    auto report = check_ledger_integrity(dir_.path(), options);
    EXPECT_TRUE(report) << report.error().detail;
    return report ? report.value() : IntegrityReport{};
  }

  static bool names(const IntegrityReport& report, const std::string& words) {
    for (const auto& line : report.problems) {
      if (line.find(words) != std::string::npos) return true;
    }
    return false;
  }

  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(Tamper, AChangedEntryIsNamedByItsSignatureAndItsLeafNode) {
  // One character of entry 5's canonical JSON, swapped for another digit.
  edit(
      "UPDATE entries SET leaf = CAST(replace(CAST(leaf AS TEXT), '\"seq\":5', '\"seq\":6')"
      " AS BLOB) WHERE seq = 5");
  auto report = check();
  EXPECT_TRUE(names(report, "log: entry 5")) << problems(report);
  EXPECT_TRUE(names(report, "merkle: leaf node 5 is not the hash of entry 5")) << problems(report);
}

TEST_F(Tamper, ADroppedTriggerIsNamedByTheSchemaCheck) {
  auto db = Database::open(db_path(), Database::Mode::read_write);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db.value().exec("DROP TRIGGER postings_recent_refuse_update"));
  ASSERT_TRUE(
      db.value().exec("UPDATE postings_recent SET amount_minor = amount_minor + 1"
                      " WHERE amount_minor > 0"));
  ASSERT_GE(db.value().changes(), 1);
  auto report = check();
  EXPECT_TRUE(names(report, "schema: trigger postings_recent_refuse_update is missing"))
      << problems(report);
  EXPECT_TRUE(names(report, "schema: later checks skipped")) << problems(report);
}

// Any of the postings tables (schema/0011_postings_recent.sql,
// schema/0013_postings_merged_in_steps.sql): the replay compares the view of all three, which
// shows a recent table's postings from where its merge has reached. Each edit is undone before
// the next table's.
TEST_F(Tamper, AChangedPostingIsADifferenceFromTheReplay) {
  int edited = 0;
  for (std::string table : {"postings_recent", "postings_recent_b", "postings_merged"}) {
    SCOPED_TRACE(table);
    const std::string shown = table == "postings_merged"
                                  ? "1"
                                  : "(account_id, seq, idx) >= (SELECT account_id, seq, idx FROM"
                                    " postings_merge_progress WHERE recent = '" +
                                        table + "')";
    const std::string newest = "(seq, idx) = (SELECT seq, idx FROM " + table + " WHERE " + shown +
                               " ORDER BY seq DESC, idx DESC LIMIT 1)";
    if (count_rows(table + " WHERE " + shown) == 0) continue;  // a table merged or not used yet
    edit("UPDATE " + table + " SET amount_minor = amount_minor * 2 WHERE " + newest);
    auto report = check();
    ASSERT_FALSE(report.intact());
    EXPECT_TRUE(names(report, "derived: postings")) << problems(report);
    edit("UPDATE " + table + " SET amount_minor = amount_minor / 2 WHERE " + newest);
    ASSERT_TRUE(check().intact());
    ++edited;
  }
  // The merged table and the one taking new postings hold postings the view shows, always.
  EXPECT_GE(edited, 2);
}

// A merge that copied a posting without it leaving the view of its recent table would count it
// twice.
TEST_F(Tamper, APostingInBothTablesIsADifferenceFromTheReplay) {
  const std::string appending =
      count_rows("postings_merge_progress WHERE recent = 'postings_recent' AND appending = 1") == 1
          ? "postings_recent"
          : "postings_recent_b";
  ASSERT_GT(count_rows(appending), 0);
  edit("INSERT INTO postings_merged SELECT * FROM " + appending + " WHERE (seq, idx) = (SELECT" +
       " seq, idx FROM " + appending + " ORDER BY seq, idx LIMIT 1)");
  auto report = check();
  EXPECT_TRUE(names(report, "derived: postings")) << problems(report);
}

TEST_F(Tamper, AChangedBalanceIsADifferenceFromTheReplay) {
  edit("UPDATE accounts SET credits_posted = credits_posted + 100 WHERE id = " +
       std::to_string(savings_));
  auto report = check();
  EXPECT_TRUE(names(report, "derived: accounts")) << problems(report);
}

TEST_F(Tamper, AChangedSignatureIsNamed) {
  edit("UPDATE entry_signatures SET signature = zeroblob(64) WHERE seq = 3");
  auto report = check();
  EXPECT_TRUE(names(report, "log: entry 3")) << problems(report);
}

TEST_F(Tamper, AChangedMerkleNodeIsNamedAndBreaksTheRoots) {
  edit("UPDATE merkle_tree SET hash = zeroblob(32) WHERE level = 1 AND idx = 2");
  auto report = check();
  EXPECT_TRUE(names(report, "merkle: node (1, 2) is not the hash of its children"))
      << problems(report);
  EXPECT_TRUE(names(report, "merkle: node (2, 1) is not the hash of its children"))
      << problems(report);
  EXPECT_TRUE(names(report, "checkpoint: size")) << problems(report);
}

TEST_F(Tamper, AChangedCheckpointIsNamed) {
  // The latest checkpoint's tree size line, edited in its note.
  edit(
      "UPDATE checkpoints SET note = replace(note, char(10) || tree_size || char(10),"
      " char(10) || (tree_size - 1) || char(10))"
      " WHERE tree_size = (SELECT max(tree_size) FROM checkpoints)");
  auto report = check();
  EXPECT_TRUE(names(report, "log: checkpoint")) << problems(report);
  EXPECT_TRUE(names(report, "checkpoint: size")) << problems(report);
}

TEST_F(Tamper, ADeletedPostingIsADifferenceFromTheReplay) {
  edit("DELETE FROM postings_recent WHERE seq = (SELECT max(seq) FROM postings_recent)");
  auto report = check();
  EXPECT_TRUE(names(report, "derived: postings")) << problems(report);
}

TEST_F(Tamper, ADeletedLastEntryIsMissingFromTheLog) {
  edit("DELETE FROM entries WHERE seq = (SELECT max(seq) FROM entries)");
  auto report = check();
  EXPECT_TRUE(names(report, "log:")) << problems(report);
  EXPECT_TRUE(names(report, "merkle: leaf node")) << problems(report);
}

TEST_F(Tamper, AnOlderCopyRestoredIsSeenOnlyAgainstAKeptCheckpoint) {
  std::string older = read_bytes(db_path());
  start_writer();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transfer(cash_, savings_, 7));
  auto kept = reader_->latest_checkpoint();
  ASSERT_TRUE(kept);
  quiesce();
  write_bytes(db_path(), older);  // the rollback: a consistent, signed, older ledger

  auto alone = check();
  EXPECT_TRUE(alone.intact()) << "a consistent older ledger is intact on its own terms";
  IntegrityOptions options;
  options.since_checkpoint = kept.value().note;
  auto against_kept = check(options);
  EXPECT_FALSE(against_kept.intact());
  EXPECT_TRUE(names(against_kept, "log:")) << problems(against_kept);
}

TEST_F(Tamper, RandomByteFlipsAreRefusedReportedOrHarmless) {
  const char* count_text = std::getenv("PARDNER_BYTE_FLIPS");
  const char* seed_text = std::getenv("PARDNER_FLIP_SEED");
  int flips = count_text ? std::atoi(count_text) : 1000;
  std::uint64_t seed = seed_text ? std::strtoull(seed_text, nullptr, 10) : std::random_device{}();
  SCOPED_TRACE("PARDNER_FLIP_SEED=" + std::to_string(seed));
  std::mt19937_64 random(seed);

  const std::string pristine = read_bytes(db_path());
  auto original = read_contents(db_path());
  ASSERT_TRUE(original);
  ASSERT_FALSE(fs::exists(db_path() + "-wal") && fs::file_size(db_path() + "-wal") > 0);

  int refused_by_sqlite = 0, reported_later = 0, unchanged = 0, off_log_only = 0;
  for (int i = 0; i < flips; ++i) {
    std::string bytes = pristine;
    std::size_t offset = random() % bytes.size();
    auto mask = static_cast<char>(1 + random() % 255);
    bytes[offset] = static_cast<char>(bytes[offset] ^ mask);
    write_bytes(db_path(), bytes);
    fs::remove(db_path() + "-wal");
    fs::remove(db_path() + "-shm");
    SCOPED_TRACE("flip " + std::to_string(i) + " at offset " + std::to_string(offset));

    auto report = check_ledger_integrity(dir_.path());
    ASSERT_TRUE(report) << report.error().detail;
    if (!report.value().intact()) {
      (report.value().problems.front().starts_with("sqlite:") ? refused_by_sqlite
                                                              : reported_later) += 1;
      continue;
    }
    // Passed every check: then nothing the log vouches for may have changed.
    auto now = read_contents(db_path());
    ASSERT_TRUE(now) << "the check passed a file that cannot be read back";
    ASSERT_TRUE(now->logged == original->logged)
        << "a change the check did not see: " << first_difference(original->logged, now->logged);
    (now->off_log == original->off_log ? unchanged : off_log_only) += 1;
  }
  write_bytes(db_path(), pristine);
  std::printf(
      "byte flips: %d; refused by SQLite %d, reported by the log checks %d, "
      "no change %d, off-log rows changed %d (seed %llu)\n",
      flips, refused_by_sqlite, reported_later, unchanged, off_log_only,
      static_cast<unsigned long long>(seed));
}

}  // namespace
}  // namespace pardner::ledger::testing
