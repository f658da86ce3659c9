// Reads of the state derived from the log, on any connection: the writer's (inside its
// transaction) and the readers'. Never writes.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct TransactionRow {
  TransactionId id = 0;
  Seq seq = 0;  // the entry that created it
  TransactionStatus status = TransactionStatus::posted;
  Date value_date = 0;
  std::optional<Timestamp> timeout;
  std::optional<Seq> resolved_seq;
  std::optional<TransactionId> reverses;
  std::optional<TransactionId> reversed_by;
};

struct PostingRow {
  AccountId account = 0;
  Seq seq = 0;
  std::int64_t idx = 0;
  TransactionId transaction = 0;
  Minor amount = 0;
  bool pending = false;
  Date value_date = 0;
  std::optional<Minor> debits_after;  // posted only
  std::optional<Minor> credits_after;
};

struct TrialBalanceLine {
  std::string currency;
  Minor debits = 0;   // sum of accounts' debit balances
  Minor credits = 0;  // sum of accounts' credit balances; equal to debits when books balance
  std::int64_t accounts = 0;
  friend bool operator==(const TrialBalanceLine&, const TrialBalanceLine&) = default;
};

// The columns of a whole account row, in the order account_from_row reads them (for a
// SELECT of accounts: "SELECT " + account_columns + " FROM accounts ...").
inline constexpr std::string_view account_columns =
    "id, code, type, currency, member_id, status, floor_minor, opened_seq, closed_seq,"
    " debits_posted, credits_posted, debits_pending, credits_pending";
Account account_from_row(const Statement& row);

// not_found when the id names nothing.
Result<Account> load_account(Database& db, AccountId id);
Result<TransactionRow> load_transaction(Database& db, TransactionId id);
Result<MemberStatus> load_member_status(Database& db, MemberId id);
// The postings of one transaction in one phase, in entry order.
Result<std::vector<PostingRow>> load_transaction_postings(Database& db, TransactionId id,
                                                          bool pending);
// An account's posted debits and credits just after entry `seq`: the running totals its last
// posted posting at or before `seq` left (postings are append-only and carry them), or zero if
// it has none by then.
struct PostedTotals {
  Minor debits = 0;
  Minor credits = 0;
};
Result<PostedTotals> posted_totals_as_of(Database& db, AccountId account, Seq seq);
// Sums accounts' posted totals into trial-balance lines, one per currency: each account's
// net balance goes to the debit or the credit side. Accounts must come in currency order.
class TrialBalanceSum {
 public:
  Result<Ok> add(std::string currency, Minor debits, Minor credits);
  std::vector<TrialBalanceLine> lines() && { return std::move(lines_); }

 private:
  std::vector<TrialBalanceLine> lines_;
};

// The trial balance per currency, from the accounts' posted totals.
Result<std::vector<TrialBalanceLine>> compute_trial_balance(Database& db);
// The trial balance just after entry `seq`, from the postings' running totals; the caller
// holds a read transaction so the accounts and postings come from one snapshot.
Result<std::vector<TrialBalanceLine>> compute_trial_balance_as_of(Database& db, Seq seq);
// The id the next created row of `table` gets (ids are 1-based and dense).
Result<std::int64_t> next_id(Database& db, const char* max_id_sql);

}  // namespace pardner::ledger
