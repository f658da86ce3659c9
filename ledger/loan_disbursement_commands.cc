// Paying out an approved loan. Guard order: not_permitted (actor) -> not_found (loan) ->
// loan_status (not approved) -> approvals_mismatch -> invalid_argument (value date, schedule) ->
// the transactions' own guards. Money, in two ordinary transactions made here:
//   1. the reservation is posted: loans receivable debited, the fund's cash credited with the
//      principal (the principal leaves the fund's lendable cash for the loan);
//   2. the payout: the fund's cash debited with the principal, the payout account credited with
//      the principal less the fee taken at disbursement, fee income credited with that fee.
// The payout account is a liability the community's cash backs (the member's deposit account, or
// a payout clearing account an ordinary transaction settles when the bank transfer leaves), so
// after (2) the cash is the member's until they withdraw it, as with any deposit.
#include <algorithm>
#include <boost/json.hpp>

#include "ledger/loan_quorum.h"
#include "ledger/loan_schedule.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_id(const std::optional<std::int64_t>& id) {
  if (id) return *id;
  return nullptr;
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const DisburseLoan& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto loan = load_loan(txn.db(), command.loan);
  if (!loan) return loan.error();
  const Loan& l = loan.value();
  if (l.status != LoanStatus::approved) {
    return Error{Errc::loan_status,
                 "loan " + std::to_string(l.id) + " is " + std::string(wire_name(l.status))};
  }
  PARDNER_ASSERT(l.reservation_transaction.has_value());  // the projection sets it on approval
  // The named seqs must be exactly the loan's approvals: each once, none missing, none other.
  // Approvals stop when the quorum is reached (a later one is refused with loan_status), so the
  // loan's approvals are those that made its quorum. The projection checks the same again.
  auto approvals = load_loan_approvals(txn.db(), l.id);
  if (!approvals) return approvals.error();
  auto fund_rules = load_loan_fund(txn.db(), l.fund);
  if (!fund_rules) return fund_rules.error();
  if (auto ok = check_quorum(approvals.value(), command.approval_seqs,
                             fund_rules.value().approval_quorum, l.id, l.member, "disbursement");
      !ok) {
    return ok.error();
  }
  Date value_date = command.value_date.value_or(date_of(txn.now()));
  if (command.value_date) {
    auto ok = check_value_date(*command.value_date, txn.now(), txn.settings());
    if (!ok) return ok.error();
  }
  auto product = load_loan_product(txn.db(), l.product);
  if (!product) return product.error();
  auto schedule = make_loan_schedule(product.value().terms, l.principal_minor, value_date);
  if (!schedule) return schedule.error();
  auto fund = load_loan_fund(txn.db(), l.fund);
  if (!fund) return fund.error();

  Minor fee = schedule.value().fee_at_disbursement_minor;
  PARDNER_ASSERT(fee >= 0);
  PARDNER_ASSERT(fee <= l.principal_minor);  // make_loan_schedule refuses a larger fee
  CreateTransaction payout{
      .idempotency_key = command.idempotency_key,
      .postings = {{fund.value().cash_account, l.principal_minor},
                   {l.payout_account, -(l.principal_minor - fee)}},
      .memo = "loan " + std::to_string(l.id) + " paid out",
      .metadata = {{"loan", std::to_string(l.id)}},
      .value_date = value_date};
  if (fee > 0) payout.postings.push_back({fund.value().fee_income_account, -fee});
  // A loan whose whole principal is its fee pays nothing out: the payout leg would be zero.
  if (fee == l.principal_minor) payout.postings.erase(payout.postings.begin() + 1);

  // The transactions' own guards (a closed payout account, say) may still refuse; the writer
  // then rolls back this command's savepoint, its entries included.
  auto posted = apply(txn, PostPending{.idempotency_key = command.idempotency_key,
                                       .transaction = *l.reservation_transaction,
                                       .value_date = command.value_date});
  if (!posted) return posted.error();
  auto paid = apply(txn, payout);
  if (!paid) return paid.error();
  boost::json::array approval_seqs;
  for (Seq seq : command.approval_seqs) approval_seqs.push_back(seq);
  std::sort(approval_seqs.begin(), approval_seqs.end(),
            [](const auto& a, const auto& b) { return a.as_int64() < b.as_int64(); });
  auto entry = txn.append(EntryKind::loan_disbursed,
                          {{"loan", l.id},
                           {"member", l.member},
                           {"admin", command.actor},
                           {"admin_member", optional_id(admin.value().member)},
                           {"approval_seqs", std::move(approval_seqs)},
                           {"value_date", format_date(value_date)},
                           {"reservation_posted_seq", posted.value().seq},
                           {"payout", paid.value().id},
                           {"payout_seq", paid.value().seq},
                           {"upfront_fee", fee},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, l.id};
}

}  // namespace pardner::ledger
