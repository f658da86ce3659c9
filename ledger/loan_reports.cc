// Loan reports. PAR30 is the standard microfinance ratio: principal of loans more than 30 days
// overdue over all principal outstanding, here in whole basis points rounded down.
#include "ledger/loan_reports.h"

#include "ledger/loan_ledger_state.h"
#include "ledger/loan_writeoff_store.h"

namespace pardner::ledger {
namespace {

// A sum of principals times 10,000 can pass int64 (2^63 / 10^4 < 2^50 per loan summed), so the
// ratio goes through 128 bits, as in ledger/loan_schedule.cc.
__extension__ typedef __int128 Wide;

std::optional<NextPayment> next_payment(const LoanState& state) {
  for (const InstalmentState& instalment : state.instalments) {
    Minor owed = unpaid_total(instalment);
    if (owed > 0) return NextPayment{instalment.number, instalment.due_date, owed};
  }
  return std::nullopt;
}

Result<Ok> add_to(Minor& total, Minor amount) {
  auto sum = checked_add(total, amount);
  if (!sum) return sum.error();
  total = sum.value();
  return Ok{};
}

}  // namespace

Result<LoanReport> loan_report(Database& db, LoanId id, Date on) {
  auto loan = load_loan(db, id);
  if (!loan) return loan.error();
  LoanReport report;
  report.loan = loan.value();
  if (!loan.value().disbursement_date) return report;
  auto schedule = load_loan_instalments(db, id);
  if (!schedule) return schedule.error();
  report.schedule = std::move(schedule.value());
  if (loan.value().status == LoanStatus::written_off) {
    // What was unpaid lapsed with the write-off: the loan owes nothing the fund still books.
    auto writeoff = load_loan_writeoff(db, id);
    if (!writeoff) return writeoff.error();
    PARDNER_ASSERT(writeoff.value().has_value());
    report.written_off_principal_minor = writeoff.value()->principal_minor;
    report.recovered_minor = writeoff.value()->recovered_minor;
    return report;
  }
  auto state = load_loan_state(db, id);
  if (!state) return state.error();
  report.outstanding = outstanding(state.value());
  if (loan.value().status == LoanStatus::disbursed) {
    report.arrears = arrears_on(state.value(), on);
    report.next_payment = next_payment(state.value());
  }
  return report;
}

Result<std::vector<LoanReport>> member_loan_reports(Database& db, MemberId member, Date on) {
  auto loans = load_member_loans(db, member);
  if (!loans) return loans.error();
  std::vector<LoanReport> reports;
  for (const Loan& loan : loans.value()) {
    auto report = loan_report(db, loan.id, on);
    if (!report) return report.error();
    reports.push_back(std::move(report.value()));
  }
  return reports;
}

Result<LoanPortfolio> loan_portfolio(Database& db, LoanFundId fund_id, Date on) {
  auto fund = load_loan_fund(db, fund_id);
  if (!fund) return fund.error();
  LoanPortfolio portfolio;
  auto available = available_cash(db, fund.value());
  if (!available) return available.error();
  portfolio.cash_available_minor = available.value();
  auto query = db.prepare("SELECT id, status, principal_minor FROM loans WHERE fund_id = ?"
                          " ORDER BY id");
  if (!query) return query.error();
  query.value().bind(1, fund_id);
  while (true) {
    auto row = query.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    LoanId id = query.value().column_int(0);
    auto status = loan_status_from(query.value().column_text(1));
    Minor principal = query.value().column_int(2);
    PARDNER_ASSERT(status.has_value());  // the table's CHECK admits only the wire names
    switch (*status) {
      case LoanStatus::applied: ++portfolio.loans_applied; break;
      case LoanStatus::approved: {
        ++portfolio.loans_approved;
        auto sum = checked_add(portfolio.reserved_minor, principal);
        if (!sum) return sum.error();
        portfolio.reserved_minor = sum.value();
        break;
      }
      case LoanStatus::rejected:
      case LoanStatus::withdrawn: break;
      case LoanStatus::disbursed:
      case LoanStatus::repaid:
      case LoanStatus::written_off: {
        if (*status == LoanStatus::disbursed) ++portfolio.loans_disbursed;
        if (*status == LoanStatus::repaid) ++portfolio.loans_repaid;
        if (*status == LoanStatus::written_off) {
          ++portfolio.loans_written_off;
          auto writeoff = load_loan_writeoff(db, id);
          if (!writeoff) return writeoff.error();
          PARDNER_ASSERT(writeoff.value().has_value());
          auto added =
              add_to(portfolio.written_off_principal_minor, writeoff.value()->principal_minor);
          if (!added) return added.error();
          added = add_to(portfolio.recovered_minor, writeoff.value()->recovered_minor);
          if (!added) return added.error();
        }
        auto state = load_loan_state(db, id);
        if (!state) return state.error();
        Minor left = outstanding(state.value()).principal_minor;
        auto repaid = checked_sub(principal, left);
        if (!repaid) return repaid.error();
        auto repaid_sum = checked_add(portfolio.repaid_principal_minor, repaid.value());
        if (!repaid_sum) return repaid_sum.error();
        portfolio.repaid_principal_minor = repaid_sum.value();
        if (*status != LoanStatus::disbursed) break;
        auto sum = checked_add(portfolio.outstanding_principal_minor, left);
        if (!sum) return sum.error();
        portfolio.outstanding_principal_minor = sum.value();
        if (arrears_on(state.value(), on).days_past_due > 30) {
          auto risk = checked_add(portfolio.at_risk_30_principal_minor, left);
          if (!risk) return risk.error();
          portfolio.at_risk_30_principal_minor = risk.value();
        }
        break;
      }
    }
  }
  if (portfolio.outstanding_principal_minor > 0) {
    Wide ratio = static_cast<Wide>(portfolio.at_risk_30_principal_minor) * 10'000 /
                 portfolio.outstanding_principal_minor;
    portfolio.par30_bps = static_cast<std::int64_t>(ratio);
  }
  return portfolio;
}

}  // namespace pardner::ledger
