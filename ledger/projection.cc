// One function per entry kind, chosen by a switch without default. Never validates business
// rules such as floors or closed accounts: those are the commands' guards, decided before the
// entry exists; the projection only applies what the log says, with checked arithmetic.
#include "ledger/projection.h"

#include <boost/json.hpp>
#include <map>

#include "ledger/dividend_projection.h"
#include "ledger/loan_projection.h"
#include "ledger/pool_projection.h"
#include "ledger/pool_round_projection.h"
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

Result<Ok> expect_one_change(Database& db, std::string_view what) {
  if (db.changes() != 1) return Error{Errc::not_found, std::string(what) + " names nothing"};
  return Ok{};
}

Result<Ok> apply_member_created(Database& db, const Entry& entry) {
  auto member = int_field(entry.fields, "member");
  if (!member) return member.error();
  return db.cached("INSERT INTO members (id, status, created_seq) VALUES (?, 'active', ?)")
      .bind(1, member.value())
      .bind(2, entry.seq)
      .run();
}

Result<Ok> apply_member_status_changed(Database& db, const Entry& entry) {
  auto member = int_field(entry.fields, "member");
  if (!member) return member.error();
  auto status = string_field(entry.fields, "status");
  if (!status) return status.error();
  if (!member_status_from(status.value())) {
    return Error{Errc::invalid_argument, "unknown member status " + status.value()};
  }
  auto done = db.cached("UPDATE members SET status = ? WHERE id = ?")
                  .bind(1, std::string_view(status.value()))
                  .bind(2, member.value())
                  .run();
  if (!done) return done;
  return expect_one_change(db, "member_status_changed");
}

Result<Ok> apply_account_opened(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto account = int_field(f, "account");
  auto code = string_field(f, "code");
  auto type = string_field(f, "type");
  auto currency = string_field(f, "currency");
  auto member = optional_int_field(f, "member");
  auto floor = optional_int_field(f, "floor");
  if (!account) return account.error();
  if (!code) return code.error();
  if (!type) return type.error();
  if (!currency) return currency.error();
  if (!member) return member.error();
  if (!floor) return floor.error();
  return db
      .cached(
          "INSERT INTO accounts (id, code, type, currency, member_id, status, floor_minor,"
          " opened_seq) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)")
      .bind(1, account.value())
      .bind(2, std::string_view(code.value()))
      .bind(3, std::string_view(type.value()))
      .bind(4, std::string_view(currency.value()))
      .bind(5, member.value())
      .bind(6, floor.value())
      .bind(7, entry.seq)
      .run();
}

Result<Ok> apply_account_closed(Database& db, const Entry& entry) {
  auto account = int_field(entry.fields, "account");
  if (!account) return account.error();
  auto done = db.cached("UPDATE accounts SET status = 'closed', closed_seq = ? WHERE id = ?")
                  .bind(1, entry.seq)
                  .bind(2, account.value())
                  .run();
  if (!done) return done;
  return expect_one_change(db, "account_closed");
}

Result<Ok> apply_account_floor_changed(Database& db, const Entry& entry) {
  auto account = int_field(entry.fields, "account");
  auto floor = optional_int_field(entry.fields, "floor");
  if (!account) return account.error();
  if (!floor) return floor.error();
  auto done = db.cached("UPDATE accounts SET floor_minor = ? WHERE id = ?")
                  .bind(1, floor.value())
                  .bind(2, account.value())
                  .run();
  if (!done) return done;
  return expect_one_change(db, "account_floor_changed");
}

