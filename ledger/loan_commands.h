// The commands of community loan funds, as plain values (the rest are in ledger/commands.h).
// Each names the access token of whoever acts: the writer checks it against the stored tokens,
// so the fund's rules (an admin cannot approve a loan to themself, approvals need distinct
// admins) are decided here in ledger/, not by whoever submits the command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/loan_terms.h"
#include "ledger/types.h"

namespace pardner::ledger {

// The access token of the principal who acts; the API fills it in from the request's bearer
// token. A token row is kept outside the log, so entries record both the token id and the member
// it speaks for (if any): the log alone then shows who decided.
using ActorToken = std::int64_t;

using LoanFundId = std::int64_t;
using LoanProductId = std::int64_t;
using LoanId = std::int64_t;

// A fund over six existing open accounts of one currency: cash at bank (asset), loans receivable
// (asset), interest income (income), fee income (income), loan-loss expense (expense) and capital
// (equity). Naming existing accounts, rather than opening them here, lets a community point a
// fund at the bank account and capital it already keeps.
struct CreateLoanFund {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin
  std::string currency;
  AccountId cash_account = 0;
  AccountId receivable_account = 0;
  AccountId interest_income_account = 0;
  AccountId fee_income_account = 0;
  AccountId loss_expense_account = 0;
  AccountId capital_account = 0;
  std::int64_t approval_quorum = 2;  // distinct admins: 1..loan_approval_quorum_max
  Minor loan_max_minor = 0;          // the largest principal: 1..json_amount_max
  std::int64_t cash_share_max_bps = 10'000;  // of the available cash, per loan: 1..10,000
};

struct CreateLoanProduct {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin
  LoanFundId fund = 0;
  LoanTerms terms;
};

// By the member (a member token for `member`) or an admin for them. The payout account is where
// the principal goes at disbursement: the member's own account or a payout clearing account, in
// the fund's currency.
struct ApplyForLoan {
  std::string idempotency_key;
  ActorToken actor = 0;
  LoanFundId fund = 0;
  LoanProductId product = 0;
  MemberId member = 0;
  AccountId payout_account = 0;
  Minor principal_minor = 0;
  std::string purpose;  // a reference, not a name: it enters the log
};

// One admin's approval. The one that completes the quorum also reserves the principal from the
// fund's cash as a pending transaction (cash credited, loans receivable debited).
struct ApproveLoan {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin other than the applicant member
  LoanId loan = 0;
};

// Any admin, before disbursement; voids the reservation if there is one.
struct RejectLoan {
  std::string idempotency_key;
  ActorToken actor = 0;
  LoanId loan = 0;
  std::string reason;  // a reference, not a name: it enters the log
};

// The applicant member, before disbursement; voids the reservation if there is one.
struct WithdrawLoan {
  std::string idempotency_key;
  ActorToken actor = 0;
  LoanId loan = 0;
};

// An admin pays an approved loan out. `approval_seqs` names the approval entries that authorised
// it, so an auditor follows every payout back to the admins who approved it: they must be
// exactly the loan's approvals (those that made its quorum). The value date fixes the schedule.
struct DisburseLoan {
  std::string idempotency_key;
  ActorToken actor = 0;
  LoanId loan = 0;
  std::vector<Seq> approval_seqs;
  std::optional<Date> value_date;  // defaults to the entry's date
};

// A repayment of `amount_minor` from `source_account` (the member's own account, or a cash-in
// clearing account), allocated by apply_repayment: late fees and fees to fee income, interest to
// interest income, principal to loans receivable, in one balanced transaction. By an admin, or
// by the borrower from an account of their own.
struct RepayLoan {
  std::string idempotency_key;
  ActorToken actor = 0;
  LoanId loan = 0;
  AccountId source_account = 0;
  Minor amount_minor = 0;
  std::optional<Date> value_date;  // the payment date; defaults to the entry's date
};

}  // namespace pardner::ledger
