// Loan rows from the derived tables. Column lists sit beside the code that reads them so an
// added column cannot shift one reader silently.
#include "ledger/loan_store.h"

#include "ledger/state.h"

namespace pardner::ledger {
namespace {

template <class E>
std::optional<E> enum_from(std::string_view name, E last) {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    auto value = static_cast<E>(i);
    if (wire_name(value) == name) return value;
  }
  return std::nullopt;
}

constexpr const char* loan_columns =
    "SELECT id, fund_id, product_id, member_id, payout_account, principal_minor, status,"
    " applied_seq, applied_by_token, approved_seq, reservation_transaction, disbursed_seq,"
    " disbursement_date, payout_transaction, resolved_seq FROM loans ";

Loan loan_from_row(const Statement& row) {
  Loan loan;
  loan.id = row.column_int(0);
  loan.fund = row.column_int(1);
  loan.product = row.column_int(2);
  loan.member = row.column_int(3);
  loan.payout_account = row.column_int(4);
  loan.principal_minor = row.column_int(5);
  // The table's CHECK admits only the wire names.
  loan.status = loan_status_from(row.column_text(6)).value_or(LoanStatus::applied);
  loan.applied_seq = row.column_int(7);
  loan.applied_by_token = row.column_int(8);
  loan.approved_seq = row.column_optional_int(9);
  loan.reservation_transaction = row.column_optional_int(10);
  loan.disbursed_seq = row.column_optional_int(11);
  if (auto date = row.column_optional_text(12)) loan.disbursement_date = parse_date(*date);
  loan.payout_transaction = row.column_optional_int(13);
  loan.resolved_seq = row.column_optional_int(14);
  return loan;
}

}  // namespace

std::string_view wire_name(LoanStatus status) {
  switch (status) {
    case LoanStatus::applied: return "applied";
    case LoanStatus::approved: return "approved";
    case LoanStatus::rejected: return "rejected";
    case LoanStatus::withdrawn: return "withdrawn";
    case LoanStatus::disbursed: return "disbursed";
    case LoanStatus::repaid: return "repaid";
    case LoanStatus::written_off: return "written_off";
  }
  return "unknown";
}

std::optional<LoanStatus> loan_status_from(std::string_view name) {
  return enum_from(name, LoanStatus::written_off);
}
std::optional<LoanFrequency> loan_frequency_from(std::string_view name) {
  return enum_from(name, LoanFrequency::monthly);
}
std::optional<InterestMethod> interest_method_from(std::string_view name) {
  return enum_from(name, InterestMethod::declining_balance);
}
std::optional<UpfrontFeeKind> upfront_fee_kind_from(std::string_view name) {
  return enum_from(name, UpfrontFeeKind::basis_points);
}
std::optional<FeeCollection> fee_collection_from(std::string_view name) {
  return enum_from(name, FeeCollection::with_instalments);
}

Result<LoanFund> load_loan_fund(Database& db, LoanFundId id) {
  Statement& query = db.cached(
      "SELECT id, currency, cash_account, receivable_account, interest_income_account,"
      " fee_income_account, loss_expense_account, capital_account, approval_quorum,"
      " loan_max_minor, cash_share_max_bps, created_seq FROM loan_funds WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no loan fund " + std::to_string(id)};
  LoanFund fund;
  fund.id = query.column_int(0);
  fund.currency = query.column_text(1);
  fund.cash_account = query.column_int(2);
  fund.receivable_account = query.column_int(3);
  fund.interest_income_account = query.column_int(4);
  fund.fee_income_account = query.column_int(5);
  fund.loss_expense_account = query.column_int(6);
  fund.capital_account = query.column_int(7);
  fund.approval_quorum = query.column_int(8);
  fund.loan_max_minor = query.column_int(9);
  fund.cash_share_max_bps = query.column_int(10);
  fund.created_seq = query.column_int(11);
  query.reset();
  return fund;
}