// Adds one posting to its account's totals and appends it to the postings table.
Result<Ok> apply_posting(Database& db, RecentPostings into, const Entry& entry, std::int64_t idx,
                         TransactionId transaction, const Posting& posting, bool pending,
                         std::string_view value_date, std::map<std::string, Minor>& sums) {
  // Only the currency and the totals this posting changes: the command's guards have read the
  // whole account already, and its code (often past the short-string buffer) is not needed.
  Statement& query = db.cached(
      "SELECT currency, debits_posted, credits_posted, debits_pending, credits_pending"
      " FROM accounts WHERE id = ?");
  query.bind(1, posting.account);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no account " + std::to_string(posting.account)};
  Account a;
  a.id = posting.account;
  a.currency = query.column_text(0);
  a.debits_posted = query.column_int(1);
  a.credits_posted = query.column_int(2);
  a.debits_pending = query.column_int(3);
  a.credits_pending = query.column_int(4);
  query.reset();
  auto sum = checked_add(sums[a.currency], posting.amount);
  if (!sum) return sum.error();
  sums[a.currency] = sum.value();

  auto grown = pending ? add_posting(a.debits_pending, a.credits_pending, posting.amount)
                       : add_posting(a.debits_posted, a.credits_posted, posting.amount);
  if (!grown) return grown;

  auto updated = db.cached(
                       "UPDATE accounts SET debits_posted = ?, credits_posted = ?,"
                       " debits_pending = ?, credits_pending = ? WHERE id = ?")
                     .bind(1, a.debits_posted)
                     .bind(2, a.credits_posted)
                     .bind(3, a.debits_pending)
                     .bind(4, a.credits_pending)
                     .bind(5, a.id)
                     .run();
  if (!updated) return updated;
  std::optional<Minor> debits_after;
  std::optional<Minor> credits_after;
  if (!pending) {
    debits_after = a.debits_posted;
    credits_after = a.credits_posted;
  }
  // Into the recent table marked appending (ledger/postings_merge.h).
  const char* insert =
      into == RecentPostings::a
          ? "INSERT INTO postings_recent (account_id, seq, idx, transaction_id, amount_minor,"
            " phase, value_date, debits_after, credits_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
          : "INSERT INTO postings_recent_b (account_id, seq, idx, transaction_id, amount_minor,"
            " phase, value_date, debits_after, credits_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return db.cached(insert)
      .bind(1, a.id)
      .bind(2, entry.seq)
      .bind(3, idx)
      .bind(4, transaction)
      .bind(5, posting.amount)
      .bind(6, std::string_view(pending ? "pending" : "posted"))
      .bind(7, value_date)
      .bind(8, debits_after)
      .bind(9, credits_after)
      .run();
}

Result<Ok> apply_postings(Database& db, RecentPostings into, const Entry& entry,
                          TransactionId transaction, const std::vector<Posting>& postings,
                          bool pending, std::string_view value_date) {
  std::map<std::string, Minor> sums;
  std::int64_t idx = 0;
  for (const Posting& posting : postings) {
    if (posting.amount == 0) return Error{Errc::invalid_argument, "zero posting in the log"};
    auto done =
        apply_posting(db, into, entry, idx++, transaction, posting, pending, value_date, sums);
    if (!done) return done;
  }
  for (const auto& [currency, sum] : sums) {
    if (sum != 0) return Error{Errc::unbalanced, "postings in " + currency + " do not sum to 0"};
  }
  return Ok{};
}

Result<Ok> apply_transaction(Database& db, RecentPostings into, const Entry& entry) {
  const auto& f = entry.fields;
  auto transaction = int_field(f, "transaction");
  auto phase = string_field(f, "phase");
  auto value_date = string_field(f, "value_date");
  auto timeout = optional_string_field(f, "timeout");
  auto reverses = optional_int_field(f, "reverses");
  auto postings = postings_from_json(f);
  if (!transaction) return transaction.error();
  if (!phase) return phase.error();
  if (!value_date) return value_date.error();
  if (!timeout) return timeout.error();
  if (!reverses) return reverses.error();
  if (!postings) return postings.error();
  bool pending = phase.value() == "pending";
  if (!pending && phase.value() != "posted") return Error{Errc::invalid_argument, "bad phase"};
  std::optional<Timestamp> timeout_us;
  if (timeout.value()) {
    timeout_us = parse_timestamp(*timeout.value());
    if (!timeout_us) return Error{Errc::invalid_argument, "bad timeout"};
  }
  auto inserted = db.cached(
                        "INSERT INTO transactions (id, seq, status, value_date, timeout_us,"
                        " reverses) VALUES (?, ?, ?, ?, ?, ?)")
                      .bind(1, transaction.value())
                      .bind(2, entry.seq)
                      .bind(3, std::string_view(pending ? "pending" : "posted"))
                      .bind(4, std::string_view(value_date.value()))
                      .bind(5, timeout_us)
                      .bind(6, reverses.value())
                      .run();
  if (!inserted) return inserted;
  if (reverses.value()) {
    auto marked = db.cached(
                        "UPDATE transactions SET reversed_by = ? WHERE id = ?"
                        " AND reversed_by IS NULL AND status = 'posted'")
                      .bind(1, transaction.value())
                      .bind(2, *reverses.value())
                      .run();
    if (!marked) return marked;
    if (db.changes() != 1) return Error{Errc::already_reversed, "reversal of a reversed entry"};
  }
  return apply_postings(db, into, entry, transaction.value(), postings.value(), pending,
                        value_date.value());
}

