// A dividend's split and payment plan, computed from the derived tables as the log stood just
// after entry `as_of_seq`. The command (ledger/dividend_commands.cc) pays the plan; the
// projection (ledger/dividend_projection.cc) recomputes it from the entry's recorded inputs and
// refuses an entry whose transactions differ. Reads only; never writes, never reads the clock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct DividendInputs {
  AccountId source_account = 0;
  std::string currency;
  std::string share_prefix;
  std::optional<std::string> payout_prefix;
  Seq as_of_seq = 0;
  std::optional<Minor> amount_minor;     // exactly one of these two
  std::optional<std::int64_t> rate_bps;  // the amount is floor(total_shares * rate_bps / 10,000)
};

struct DividendLine {
  AccountId share_account = 0;
  MemberId member = 0;
  Minor shares = 0;  // the posted balance just after as_of_seq; > 0
  AccountId payout_account = 0;
  Minor amount_minor = 0;               // this line's part of the split
  std::int64_t transaction_index = -1;  // which of the plan's transactions pays it; -1 for 0
};

struct DividendPlan {
  Minor total_shares = 0;
  Minor amount_minor = 0;
  std::vector<DividendLine> lines;  // by share account id ascending
  // The postings of each transaction in order: the source debited with the transaction's total
  // first, then the payout accounts credited in share account order.
  std::vector<std::vector<Posting>> transactions;
};

// The share accounts are the equity accounts with a member, of `currency`, whose code starts
// with `share_prefix`, opened at or before `as_of_seq`; those whose posted balance just after
// that entry is positive get a line. The amount is split over the balances by largest remainder
// (ledger/largest_remainder.h), ties to the lower share account id. A line's payout account is
// its share account, or with `payout_prefix` its member's one open liability or equity account
// of `currency` whose code starts with it. Lines paid 0 get no posting. Transactions hold at most
// dividend_payouts_per_transaction_max payouts each.
// Refusals, in this order: invalid_argument (a share account with a negative balance, a member
// with two share accounts holding shares, more than dividend_share_accounts_max lines, no share
// capital, the rate's amount outside 1..json_amount_max), then per line in share account order:
// not_found (no payout account), invalid_argument (two payout accounts), then invalid_argument
// (the source is a share or payout account); storage_failed on SQLite errors.
Result<DividendPlan> plan_dividend(Database& db, const DividendInputs& inputs);

// The posted balance of an equity (credit-normal) account just after entry `seq`, from the
// postings' running totals: 0 before its first posted posting.
Result<Minor> credit_balance_as_of(Database& db, AccountId account, Seq seq);

}  // namespace pardner::ledger
