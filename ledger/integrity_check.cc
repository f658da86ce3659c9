// The integrity check. Every read goes through one read-only connection inside one read
// transaction (the fallback replay, when the log fails, opens its own), and each check turns
// what it finds into report lines rather than stopping the others.
#include "ledger/integrity_check.h"

#include <filesystem>
#include <map>
#include <optional>

#include "crypto/checkpoint.h"
#include "crypto/key_file.h"
#include "crypto/merkle.h"
#include "ledger/audit_export.h"
#include "ledger/audit_verify.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/merkle_store.h"
#include "ledger/migrations.h"
#include "ledger/reader.h"
#include "ledger/rebuild.h"

namespace pardner::ledger {
namespace {

// Enough to name what is wrong without flooding a report when a whole table is damaged.
constexpr std::size_t problems_per_check_max = 20;

class Findings {
 public:
  Findings(IntegrityReport& report, std::string check)
      : report_(report), check_(std::move(check)) {}
  // False once this check has said enough; callers stop scanning then.
  bool add(const std::string& what) {
    if (count_ == problems_per_check_max) return false;
    ++count_;
    report_.problems.push_back(check_ + ": " + what);
    if (count_ == problems_per_check_max) {
      report_.problems.push_back(check_ + ": (further problems not listed)");
      return false;
    }
    return true;
  }
  bool full() const { return count_ == problems_per_check_max; }

