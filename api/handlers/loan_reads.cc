// The loan reads: GET /v1/loan-funds/{id} (admin, auditor: the fund's terms and its portfolio
// on a date), GET /v1/loan-products/{id} (anyone signed in: a member reads the terms before
// applying), GET /v1/loans/{id} (admin, auditor, the borrower) and GET /v1/members/{id}/loans
// (admin, auditor, that member). Another member's loan answers 404 exactly as a missing id does.
// Reads only; the figures are ledger/'s (loan_report, loan_portfolio), encoded here.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/handlers/read_snapshot.h"
#include "api/limits.h"
#include "api/params.h"
#include "ledger/loan_ledger_state.h"
#include "ledger/loan_reports.h"
#include "ledger/loan_store.h"
#include "ledger/loan_writeoff_store.h"

namespace pardner::api::handlers {
namespace {

namespace json = boost::json;

Problem not_found(std::string what) {
  return problem_from(ledger::Error{ledger::Errc::not_found, std::move(what)});
}

// ?on=YYYY-MM-DD, the day the report is for: arrears and PAR30 depend on it. Without it, today
// (UTC) by the writer's clock, the day the engine dates a command now; the system clock only
// when the ledger is served read-only.
Decoded<ledger::Date> report_date(Exchange& ex) {
  auto text = query_text(ex.request(), "on", value_date_bytes_max);
  if (!text) return text.error();
  if (!text.value()) {
    const ledger::Writer* writer = ex.services().writer;
    return ledger::date_of(writer ? writer->clock().now() : ledger::SystemClock().now());
  }
  auto date = ledger::parse_date(*text.value());
  if (!date) return invalid("query parameter 'on' must be a date, YYYY-MM-DD");
  return *date;
}

json::object terms_json(const ledger::LoanTerms& terms) {
  return {{"instalment_count", terms.instalment_count},
          {"frequency", ledger::wire_name(terms.frequency)},
          {"interest_method", ledger::wire_name(terms.interest_method)},
          {"annual_rate_bps", terms.annual_rate_bps},
          {"upfront_fee_kind", ledger::wire_name(terms.upfront_fee_kind)},
          {"upfront_fee_value", terms.upfront_fee_value},
          {"fee_collection", ledger::wire_name(terms.fee_collection)},
          {"grace_instalments", terms.grace_instalments},
          {"late_fee", terms.late_fee_minor},
          {"late_fee_grace_days", terms.late_fee_grace_days}};
}

// The loan's own record, as GET /v1/loans/{id} and each item of a member's list show it.
json::object loan_json(const ledger::Loan& loan) {
  json::object out{{"id", loan.id},
                   {"fund", loan.fund},
                   {"product", loan.product},
                   {"member", loan.member},
                   {"payout_account", loan.payout_account},
                   {"principal", loan.principal_minor},
                   {"status", ledger::wire_name(loan.status)},
                   {"applied_seq", loan.applied_seq},
                   {"applied_by", loan.applied_by_token}};
  if (loan.approved_seq) out["approved_seq"] = *loan.approved_seq;
  if (loan.reservation_transaction) out["reservation_transaction"] = *loan.reservation_transaction;
  if (loan.disbursed_seq) out["disbursed_seq"] = *loan.disbursed_seq;
  if (loan.disbursement_date)
    out["disbursement_date"] = ledger::format_date(*loan.disbursement_date);
  if (loan.payout_transaction) out["payout_transaction"] = *loan.payout_transaction;
  if (loan.resolved_seq) out["resolved_seq"] = *loan.resolved_seq;
  return out;
}

json::object outstanding_json(const ledger::LoanOutstanding& o) {
  return {{"principal", o.principal_minor},
          {"interest", o.interest_minor},
          {"fee", o.fee_minor},
          {"late_fee", o.late_fee_minor},
          {"total", o.total_minor}};
}

json::array approvals_json(const std::vector<ledger::LoanApproval>& approvals) {
  json::array out;
  for (const ledger::LoanApproval& approval : approvals) {
    json::object item{{"seq", approval.seq}, {"admin_token", approval.admin_token}};
    if (approval.admin_member) item["admin_member"] = *approval.admin_member;
    out.emplace_back(std::move(item));
  }
  return out;
}

// What a report adds to the loan's record: outstanding, the next payment due, and for a loan
// written off, what was written off and recovered.
void add_report(json::object& out, const ledger::LoanReport& report) {
  if (!report.loan.disbursement_date) return;
  out["outstanding"] = outstanding_json(report.outstanding);
  if (report.next_payment) {
    out["next_payment"] =
        json::object{{"instalment", report.next_payment->number},
                     {"due_date", ledger::format_date(report.next_payment->due_date)},
                     {"amount", report.next_payment->amount_minor}};
  }
  if (report.loan.status == ledger::LoanStatus::written_off) {
    out["written_off_principal"] = report.written_off_principal_minor;
    out["recovered"] = report.recovered_minor;
  }
}

json::object arrears_json(const ledger::Arrears& a, ledger::Date on) {
  json::array late_fees_due;
  for (std::int64_t number : a.late_fees_due) late_fees_due.emplace_back(number);
  return {{"on", ledger::format_date(on)},
          {"days_past_due", a.days_past_due},
          {"bucket", ledger::wire_name(a.bucket)},
          {"overdue_principal", a.overdue_principal_minor},
          {"overdue_interest", a.overdue_interest_minor},
          {"overdue_fee", a.overdue_fee_minor},
          {"overdue_late_fee", a.overdue_late_fee_minor},
          {"overdue", a.overdue_minor},
          {"outstanding_principal", a.outstanding_principal_minor},
          {"late_fees_due", std::move(late_fees_due)}};
}

}  // namespace

void get_loan_fund(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto on = report_date(ex);
  if (!on) return ex.fail(on.error());
  const std::string what = "loan fund " + std::to_string(id.value());
  ledger::Database& db = ex.reader().db();
  // One snapshot for the fund and its portfolio.
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto fund = ledger::load_loan_fund(db, id.value());
  if (!fund) return ex.fail(from_ledger(fund.error(), what));
  auto portfolio = ledger::loan_portfolio(db, id.value(), on.value());
  if (!portfolio) return ex.fail(from_ledger(portfolio.error(), what));
  const ledger::LoanFund& f = fund.value();
  const ledger::LoanPortfolio& p = portfolio.value();
  json::object out{{"id", f.id},
                   {"currency", f.currency},
                   {"cash_account", f.cash_account},
                   {"receivable_account", f.receivable_account},
                   {"interest_income_account", f.interest_income_account},
                   {"fee_income_account", f.fee_income_account},
                   {"loss_expense_account", f.loss_expense_account},
                   {"capital_account", f.capital_account},
                   {"approval_quorum", f.approval_quorum},
                   {"loan_max", f.loan_max_minor},
                   {"cash_share_max_bps", f.cash_share_max_bps},
                   {"created_seq", f.created_seq},
                   {"portfolio",
                    {{"on", ledger::format_date(on.value())},
                     {"loans_applied", p.loans_applied},
                     {"loans_approved", p.loans_approved},
                     {"loans_disbursed", p.loans_disbursed},
                     {"loans_repaid", p.loans_repaid},
                     {"loans_written_off", p.loans_written_off},
                     {"outstanding_principal", p.outstanding_principal_minor},
                     {"repaid_principal", p.repaid_principal_minor},
                     {"reserved", p.reserved_minor},
                     {"at_risk_30_principal", p.at_risk_30_principal_minor},
                     {"par30_bps", p.par30_bps},
                     {"cash_available", p.cash_available_minor},
                     {"written_off_principal", p.written_off_principal_minor},
                     {"recovered", p.recovered_minor}}}};
  ex.reply_json(200, json::serialize(out));
}

void get_loan_product(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto product = ledger::load_loan_product(ex.reader().db(), id.value());
  if (!product) {
    return ex.fail(from_ledger(product.error(), "loan product " + std::to_string(id.value())));
  }
  const ledger::LoanProduct& found = product.value();
  json::object out{{"id", found.id},
                   {"fund", found.fund},
                   {"created_seq", found.created_seq},
                   {"terms", terms_json(found.terms)}};
  ex.reply_json(200, json::serialize(out));
}

void get_loan(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto on = report_date(ex);
  if (!on) return ex.fail(on.error());
  const std::string what = "loan " + std::to_string(id.value());
  ledger::Database& db = ex.reader().db();
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto report = ledger::loan_report(db, id.value(), on.value());
  if (!report) return ex.fail(from_ledger(report.error(), what));
  const ledger::LoanReport& r = report.value();
  if (auto me = calling_member(ex); me && r.loan.member != *me)
    return ex.fail(not_found("no " + what));
  auto approvals = ledger::load_loan_approvals(db, id.value());
  if (!approvals) return ex.fail(approvals.error());
  auto writeoff_approvals = ledger::load_loan_writeoff_approvals(db, id.value());
  if (!writeoff_approvals) return ex.fail(writeoff_approvals.error());
  json::array schedule;
  for (const ledger::ScheduledInstalment& instalment : r.schedule) {
    schedule.emplace_back(json::object{{"number", instalment.number},
                                       {"due_date", ledger::format_date(instalment.due_date)},
                                       {"principal", instalment.principal_minor},
                                       {"interest", instalment.interest_minor},
                                       {"fee", instalment.fee_minor}});
  }
  json::object out = loan_json(r.loan);
  out["approvals"] = approvals_json(approvals.value());
  out["writeoff_approvals"] = approvals_json(writeoff_approvals.value());
  out["schedule"] = std::move(schedule);
  add_report(out, r);
  if (r.loan.status == ledger::LoanStatus::disbursed ||
      r.loan.status == ledger::LoanStatus::repaid) {
    // The instalments as they stand: re-laid by any prepayment, with what each has been paid.
    auto state = ledger::load_loan_state(db, id.value());
    if (!state) return ex.fail(state.error());
    json::array instalments;
    for (const ledger::InstalmentState& i : state.value().instalments) {
      instalments.emplace_back(json::object{{"number", i.number},
                                            {"due_date", ledger::format_date(i.due_date)},
                                            {"principal", i.principal_minor},
                                            {"interest", i.interest_minor},
                                            {"fee", i.fee_minor},
                                            {"late_fee", i.late_fee_minor},
                                            {"principal_paid", i.principal_paid_minor},
                                            {"interest_paid", i.interest_paid_minor},
                                            {"fee_paid", i.fee_paid_minor},
                                            {"late_fee_paid", i.late_fee_paid_minor}});
    }
    out["instalments"] = std::move(instalments);
  }
  out["arrears"] = arrears_json(r.arrears, on.value());
  ex.reply_json(200, json::serialize(out));
}

void member_loans(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto on = report_date(ex);
  if (!on) return ex.fail(on.error());
  const std::string what = "member " + std::to_string(id.value());
  if (auto me = calling_member(ex); me && *me != id.value()) {
    return ex.fail(not_found("no " + what));
  }
  ledger::Database& db = ex.reader().db();
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto member = ex.reader().member(id.value());
  if (!member) return ex.fail(from_ledger(member.error(), what));
  auto reports = ledger::member_loan_reports(db, id.value(), on.value());
  if (!reports) return ex.fail(reports.error());
  json::array items;
  for (const ledger::LoanReport& report : reports.value()) {
    json::object item = loan_json(report.loan);
    add_report(item, report);
    if (report.loan.status == ledger::LoanStatus::disbursed) {
      item["arrears"] = arrears_json(report.arrears, on.value());
    }
    items.emplace_back(std::move(item));
  }
  json::object out{
      {"member", id.value()}, {"on", ledger::format_date(on.value())}, {"loans", std::move(items)}};
  ex.reply_json(200, json::serialize(out));
}

}  // namespace pardner::api::handlers
