// Row loaders over the derived tables. Statements are cached per connection.
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

constexpr char load_account_sql[] =
    "SELECT id, code, type, currency, member_id, status, floor_minor, opened_seq, closed_seq,"
    " debits_posted, credits_posted, debits_pending, credits_pending FROM accounts WHERE id = ?";
// load_account must read the columns account_from_row expects, in its order.
static_assert(std::string_view(load_account_sql).substr(7, account_columns.size()) ==
              account_columns);

}  // namespace

Account account_from_row(const Statement& row) {
  Account account;
  account.id = row.column_int(0);
  account.code = row.column_text(1);
  account.type = account_type_from(row.column_text(2)).value_or(AccountType::asset);
  account.currency = row.column_text(3);
  account.member = row.column_optional_int(4);
  account.closed = row.column_text(5) == "closed";
  account.floor = row.column_optional_int(6);
  account.opened_seq = row.column_int(7);
  account.closed_seq = row.column_optional_int(8);
  account.debits_posted = row.column_int(9);
  account.credits_posted = row.column_int(10);
  account.debits_pending = row.column_int(11);
  account.credits_pending = row.column_int(12);
  return account;
}

Result<Account> load_account(Database& db, AccountId id) {
  Statement& query = db.cached(load_account_sql);
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no account " + std::to_string(id)};
  Account account = account_from_row(query);
  query.reset();
  return account;
}

Result<TransactionRow> load_transaction(Database& db, TransactionId id) {
  Statement& query = db.cached(
      "SELECT id, seq, status, value_date, timeout_us, resolved_seq, reverses, reversed_by"
      " FROM transactions WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no transaction " + std::to_string(id)};
  TransactionRow out;
  out.id = query.column_int(0);
  out.seq = query.column_int(1);
  out.status = transaction_status_from(query.column_text(2)).value_or(TransactionStatus::posted);
  out.value_date = parse_date(query.column_text(3)).value_or(0);
  out.timeout = query.column_optional_int(4);
  out.resolved_seq = query.column_optional_int(5);
  out.reverses = query.column_optional_int(6);
  out.reversed_by = query.column_optional_int(7);
  query.reset();
  return out;
}

Result<MemberStatus> load_member_status(Database& db, MemberId id) {
  Statement& query = db.cached("SELECT status FROM members WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no member " + std::to_string(id)};
  auto status = member_status_from(query.column_text(0)).value_or(MemberStatus::active);
  query.reset();
  return status;
}

Result<std::vector<PostingRow>> load_transaction_postings(Database& db, TransactionId id,
                                                          bool pending) {
  Statement& query = db.cached(
      "SELECT account_id, seq, idx, transaction_id, amount_minor, value_date, debits_after,"
      " credits_after FROM postings WHERE transaction_id = ? AND phase = ? ORDER BY seq, idx");
  query.bind(1, id).bind(2, std::string_view(pending ? "pending" : "posted"));
  std::vector<PostingRow> postings;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    PostingRow posting;
    posting.account = query.column_int(0);
    posting.seq = query.column_int(1);
    posting.idx = query.column_int(2);
    posting.transaction = query.column_int(3);
    posting.amount = query.column_int(4);
    posting.pending = pending;
    posting.value_date = parse_date(query.column_text(5)).value_or(0);
    posting.debits_after = query.column_optional_int(6);
    posting.credits_after = query.column_optional_int(7);
    postings.push_back(posting);
  }
  query.reset();
  return postings;
}

Result<std::int64_t> next_id(Database& db, const char* max_id_sql) {
  Statement& query = db.cached(max_id_sql);
  auto row = query.step();
  if (!row) return row.error();
  std::int64_t next = row.value() ? query.column_int(0) + 1 : 1;
  query.reset();
  return next;
}

Result<PostedTotals> posted_totals_as_of(Database& db, AccountId account, Seq seq) {
  // seq and idx are selected because the ORDER BY names them: SQLite then reads the postings
  // view as a merge of its two tables' scans, newest first, instead of sorting the account's
  // every posting (docs/ledger.md, "Postings in two tables").
  Statement& query = db.cached(
      "SELECT debits_after, credits_after, seq, idx FROM postings WHERE account_id = ?"
      " AND seq <= ? AND phase = 'posted' ORDER BY seq DESC, idx DESC LIMIT 1");
  query.bind(1, account).bind(2, seq);
  auto row = query.step();
  if (!row) return row.error();
  PostedTotals totals;
  if (row.value()) {
    totals.debits = query.column_int(0);
    totals.credits = query.column_int(1);
  }
  query.reset();
  return totals;
}

Result<Ok> TrialBalanceSum::add(std::string currency, Minor debits, Minor credits) {
  if (lines_.empty() || lines_.back().currency != currency) {
    lines_.push_back({std::move(currency), 0, 0, 0});
  }
  TrialBalanceLine& line = lines_.back();
  auto net = checked_sub(debits, credits);
  if (!net) return net.error();
  auto grown = net.value() >= 0 ? checked_add(line.debits, net.value())
                                : checked_sub(line.credits, net.value());
  if (!grown) return grown.error();
  (net.value() >= 0 ? line.debits : line.credits) = grown.value();
  line.accounts += 1;
  return Ok{};
}

Result<std::vector<TrialBalanceLine>> compute_trial_balance(Database& db) {
  Statement& query =
      db.cached("SELECT currency, debits_posted, credits_posted FROM accounts ORDER BY currency");
  TrialBalanceSum sum;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto added = sum.add(query.column_text(0), query.column_int(1), query.column_int(2));
    if (!added) {
      query.reset();
      return added.error();
    }
  }
  query.reset();
  return std::move(sum).lines();
}

Result<std::vector<TrialBalanceLine>> compute_trial_balance_as_of(Database& db, Seq seq) {
  // Every account opened by `seq`, with its posted totals as of `seq`: the accounts table as a
  // replay of entries 0..seq would have left it.
  Statement& query =
      db.cached("SELECT id, currency FROM accounts WHERE opened_seq <= ? ORDER BY currency");
  query.bind(1, seq);
  TrialBalanceSum sum;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto totals = posted_totals_as_of(db, query.column_int(0), seq);
    auto added = totals
                     ? sum.add(query.column_text(1), totals.value().debits, totals.value().credits)
                     : Result<Ok>(totals.error());
    if (!added) {
      query.reset();
      return added.error();
    }
  }
  query.reset();
  return std::move(sum).lines();
}

}  // namespace pardner::ledger