 private:
  IntegrityReport& report_;
  std::string check_;
  std::size_t count_ = 0;
};

void check_sqlite(Database& db, IntegrityReport& report) {
  Findings findings(report, "sqlite");
  auto rows = db.prepare("PRAGMA integrity_check(" + std::to_string(problems_per_check_max) + ")");
  if (!rows) {
    findings.add(rows.error().detail);
    return;
  }
  while (true) {
    auto row = rows.value().step();
    if (!row) {
      findings.add(row.error().detail);
      return;
    }
    if (!row.value()) return;
    std::string line = rows.value().column_text(0);
    if (line != "ok" && !findings.add(line)) return;
  }
}

// The schema, its triggers included, must be exactly what the embedded migrations make: the
// later checks query it, and a dropped append-only trigger is itself a sign of tampering.
// False when it differs, so the caller skips the checks that rely on it.
bool check_schema(Database& db, IntegrityReport& report) {
  Findings findings(report, "schema");
  auto expected = Database::open(":memory:", Database::Mode::read_write_create);
  if (!expected || !migrate(expected.value())) {
    findings.add("cannot build the expected schema");
    return false;
  }
  auto listing = [](Database& of) -> std::optional<std::map<std::string, std::string>> {
    auto rows = of.prepare(
        "SELECT type || ' ' || name, coalesce(sql, '') FROM sqlite_schema"
        " UNION ALL SELECT 'user_version', user_version FROM pragma_user_version");
    if (!rows) return std::nullopt;
    std::map<std::string, std::string> objects;
    while (true) {
      auto row = rows.value().step();
      if (!row) return std::nullopt;
      if (!row.value()) return objects;
      objects[rows.value().column_text(0)] = rows.value().column_text(1);
    }
  };
  auto want = listing(expected.value());
  auto have = listing(db);
  if (!want || !have) {
    findings.add("cannot read the schema");
    return false;
  }
  bool same = true;
  for (const auto& [name, sql] : *want) {
    auto found = have->find(name);
    if (found == have->end()) {
      same = false;
      findings.add(name + " is missing");
    } else if (found->second != sql) {
      same = false;
      findings.add(name + " differs from its migration");
    }
  }
  for (const auto& [name, sql] : *have) {
    if (!want->contains(name)) {
      same = false;
      findings.add(name + " is not Pardner's");
    }
  }
  // Said even when the list above was cut short, so a reader knows why nothing else is listed.
  if (!same) report.problems.push_back("schema: later checks skipped: they rely on the schema");
  return same;
}

Result<crypto::VerifierKey> trusted_key(const std::string& data_dir,
                                        const IntegrityOptions& options) {
  if (options.pinned_key) {
    std::string line = *options.pinned_key;
    while (!line.empty() && line.back() == '\n') line.pop_back();
    auto key = crypto::parse_verifier_key(line);
    if (!key) return from_crypto_error(key.error());
    return std::move(key).value();
  }
  auto key = crypto::load_verifier_key(verifier_key_path(data_dir));
  if (!key) return from_crypto_error(key.error());
  return std::move(key).value();
}

// Verifies the log and, when it verifies, compares the stored derived tables (in the caller's
// read transaction) with the log's replay. Returns those differences, or nullopt when the log
// failed and nothing was compared.
std::optional<Result<std::vector<std::string>>> check_log(Reader& reader,
                                                          const std::string& data_dir,
                                                          const IntegrityOptions& options,
                                                          IntegrityReport& report) {
  Findings findings(report, "log");
  auto checkpoint = reader.latest_checkpoint();
  if (!checkpoint) {
    findings.add("no readable checkpoint: " + checkpoint.error().detail);
    return std::nullopt;
  }
  VerifyOptions verify;  // without a pinned key, the source's: the directory's verifier.key
  verify.pinned_key = options.pinned_key;
  verify.since_checkpoint = options.since_checkpoint;
  std::optional<Result<std::vector<std::string>>> differences;
  verify.on_replayed = [&](Database& replayed) {
    differences = derived_table_differences(reader.db(), replayed);
  };
  auto source = open_ledger_snapshot(reader, checkpoint.value().note, data_dir);
  auto verified = verify_log(*source, verify);
  if (!verified) {
    findings.add(verified.error().detail);
    return std::nullopt;
  }
  report.entries = verified.value().entries;
  return differences;
}

// Level 0 holds each leaf's hash; a node above holds the hash of its two children. Every node
// a tree of `leaves` leaves completes must be there, and nothing else.
void check_merkle_nodes(Database& db, IntegrityReport& report) {
  Findings findings(report, "merkle");
  auto leaves_count = db.prepare("SELECT count(*) FROM entries");
  if (!leaves_count || !leaves_count.value().step()) {
    findings.add("cannot count the entries");
    return;
  }
  auto leaves = static_cast<std::uint64_t>(leaves_count.value().column_int(0));

  auto level0 = db.prepare(
      "SELECT m.idx, m.hash, e.leaf FROM merkle_tree m LEFT JOIN entries e ON e.seq = m.idx"
      " WHERE m.level = 0 ORDER BY m.position");
  if (!level0) {
    findings.add(level0.error().detail);
    return;
  }
  std::uint64_t expected = 0;
  while (!findings.full()) {
    auto row = level0.value().step();
    if (!row) {
      findings.add(row.error().detail);
      return;
    }
    if (!row.value()) break;
    auto idx = static_cast<std::uint64_t>(level0.value().column_int(0));
    if (idx != expected) {
      findings.add("leaf node " + std::to_string(expected) + " is missing");
      expected = idx;
    }
    ++expected;
    if (level0.value().column_is_null(2)) {
      findings.add("leaf node " + std::to_string(idx) + " has no entry");
      continue;
    }
    auto stored = level0.value().column_blob(1);
    auto leaf = level0.value().column_blob(2);
    crypto::Hash hash = crypto::leaf_hash(leaf);
    if (stored.size() != hash.size() || !std::equal(hash.begin(), hash.end(), stored.begin())) {
      findings.add("leaf node " + std::to_string(idx) + " is not the hash of entry " +
                   std::to_string(idx));
    }
  }
  if (expected != leaves && !findings.full()) {
    findings.add(std::to_string(expected) + " leaf nodes for " + std::to_string(leaves) +
                 " entries");
  }

  // In-order, a node's children sit 2^(level-1) positions either side of it; each is checked
  // to be the child by its level and index too, so a row stored at the wrong position is found.
  auto inner = db.prepare(
      "SELECT a.level, a.idx, a.hash, l.hash, r.hash FROM merkle_tree a"
      " LEFT JOIN merkle_tree l ON l.position = a.position - (1 << (a.level - 1))"
      "  AND l.level = a.level - 1 AND l.idx = 2 * a.idx"
      " LEFT JOIN merkle_tree r ON r.position = a.position + (1 << (a.level - 1))"
      "  AND r.level = a.level - 1 AND r.idx = 2 * a.idx + 1"
      " WHERE a.level > 0 ORDER BY a.position");
  if (!inner) {
    findings.add(inner.error().detail);
    return;
  }
  std::uint64_t inner_nodes = 0;
  while (!findings.full()) {
    auto row = inner.value().step();
    if (!row) {
      findings.add(row.error().detail);
      return;
    }
    if (!row.value()) break;
    ++inner_nodes;
    auto& node = inner.value();
    std::string where = "node (" + std::to_string(node.column_int(0)) + ", " +
                        std::to_string(node.column_int(1)) + ")";
    if (node.column_is_null(3) || node.column_is_null(4)) {
      findings.add(where + " has a missing child");
      continue;
    }
    auto left = node.column_blob(3);
    auto right = node.column_blob(4);
    auto stored = node.column_blob(2);
    if (left.size() != 32 || right.size() != 32 || stored.size() != 32) {
      findings.add(where + " or a child is not 32 bytes");
      continue;
    }
    crypto::Hash l{}, r{};
    std::copy(left.begin(), left.end(), l.begin());
    std::copy(right.begin(), right.end(), r.begin());
    crypto::Hash hash = crypto::node_hash(l, r);
    if (!std::equal(hash.begin(), hash.end(), stored.begin())) {
      findings.add(where + " is not the hash of its children");
    }
  }
  // A tree of n leaves completes floor(n / 2^k) nodes at each level k >= 1.
  std::uint64_t complete = 0;
  for (std::uint64_t width = leaves / 2; width > 0; width /= 2) complete += width;
  if (inner_nodes != complete && !findings.full()) {
    findings.add(std::to_string(inner_nodes) + " inner nodes where " + std::to_string(leaves) +
                 " leaves complete " + std::to_string(complete));
  }
}

void check_checkpoints(Database& db, const crypto::VerifierKey& key, IntegrityReport& report) {
  Findings findings(report, "checkpoint");
  auto rows = db.prepare("SELECT tree_size, root_hash, note FROM checkpoints ORDER BY tree_size");
  if (!rows) {
    findings.add(rows.error().detail);
    return;
  }
  while (!findings.full()) {
    auto row = rows.value().step();
    if (!row) {
      findings.add(row.error().detail);
      return;
    }
    if (!row.value()) return;
    ++report.checkpoints;
    auto size = static_cast<std::uint64_t>(rows.value().column_int(0));
    std::string at = "size " + std::to_string(size);
    auto stored_root = rows.value().column_blob(1);
    auto opened = crypto::open_checkpoint(rows.value().column_text(2), key);
    if (!opened) {
      findings.add(at + ": the note does not verify: " + opened.error().detail);
      continue;
    }
    const crypto::Checkpoint& checkpoint = opened.value();
    if (checkpoint.tree_size != size ||
        !std::equal(checkpoint.root_hash.begin(), checkpoint.root_hash.end(), stored_root.begin(),
                    stored_root.end())) {
      findings.add(at + ": the row does not match its signed note");
      continue;
    }
    auto root = merkle_root(db, size);
    if (!root) {
      findings.add(at + ": no root from the stored tree: " + root.error().detail);
    } else if (root.value() != checkpoint.root_hash) {
      findings.add(at + ": the stored tree's root differs from the signed root");
    }
  }
}

// The derived tables against a replay: the one the log check made, or, when the log failed
// (and so was not replayed to the end), a replay of its own that checks no signatures.
void check_derived_tables(const std::string& data_dir,
                          const std::optional<Result<std::vector<std::string>>>& compared,
                          IntegrityReport& report) {
  Findings findings(report, "derived");
  Result<std::vector<std::string>> differences = std::vector<std::string>{};
  if (compared) {
    differences = *compared;
  } else if (auto rebuilt = rebuild(database_path(data_dir))) {
    differences = std::move(rebuilt.value().differences);
  } else {
    findings.add("replay failed: " + rebuilt.error().detail);
    return;
  }
  if (!differences) {
    findings.add("cannot compare: " + differences.error().detail);
    return;
  }
  for (const std::string& difference : differences.value()) {
    if (!findings.add(difference)) return;
  }
}

}  // namespace

Result<IntegrityReport> check_ledger_integrity(const std::string& data_dir,
                                               const IntegrityOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(database_path(data_dir), ec)) {
    return Error{Errc::not_found, "no ledger database in " + data_dir};
  }
  IntegrityReport report;
  auto reader = Reader::open(database_path(data_dir));
  if (!reader) {
    report.problems.push_back("sqlite: cannot open the database: " + reader.error().detail);
    return report;
  }
  Database& db = reader.value().db();
  if (auto begun = db.exec("BEGIN"); !begun) {
    report.problems.push_back("sqlite: cannot read the database: " + begun.error().detail);
    return report;
  }
  check_sqlite(db, report);
  if (!check_schema(db, report)) {
    (void)db.exec("COMMIT");
    return report;
  }
  auto compared = check_log(reader.value(), data_dir, options, report);
  check_merkle_nodes(db, report);
  if (auto key = trusted_key(data_dir, options)) {
    check_checkpoints(db, key.value(), report);
  } else {
    report.problems.push_back("checkpoint: no verifier key: " + key.error().detail);
  }
  (void)db.exec("COMMIT");
  check_derived_tables(data_dir, compared, report);
  return report;
}

}  // namespace pardner::ledger
