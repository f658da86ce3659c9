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

// Charges every late fee due on `as_of` (arrears_on(state, as_of).late_fees_due) on the disbursed
// loans, or on `loan` alone: one loan_late_fee_charged entry per instalment charged, never two
// for one instalment, so running it again charges nothing. A charge moves no money (late fees are
// income when paid, as interest is); the next repayment pays it first. At most
// late_fee_charges_per_command_max instalments per command: Applied::id is the number charged
// (the seq of the last entry, or -1 when nothing was due), so a caller that gets the maximum runs
// it again. Charging is idempotent by its nature, so the key is optional here.
struct ChargeLateFees {
  std::string idempotency_key;  // optional
  // An admin; 0 only for the writer's own scheduled run (Writer::charge_late_fees_today). The
  // API must always fill it in from the bearer token.
  ActorToken actor = 0;
  std::optional<Date> as_of;   // defaults to today by the writer's clock; never after it
  std::optional<LoanId> loan;  // all disbursed loans when empty
};

// One admin's approval to write a disbursed loan off, by the same rules as approving it: distinct
// admins, the fund's approval_quorum, never the borrower themself. The approval that reaches the
// quorum also writes the outstanding principal off in one balanced transaction (loan-loss expense
// debited, loans receivable credited) and ends the loan as written_off. Unpaid interest, fees and
// late fees were never income (cash basis), so they lapse.
struct WriteOffLoan {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin other than the borrower
  LoanId loan = 0;
};

// Money recovered on a written-off loan, by an admin: `source_account` (the member's account or
// a cash-in clearing account, in the fund's currency) debited, loan-loss expense credited, so the
// loss the fund reports shrinks by what came back. At most the principal written off less the
// recoveries so far.
struct RecordRecovery {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin
  LoanId loan = 0;
  AccountId source_account = 0;
  Minor amount_minor = 0;
};

}  // namespace pardner::ledger