// Takes a pending transaction's reserved amounts back out of its accounts' pending totals.
Result<Ok> release_pending(Database& db, TransactionId transaction) {
  auto postings = load_transaction_postings(db, transaction, true);
  if (!postings) return postings.error();
  for (const PostingRow& posting : postings.value()) {
    auto account = load_account(db, posting.account);
    if (!account) return account.error();
    Account& a = account.value();
    auto shrunk = remove_posting(a.debits_pending, a.credits_pending, posting.amount);
    if (!shrunk) return shrunk;
    PARDNER_ASSERT(a.debits_pending >= 0);
    PARDNER_ASSERT(a.credits_pending >= 0);
    auto updated = db.cached(
                         "UPDATE accounts SET debits_pending = ?, credits_pending = ?"
                         " WHERE id = ?")
                       .bind(1, a.debits_pending)
                       .bind(2, a.credits_pending)
                       .bind(3, a.id)
                       .run();
    if (!updated) return updated;
  }
  return Ok{};
}

Result<Ok> resolve_pending(Database& db, RecentPostings into, const Entry& entry,
                           TransactionStatus outcome) {
  auto transaction = int_field(entry.fields, "transaction");
  if (!transaction) return transaction.error();
  bool posted = outcome == TransactionStatus::posted;
  // A posting may carry a value date of its own; the transaction then takes it, as its posted
  // lines do. Voiding and expiry leave the date as it was.
  std::optional<std::string> value_date;
  if (posted) {
    auto date = string_field(entry.fields, "value_date");
    if (!date) return date.error();
    value_date = std::string(date.value());
  }
  auto resolved = db.cached(
                        "UPDATE transactions SET status = ?, resolved_seq = ?,"
                        " value_date = coalesce(?, value_date) WHERE id = ? AND status = 'pending'")
                      .bind(1, wire_name(outcome))
                      .bind(2, entry.seq)
                      .bind(3, value_date)
                      .bind(4, transaction.value())
                      .run();
  if (!resolved) return resolved;
  if (db.changes() != 1) return Error{Errc::not_pending, "resolution of a non-pending entry"};
  auto released = release_pending(db, transaction.value());
  if (!released) return released;
  if (!posted) return Ok{};
  auto postings = postings_from_json(entry.fields);
  if (!postings) return postings.error();
  return apply_postings(db, into, entry, transaction.value(), postings.value(), false, *value_date);
}

}  // namespace

Result<Ok> project(Database& db, const Entry& entry, RecentPostings into) {
  switch (entry.kind) {
    case EntryKind::member_created:
      return apply_member_created(db, entry);
    case EntryKind::member_status_changed:
      return apply_member_status_changed(db, entry);
    case EntryKind::account_opened:
      return apply_account_opened(db, entry);
    case EntryKind::account_closed:
      return apply_account_closed(db, entry);
    case EntryKind::account_floor_changed:
      return apply_account_floor_changed(db, entry);
    case EntryKind::transaction:
      return apply_transaction(db, into, entry);
    case EntryKind::pending_posted:
      return resolve_pending(db, into, entry, TransactionStatus::posted);
    case EntryKind::pending_voided:
      return resolve_pending(db, into, entry, TransactionStatus::voided);
    case EntryKind::pending_expired:
      return resolve_pending(db, into, entry, TransactionStatus::expired);
    case EntryKind::loan_fund_created: return apply_loan_fund_created(db, entry);
    case EntryKind::loan_product_created: return apply_loan_product_created(db, entry);
    case EntryKind::loan_applied: return apply_loan_applied(db, entry);
    case EntryKind::loan_approved: return apply_loan_approved(db, entry);
    case EntryKind::loan_rejected: return apply_loan_closed_early(db, entry, "rejected");
    case EntryKind::loan_withdrawn: return apply_loan_closed_early(db, entry, "withdrawn");
    case EntryKind::loan_disbursed: return apply_loan_disbursed(db, entry);
    case EntryKind::loan_repaid: return apply_loan_repaid(db, entry);
    case EntryKind::loan_late_fee_charged: return apply_loan_late_fee_charged(db, entry);
    case EntryKind::loan_writeoff_approved: return apply_loan_writeoff_approved(db, entry);
    case EntryKind::loan_written_off: return apply_loan_written_off(db, entry);
    case EntryKind::loan_recovered: return apply_loan_recovered(db, entry);
    case EntryKind::pool_created: return apply_pool_created(db, entry);
    case EntryKind::pool_contributed: return apply_pool_contributed(db, entry);
    case EntryKind::pool_policy_set: return apply_pool_policy_set(db, entry);
    case EntryKind::pool_distributed: return apply_pool_distributed(db, entry);
    case EntryKind::round_opened: return apply_round_opened(db, entry);
    case EntryKind::round_vote_cast: return apply_round_vote_cast(db, entry);
    case EntryKind::round_closed: return apply_round_closed(db, entry);
    case EntryKind::dividend_declared: return apply_dividend_declared(db, entry);
  }
  return Error{Errc::invalid_argument, "unknown entry kind"};
}

}  // namespace pardner::ledger
