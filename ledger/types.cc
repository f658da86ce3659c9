// Wire names of the vocabulary enums (switches without default) and normal-side balances.
#include "ledger/types.h"

namespace pardner::ledger {

std::string_view wire_name(AccountType type) {
  switch (type) {
    case AccountType::asset: return "asset";
    case AccountType::liability: return "liability";
    case AccountType::equity: return "equity";
    case AccountType::income: return "income";
    case AccountType::expense: return "expense";
  }
  return "unknown";
}

std::optional<AccountType> account_type_from(std::string_view name) {
  for (auto type : {AccountType::asset, AccountType::liability, AccountType::equity,
                    AccountType::income, AccountType::expense}) {
    if (wire_name(type) == name) return type;
  }
  return std::nullopt;
}

bool is_debit_normal(AccountType type) {
  switch (type) {
    case AccountType::asset:
    case AccountType::expense: return true;
    case AccountType::liability:
    case AccountType::equity:
    case AccountType::income: return false;
  }
  return true;
}

std::string_view wire_name(MemberStatus status) {
  switch (status) {
    case MemberStatus::active: return "active";
    case MemberStatus::suspended: return "suspended";
    case MemberStatus::left: return "left";
  }
  return "unknown";
}

std::optional<MemberStatus> member_status_from(std::string_view name) {
  for (auto status : {MemberStatus::active, MemberStatus::suspended, MemberStatus::left}) {
    if (wire_name(status) == name) return status;
  }
  return std::nullopt;
}

std::string_view wire_name(TransactionStatus status) {
  switch (status) {
    case TransactionStatus::posted: return "posted";
    case TransactionStatus::pending: return "pending";
    case TransactionStatus::voided: return "voided";
    case TransactionStatus::expired: return "expired";
  }
  return "unknown";
}

std::optional<TransactionStatus> transaction_status_from(std::string_view name) {
  for (auto status : {TransactionStatus::posted, TransactionStatus::pending,
                      TransactionStatus::voided, TransactionStatus::expired}) {
    if (wire_name(status) == name) return status;
  }
  return std::nullopt;
}

namespace {

Result<Ok> change_totals(Minor& debits, Minor& credits, Minor amount, bool add) {
  Minor& total = amount > 0 ? debits : credits;
  auto magnitude = amount > 0 ? Result<Minor>(amount) : checked_negate(amount);
  if (!magnitude) return magnitude.error();
  auto changed = add ? checked_add(total, magnitude.value()) : checked_sub(total, magnitude.value());
  if (!changed) return changed.error();
  total = changed.value();
  return Ok{};
}

}  // namespace

Result<Ok> add_posting(Minor& debits, Minor& credits, Minor amount) {
  return change_totals(debits, credits, amount, true);
}

Result<Ok> remove_posting(Minor& debits, Minor& credits, Minor amount) {
  return change_totals(debits, credits, amount, false);
}

Result<Balance> balance_of(const Account& account) {
  Balance out{account.debits_posted, account.credits_posted, account.debits_pending,
              account.credits_pending, 0};
  auto normal = is_debit_normal(account.type)
                    ? checked_sub(account.debits_posted, account.credits_posted)
                    : checked_sub(account.credits_posted, account.debits_posted);
  if (!normal) return normal.error();
  out.balance = normal.value();
  return out;
}

// A pending amount that would raise the balance is not counted: it may still be voided. One that
// would lower it is, since it may still be posted (TigerBeetle's rule for balance limits).
Result<Minor> lowest_possible_balance(AccountType type, Minor debits_posted, Minor credits_posted,
                                      Minor debits_pending, Minor credits_pending) {
  if (is_debit_normal(type)) {
    auto lowering = checked_add(credits_posted, credits_pending);
    if (!lowering) return lowering.error();
    return checked_sub(debits_posted, lowering.value());
  }
  auto lowering = checked_add(debits_posted, debits_pending);
  if (!lowering) return lowering.error();
  return checked_sub(credits_posted, lowering.value());
}

}  // namespace pardner::ledger
