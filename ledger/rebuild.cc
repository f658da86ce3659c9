// Replays the log into a scratch database with the same schema through the same projection
// the writer uses, then compares the derived tables row by row.
#include "ledger/rebuild.h"

#include "ledger/postings_merge.h"
#include "ledger/replay.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {
namespace {

// The derived tables and the columns the log determines (member_profiles and idempotency are
// kept outside the log and are not rebuilt).
struct DerivedTable {
  const char* name;
  const char* select;
};

constexpr DerivedTable derived_tables[] = {
    {"members", "SELECT id, status, created_seq FROM members ORDER BY id"},
    {"accounts",
     "SELECT id, code, type, currency, member_id, status, floor_minor, opened_seq, closed_seq,"
     " debits_posted, credits_posted, debits_pending, credits_pending FROM accounts ORDER BY id"},
    {"transactions",
     "SELECT id, seq, status, value_date, timeout_us, resolved_seq, reverses, reversed_by"
     " FROM transactions ORDER BY id"},
    {"postings",
     "SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date,"
     " debits_after, credits_after FROM postings ORDER BY account_id, seq, idx"},
    {"loan_funds", "SELECT * FROM loan_funds ORDER BY id"},
    {"loan_products", "SELECT * FROM loan_products ORDER BY id"},
    {"loans", "SELECT * FROM loans ORDER BY id"},
    {"loan_approvals", "SELECT * FROM loan_approvals ORDER BY loan_id, seq"},
    {"loan_instalments", "SELECT * FROM loan_instalments ORDER BY loan_id, number"},
    {"loan_repayments", "SELECT * FROM loan_repayments ORDER BY loan_id, seq"},
    {"loan_late_fees", "SELECT * FROM loan_late_fees ORDER BY loan_id, number"},
    {"loan_writeoff_approvals", "SELECT * FROM loan_writeoff_approvals ORDER BY loan_id, seq"},
    {"loan_writeoffs", "SELECT * FROM loan_writeoffs ORDER BY loan_id"},
    {"loan_recoveries", "SELECT * FROM loan_recoveries ORDER BY loan_id, seq"},
    // Pools.
    {"pools", "SELECT * FROM pools ORDER BY id"},
    {"pool_contributions", "SELECT * FROM pool_contributions ORDER BY pool_id, seq"},
    {"pool_policies", "SELECT * FROM pool_policies ORDER BY pool_id, version"},
    {"pool_policy_shares", "SELECT * FROM pool_policy_shares ORDER BY pool_id, version, idx"},
    {"pool_distributions", "SELECT * FROM pool_distributions ORDER BY id"},
    {"pool_distribution_lines",
     "SELECT * FROM pool_distribution_lines ORDER BY distribution_id, account_id"},
    {"pool_rounds", "SELECT * FROM pool_rounds ORDER BY id"},
    {"pool_round_candidates", "SELECT * FROM pool_round_candidates ORDER BY round_id, number"},
    {"pool_round_ballots", "SELECT * FROM pool_round_ballots ORDER BY round_id, member_id"},
    {"pool_round_ballot_lines",
     "SELECT * FROM pool_round_ballot_lines ORDER BY round_id, member_id, candidate"},
    // Dividends.
    {"dividends", "SELECT * FROM dividends ORDER BY id"},
    {"dividend_transactions", "SELECT * FROM dividend_transactions ORDER BY dividend_id, idx"},
    {"dividend_lines", "SELECT * FROM dividend_lines ORDER BY dividend_id, share_account"},
};

constexpr std::size_t differences_per_table_max = 20;

std::string row_text(const Statement& row, int columns) {
  std::string text = "(";
  for (int i = 0; i < columns; ++i) {
    if (i > 0) text += ", ";
    text += row.column_is_null(i) ? "NULL" : row.column_text(i);
  }
  return text + ")";
}

Result<Ok> compare_table(Database& stored, Database& replayed, const DerivedTable& table,
                         std::vector<std::string>& differences) {
  auto left = stored.prepare(table.select);
  auto right = replayed.prepare(table.select);
  if (!left) return left.error();
  if (!right) return right.error();
  int columns = left.value().column_count();
  std::size_t found = 0;
  while (found < differences_per_table_max) {
    auto l = left.value().step();
    auto r = right.value().step();
    if (!l) return l.error();
    if (!r) return r.error();
    if (!l.value() && !r.value()) break;
    std::string stored_row = l.value() ? row_text(left.value(), columns) : "(none)";
    std::string replayed_row = r.value() ? row_text(right.value(), columns) : "(none)";
    if (stored_row != replayed_row) {
      differences.push_back(std::string(table.name) + ": stored " + stored_row + ", replay gives " +
                            replayed_row);
      ++found;
    }
  }
  return Ok{};
}

}  // namespace

Result<std::vector<std::string>> derived_table_differences(Database& stored, Database& replayed) {
  std::vector<std::string> differences;
  for (const DerivedTable& table : derived_tables) {
    if (auto done = compare_table(stored, replayed, table, differences); !done) {
      return done.error();
    }
  }
  // What the view `postings` leaves out, and why (ledger/postings_merge.h).
  auto progress = merge_progress_problems(stored);
  if (!progress) return progress.error();
  differences.insert(differences.end(), progress.value().begin(), progress.value().end());
  return differences;
}

Result<RebuildReport> rebuild(const std::string& db_path) {
  auto stored = Database::open(db_path, Database::Mode::read_only);
  if (!stored) return stored.error();
  auto replay = Replay::start();
  if (!replay) return replay.error();

  // One snapshot of the stored ledger for the replay and the comparison alike.
  if (auto begun = stored.value().exec("BEGIN"); !begun) return begun.error();
  auto entries = stored.value().prepare("SELECT seq, leaf FROM entries ORDER BY seq");
  if (!entries) return entries.error();
  RebuildReport report;
  while (true) {
    auto row = entries.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    Seq seq = entries.value().column_int(0);
    if (seq != report.entries) {
      return entry_error(report.entries, "found seq " + std::to_string(seq) + " where " +
                                             std::to_string(report.entries) + " belongs");
    }
    auto blob = entries.value().column_blob(1);
    auto applied =
        replay.value().apply(seq, {reinterpret_cast<const char*>(blob.data()), blob.size()});
    if (!applied) return applied.error();
    report.entries += 1;
  }
  auto differences = derived_table_differences(stored.value(), replay.value().db());
  if (!differences) return differences.error();
  report.differences = std::move(differences.value());
  (void)stored.value().exec("COMMIT");
  return report;
}

}  // namespace pardner::ledger
