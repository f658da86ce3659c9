// Dividend reads. A statement's floor and remainder are computed here from the stored line, in
// 128-bit integers, so the figures a member sees are exact, never rounded for display.
#include "ledger/dividend_reports.h"

namespace pardner::ledger {
namespace {

// Wide enough for an amount (< 2^53) times a share balance (< 2^63).
__extension__ typedef __int128 Wide;

Result<std::vector<DividendTransactionRef>> load_transactions(Database& db, std::int64_t id) {
  Statement& query = db.cached(
      "SELECT transaction_id, seq FROM dividend_transactions WHERE dividend_id = ? ORDER BY idx");
  query.bind(1, id);
  std::vector<DividendTransactionRef> refs;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    refs.push_back({query.column_int(0), query.column_int(1)});
  }
  query.reset();
  return refs;
}

DividendLineRow line_from(const Statement& row) {
  return DividendLineRow{row.column_int(0), row.column_int(1), row.column_int(2),
                         row.column_int(3), row.column_int(4), row.column_optional_int(5)};
}

}  // namespace

Result<Dividend> load_dividend(Database& db, std::int64_t id) {
  Statement& query = db.cached(
      "SELECT id, source_pool, source_account, currency, share_prefix, payout_prefix, as_of_seq,"
      " rate_bps, amount_minor, total_shares, seq FROM dividends WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    query.reset();
    return Error{Errc::not_found, "no dividend " + std::to_string(id)};
  }
  Dividend dividend{.id = query.column_int(0),
                    .source_pool = query.column_optional_int(1),
                    .source_account = query.column_int(2),
                    .currency = query.column_text(3),
                    .share_prefix = query.column_text(4),
                    .payout_prefix = query.column_optional_text(5),
                    .as_of_seq = query.column_int(6),
                    .rate_bps = query.column_optional_int(7),
                    .amount_minor = query.column_int(8),
                    .total_shares = query.column_int(9),
                    .seq = query.column_int(10),
                    .transactions = {}};
  query.reset();
  auto refs = load_transactions(db, id);
  if (!refs) return refs.error();
  dividend.transactions = std::move(refs.value());
  return dividend;
}

Result<std::vector<DividendLineRow>> load_dividend_lines(Database& db, std::int64_t id) {
  Statement& query = db.cached(
      "SELECT share_account, member_id, shares, payout_account, amount_minor, transaction_id"
      " FROM dividend_lines WHERE dividend_id = ? ORDER BY share_account");
  query.bind(1, id);
  std::vector<DividendLineRow> lines;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    lines.push_back(line_from(query));
  }
  query.reset();
  return lines;
}

Result<DividendReport> dividend_report(Database& db, std::int64_t id) {
  auto dividend = load_dividend(db, id);
  if (!dividend) return dividend.error();
  DividendReport report{.dividend = std::move(dividend.value())};
  Statement& query = db.cached(
      "SELECT count(*), count(transaction_id), coalesce(sum(amount_minor), 0) FROM dividend_lines"
      " WHERE dividend_id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  report.lines = query.column_int(0);
  report.members_paid = query.column_int(1);
  report.paid_minor = query.column_int(2);
  query.reset();
  return report;
}

Result<DividendStatement> dividend_statement(Database& db, std::int64_t id, MemberId member) {
  auto dividend = load_dividend(db, id);
  if (!dividend) return dividend.error();
  Statement& query = db.cached(
      "SELECT share_account, member_id, shares, payout_account, amount_minor, transaction_id"
      " FROM dividend_lines WHERE member_id = ? AND dividend_id = ?");
  query.bind(1, member).bind(2, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    query.reset();
    return Error{Errc::not_found, "member " + std::to_string(member) +
                                      " held no shares in dividend " + std::to_string(id)};
  }
  DividendLineRow line = line_from(query);
  query.reset();
  const Dividend& d = dividend.value();
  Wide exact = static_cast<Wide>(d.amount_minor) * line.shares;
  DividendStatement statement{.dividend = id,
                              .member = member,
                              .share_account = line.share_account,
                              .as_of_seq = d.as_of_seq,
                              .shares = line.shares,
                              .total_shares = d.total_shares,
                              .amount_minor = d.amount_minor,
                              .floor_minor = static_cast<Minor>(exact / d.total_shares),
                              .remainder = static_cast<Minor>(exact % d.total_shares),
                              .leftover_unit = false,
                              .paid_minor = line.amount_minor,
                              .payout_account = line.payout_account,
                              .transaction = line.transaction,
                              .transaction_seq = std::nullopt};
  statement.leftover_unit = line.amount_minor == statement.floor_minor + 1;
  PARDNER_ASSERT(statement.leftover_unit || line.amount_minor == statement.floor_minor);
  for (const DividendTransactionRef& ref : d.transactions) {
    if (line.transaction && ref.transaction == *line.transaction)
      statement.transaction_seq = ref.seq;
  }
  return statement;
}

}  // namespace pardner::ledger