Result<LoanProduct> load_loan_product(Database& db, LoanProductId id) {
  Statement& query = db.cached(
      "SELECT id, fund_id, instalment_count, frequency, interest_method, annual_rate_bps,"
      " upfront_fee_kind, upfront_fee_value, fee_collection, grace_instalments, late_fee_minor,"
      " late_fee_grace_days, created_seq FROM loan_products WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no loan product " + std::to_string(id)};
  LoanProduct product;
  product.id = query.column_int(0);
  product.fund = query.column_int(1);
  LoanTerms& t = product.terms;
  t.instalment_count = query.column_int(2);
  // The table's CHECKs admit only the wire names.
  t.frequency = loan_frequency_from(query.column_text(3)).value_or(LoanFrequency::monthly);
  t.interest_method = interest_method_from(query.column_text(4)).value_or(InterestMethod::zero);
  t.annual_rate_bps = query.column_int(5);
  t.upfront_fee_kind = upfront_fee_kind_from(query.column_text(6)).value_or(UpfrontFeeKind::none);
  t.upfront_fee_value = query.column_int(7);
  t.fee_collection =
      fee_collection_from(query.column_text(8)).value_or(FeeCollection::at_disbursement);
  t.grace_instalments = query.column_int(9);
  t.late_fee_minor = query.column_int(10);
  t.late_fee_grace_days = query.column_int(11);
  product.created_seq = query.column_int(12);
  query.reset();
  return product;
}

Result<Loan> load_loan(Database& db, LoanId id) {
  static const std::string sql = std::string(loan_columns) + "WHERE id = ?";
  Statement& query = db.cached(sql.c_str());
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no loan " + std::to_string(id)};
  Loan loan = loan_from_row(query);
  query.reset();
  return loan;
}

Result<std::vector<LoanApproval>> load_loan_approvals(Database& db, LoanId id) {
  Statement& query = db.cached(
      "SELECT seq, admin_token, admin_member FROM loan_approvals WHERE loan_id = ? ORDER BY seq");
  query.bind(1, id);
  std::vector<LoanApproval> approvals;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    approvals.push_back(
        {query.column_int(0), query.column_int(1), query.column_optional_int(2)});
  }
  query.reset();
  return approvals;
}

Result<std::vector<ScheduledInstalment>> load_loan_instalments(Database& db, LoanId id) {
  Statement& query = db.cached(
      "SELECT number, due_date, principal_minor, interest_minor, fee_minor FROM loan_instalments"
      " WHERE loan_id = ? ORDER BY number");
  query.bind(1, id);
  std::vector<ScheduledInstalment> instalments;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    instalments.push_back({query.column_int(0), parse_date(query.column_text(1)).value_or(0),
                           query.column_int(2), query.column_int(3), query.column_int(4)});
  }
  query.reset();
  return instalments;
}

Result<std::vector<Loan>> load_member_loans(Database& db, MemberId member) {
  auto query = db.prepare(std::string(loan_columns) + "WHERE member_id = ? ORDER BY id");
  if (!query) return query.error();
  query.value().bind(1, member);
  std::vector<Loan> loans;
  while (true) {
    auto row = query.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    loans.push_back(loan_from_row(query.value()));
  }
  return loans;
}

Result<Minor> available_cash(Database& db, const LoanFund& fund) {
  auto cash = load_account(db, fund.cash_account);
  if (!cash) return cash.error();
  const Account& a = cash.value();
  return lowest_possible_balance(a.type, a.debits_posted, a.credits_posted, a.debits_pending,
                                 a.credits_pending);
}

Result<Principal> load_actor(Database& db, ActorToken token) {
  Statement& query = db.cached(
      "SELECT id, role, member_id FROM access_tokens WHERE id = ? AND revoked_us IS NULL");
  query.bind(1, token);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    return Error{Errc::not_permitted, "token " + std::to_string(token) + " is not a live token"};
  }
  Principal principal;
  principal.token_id = query.column_int(0);
  principal.role = role_from(query.column_text(1)).value_or(Role::auditor);
  principal.member = query.column_optional_int(2);
  query.reset();
  return principal;
}

Result<Principal> load_admin(Database& db, ActorToken token) {
  auto actor = load_actor(db, token);
  if (!actor) return actor;
  if (actor.value().role != Role::admin) {
    return Error{Errc::not_permitted, "token " + std::to_string(token) + " is not an admin's"};
  }
  return actor;
}

bool same_admin(const LoanApproval& a, ActorToken token, std::optional<MemberId> member) {
  if (a.admin_token == token) return true;
  return member.has_value() && a.admin_member == member;
}

}  // namespace pardner::ledger
