// Reports on loans for readers: one loan as it stands on a date, and a fund's portfolio. Pure
// reads of the derived tables (through ledger/loan_ledger_state.h); never writes. The caller
// holds a read transaction when it wants one snapshot across several reports.
#pragma once

#include <optional>
#include <vector>

#include "ledger/error.h"
#include "ledger/loan_arrears.h"
#include "ledger/loan_state.h"
#include "ledger/loan_store.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// The member's "next payment": the oldest instalment with anything unpaid (overdue or not), its
// due date and what is still owed on it (principal, interest, fee and any late fee charged).
struct NextPayment {
  std::int64_t number = 0;
  Date due_date = 0;
  Minor amount_minor = 0;
};

struct LoanReport {
  Loan loan;
  std::vector<ScheduledInstalment> schedule;  // fixed at disbursement; empty before
  LoanOutstanding outstanding;                // zero before disbursement and once written off
  Arrears arrears;  // on the date asked for; zero unless the loan is disbursed
  std::optional<NextPayment> next_payment;  // disbursed loans only (nothing is due otherwise)
  Minor written_off_principal_minor = 0;    // written_off loans: principal written off
  Minor recovered_minor = 0;                // written_off loans: recovered so far
};

// not_found for an unknown loan.
Result<LoanReport> loan_report(Database& db, LoanId id, Date on);

// loan_report on `on` for each of the member's loans, by id (what a member sees as "my loans",
// with the next payment due on each). An unknown member has no loans.
Result<std::vector<LoanReport>> member_loan_reports(Database& db, MemberId member, Date on);

struct LoanPortfolio {
  std::int64_t loans_applied = 0;  // waiting for approval
  std::int64_t loans_approved = 0;
  std::int64_t loans_disbursed = 0;  // outstanding
  std::int64_t loans_repaid = 0;
  std::int64_t loans_written_off = 0;
  Minor outstanding_principal_minor = 0;
  Minor repaid_principal_minor = 0;  // principal received, prepayments included
  Minor reserved_minor = 0;          // approved, not yet disbursed
  // PAR30: outstanding principal of loans more than 30 days past due, and its share of all
  // outstanding principal in basis points, rounded down (0 when nothing is outstanding).
  Minor at_risk_30_principal_minor = 0;
  std::int64_t par30_bps = 0;
  Minor cash_available_minor = 0;
  Minor written_off_principal_minor = 0;  // principal written off to loan-loss expense
  Minor recovered_minor = 0;              // recovered on loans written off
};

// not_found for an unknown fund.
Result<LoanPortfolio> loan_portfolio(Database& db, LoanFundId fund, Date on);

}  // namespace pardner::ledger
