// Creating loan funds and their products. Guard order for CreateLoanFund: not_permitted (actor)
// -> invalid_argument (currency, quorum, limits) -> per account in field order: not_found,
// account_closed, invalid_argument (type, currency, the same account twice). CreateLoanProduct:
// not_permitted -> not_found (fund) -> invalid_argument (terms, ledger/loan_terms.h).
#include <boost/json.hpp>

#include "ledger/currency.h"
#include "ledger/limits.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_id(const std::optional<std::int64_t>& id) {
  if (id) return *id;
  return nullptr;
}

Result<Ok> check_fund_rules(const CreateLoanFund& command) {
  if (!find_currency(command.currency)) {
    return Error{Errc::invalid_argument, "unknown currency " + command.currency};
  }
  if (command.approval_quorum < 1 || command.approval_quorum > loan_approval_quorum_max) {
    return Error{Errc::invalid_argument,
                 "approval_quorum must be 1.." + std::to_string(loan_approval_quorum_max)};
  }
  if (command.loan_max_minor < 1 || command.loan_max_minor > json_amount_max) {
    return Error{Errc::invalid_argument,
                 "loan_max must be 1.." + std::to_string(json_amount_max) + " minor units"};
  }
  if (command.cash_share_max_bps < 1 || command.cash_share_max_bps > 10'000) {
    return Error{Errc::invalid_argument, "cash_share_max_bps must be 1..10000"};
  }
  return Ok{};
}

struct FundAccount {
  std::string_view role;
  AccountId id;
  AccountType type;
};

Result<Ok> check_fund_accounts(WriteTxn& txn, const CreateLoanFund& command) {
  const FundAccount accounts[] = {
      {"cash_account", command.cash_account, AccountType::asset},
      {"receivable_account", command.receivable_account, AccountType::asset},
      {"interest_income_account", command.interest_income_account, AccountType::income},
      {"fee_income_account", command.fee_income_account, AccountType::income},
      {"loss_expense_account", command.loss_expense_account, AccountType::expense},
      {"capital_account", command.capital_account, AccountType::equity},
  };
  for (std::size_t i = 0; i < std::size(accounts); ++i) {
    const FundAccount& wanted = accounts[i];
    auto account = txn.account(wanted.id);
    if (!account) return account.error();
    const std::string role(wanted.role);
    if (account.value().closed) return Error{Errc::account_closed, role + " is closed"};
    if (account.value().type != wanted.type) {
      return Error{Errc::invalid_argument,
                   role + " must be an " + std::string(wire_name(wanted.type)) + " account"};
    }
    if (account.value().currency != command.currency) {
      return Error{Errc::invalid_argument, role + " is not in " + command.currency};
    }
    // One account in two roles would net movements away (a fee "income" that is the cash).
    for (std::size_t j = 0; j < i; ++j) {
      if (accounts[j].id == wanted.id) {
        return Error{Errc::invalid_argument,
                     role + " is the same account as " + std::string(accounts[j].role)};
      }
    }
  }
  return Ok{};
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const CreateLoanFund& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  if (auto ok = check_fund_rules(command); !ok) return ok.error();
  if (auto ok = check_fund_accounts(txn, command); !ok) return ok.error();
  auto id = next_id(txn.db(), "SELECT max(id) FROM loan_funds");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::loan_fund_created,
                          {{"fund", id.value()},
                           {"currency", command.currency},
                           {"cash_account", command.cash_account},
                           {"receivable_account", command.receivable_account},
                           {"interest_income_account", command.interest_income_account},
                           {"fee_income_account", command.fee_income_account},
                           {"loss_expense_account", command.loss_expense_account},
                           {"capital_account", command.capital_account},
                           {"approval_quorum", command.approval_quorum},
                           {"loan_max", command.loan_max_minor},
                           {"cash_share_max_bps", command.cash_share_max_bps},
                           {"admin", command.actor},
                           {"admin_member", optional_id(admin.value().member)},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

Result<Applied> apply(WriteTxn& txn, const CreateLoanProduct& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto fund = load_loan_fund(txn.db(), command.fund);
  if (!fund) return fund.error();
  if (auto ok = validate_loan_terms(command.terms); !ok) return ok.error();
  auto id = next_id(txn.db(), "SELECT max(id) FROM loan_products");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  const LoanTerms& t = command.terms;
  auto entry = txn.append(EntryKind::loan_product_created,
                          {{"product", id.value()},
                           {"fund", command.fund},
                           {"instalment_count", t.instalment_count},
                           {"frequency", wire_name(t.frequency)},
                           {"interest_method", wire_name(t.interest_method)},
                           {"annual_rate_bps", t.annual_rate_bps},
                           {"upfront_fee_kind", wire_name(t.upfront_fee_kind)},
                           {"upfront_fee_value", t.upfront_fee_value},
                           {"fee_collection", wire_name(t.fee_collection)},
                           {"grace_instalments", t.grace_instalments},
                           {"late_fee", t.late_fee_minor},
                           {"late_fee_grace_days", t.late_fee_grace_days},
                           {"admin", command.actor},
                           {"admin_member", optional_id(admin.value().member)},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

}  // namespace pardner::ledger
