// The ledger's vocabulary types: ids, account types and the rows reads return.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/money.h"
#include "ledger/time.h"

namespace pardner::ledger {

using Seq = std::int64_t;  // 0-based index of an entry in the log; tree_size == last seq + 1
using MemberId = std::int64_t;
using AccountId = std::int64_t;
using TransactionId = std::int64_t;

enum class AccountType : std::uint8_t { asset, liability, equity, income, expense };
std::string_view wire_name(AccountType type);
std::optional<AccountType> account_type_from(std::string_view name);
// Assets and expenses grow with debits; liabilities, equity and income with credits.
bool is_debit_normal(AccountType type);

enum class MemberStatus : std::uint8_t { active, suspended, left };
std::string_view wire_name(MemberStatus status);
std::optional<MemberStatus> member_status_from(std::string_view name);

enum class TransactionStatus : std::uint8_t { posted, pending, voided, expired };
std::string_view wire_name(TransactionStatus status);
std::optional<TransactionStatus> transaction_status_from(std::string_view name);

struct Posting {
  AccountId account = 0;
  Minor amount = 0;  // positive debit, negative credit, never zero
  friend bool operator==(const Posting&, const Posting&) = default;
};

struct Account {
  AccountId id = 0;
  std::string code;
  AccountType type = AccountType::asset;
  std::string currency;
  std::optional<MemberId> member;
  bool closed = false;
  std::optional<Minor> floor;  // lowest normal-side balance allowed, pending included
  Seq opened_seq = 0;
  std::optional<Seq> closed_seq;
  Minor debits_posted = 0;
  Minor credits_posted = 0;
  Minor debits_pending = 0;
  Minor credits_pending = 0;
};

struct Balance {
  Minor debits_posted = 0;
  Minor credits_posted = 0;
  Minor debits_pending = 0;
  Minor credits_pending = 0;
  Minor balance = 0;  // posted, on the account's normal side
  friend bool operator==(const Balance&, const Balance&) = default;
};

// A posting's effect on a pair of totals, the sign convention in one place: a positive amount (a
// debit) adds to `debits`, a negative one (a credit) adds its magnitude to `credits`.
// remove_posting undoes it (a reservation released). Checked: overflow is refused, never wrapped.
Result<Ok> add_posting(Minor& debits, Minor& credits, Minor amount);
Result<Ok> remove_posting(Minor& debits, Minor& credits, Minor amount);

// The posted balance on the account's normal side, and the same with every pending amount that
// could lower it counted (what the floor is checked against). Checked arithmetic.
Result<Balance> balance_of(const Account& account);
Result<Minor> lowest_possible_balance(AccountType type, Minor debits_posted, Minor credits_posted,
                                      Minor debits_pending, Minor credits_pending);

}  // namespace pardner::ledger
