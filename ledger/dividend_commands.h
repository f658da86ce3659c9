// The co-operative dividend command, as a plain value (the rest are in ledger/commands.h). Who
// the members' share accounts are, how the amount is split and where it is paid are decided in
// ledger/dividend_plan.cc, which the command and the replay of its entry both call.
#pragma once

#include <optional>
#include <string>

#include "ledger/pool_commands.h"
#include "ledger/types.h"

namespace pardner::ledger {

// Declares and pays a dividend from one source (a pool, or an income or equity account) over
// the members' share accounts: the open-or-closed equity accounts with a member whose code
// starts with `share_prefix`, in the source's currency, opened at or before `as_of_seq`. Each
// is weighted by its posted balance just after entry `as_of_seq` (every entry with seq <=
// as_of_seq counted, nothing after), and the amount is split by largest remainder over those
// weights, ties to the lower share account id. The amount is `amount_minor`, or `rate_bps` of
// the total share capital rounded down. Each member is paid into their share account itself,
// or, with `payout_prefix`, into their one open liability or equity account of the currency
// whose code starts with it. Paid in transactions of at most postings_per_transaction_max
// postings (the source debited once per transaction), all appended by this one command.
struct DeclareDividend {
  std::string idempotency_key;
  ActorToken actor = 0;                      // an admin
  std::optional<PoolId> source_pool;         // exactly one of source_pool and source_account
  std::optional<AccountId> source_account;   // an income or equity account, not a pool's
  std::string share_prefix;                  // e.g. "equity:members:shares:"
  std::optional<std::string> payout_prefix;  // e.g. "liabilities:members:savings:"
  Seq as_of_seq = 0;                         // 0 <= as_of_seq < the log's size
  std::optional<Minor> amount_minor;         // exactly one of amount_minor and rate_bps
  std::optional<std::int64_t> rate_bps;      // 1..dividend_rate_bps_max of the share capital
};

}  // namespace pardner::ledger
