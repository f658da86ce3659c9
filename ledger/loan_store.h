// Reads of the loan tables derived from the log (schema/0005_loans.sql), and of who an acting
// token is. Used by the loan commands inside the writer's transaction and by readers. Never
// writes: the loan tables change only through ledger/loan_projection.cc.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ledger/access_tokens.h"
#include "ledger/error.h"
#include "ledger/loan_commands.h"
#include "ledger/loan_schedule.h"
#include "ledger/loan_terms.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

enum class LoanStatus : std::uint8_t {
  applied,
  approved,
  rejected,
  withdrawn,
  disbursed,
  repaid,
  written_off,
};
std::string_view wire_name(LoanStatus status);
std::optional<LoanStatus> loan_status_from(std::string_view name);

// Parsers for the wire names of ledger/loan_terms.h (entries and tables store the names).
std::optional<LoanFrequency> loan_frequency_from(std::string_view name);
std::optional<InterestMethod> interest_method_from(std::string_view name);
std::optional<UpfrontFeeKind> upfront_fee_kind_from(std::string_view name);
std::optional<FeeCollection> fee_collection_from(std::string_view name);

struct LoanFund {
  LoanFundId id = 0;
  std::string currency;
  AccountId cash_account = 0;
  AccountId receivable_account = 0;
  AccountId interest_income_account = 0;
  AccountId fee_income_account = 0;
  AccountId loss_expense_account = 0;
  AccountId capital_account = 0;
  std::int64_t approval_quorum = 0;
  Minor loan_max_minor = 0;
  std::int64_t cash_share_max_bps = 0;
  Seq created_seq = 0;
};

struct LoanProduct {
  LoanProductId id = 0;
  LoanFundId fund = 0;
  LoanTerms terms;
  Seq created_seq = 0;
};

struct Loan {
  LoanId id = 0;
  LoanFundId fund = 0;
  LoanProductId product = 0;
  MemberId member = 0;
  AccountId payout_account = 0;
  Minor principal_minor = 0;
  LoanStatus status = LoanStatus::applied;
  Seq applied_seq = 0;
  ActorToken applied_by_token = 0;
  std::optional<Seq> approved_seq;
  std::optional<TransactionId> reservation_transaction;
  std::optional<Seq> disbursed_seq;
  std::optional<Date> disbursement_date;
  std::optional<TransactionId> payout_transaction;
  std::optional<Seq> resolved_seq;
};

struct LoanApproval {
  Seq seq = 0;
  ActorToken admin_token = 0;
  std::optional<MemberId> admin_member;
};

// not_found when the id names nothing.
Result<LoanFund> load_loan_fund(Database& db, LoanFundId id);
Result<LoanProduct> load_loan_product(Database& db, LoanProductId id);
Result<Loan> load_loan(Database& db, LoanId id);
// A loan's approvals in log order.
Result<std::vector<LoanApproval>> load_loan_approvals(Database& db, LoanId id);
// A loan's stored schedule, by instalment number (empty before disbursement).
Result<std::vector<ScheduledInstalment>> load_loan_instalments(Database& db, LoanId id);
// The loans of one member, by id.
Result<std::vector<Loan>> load_member_loans(Database& db, MemberId member);

// The fund's cash that no loan has claimed: the cash account's posted balance less every pending
// amount that could lower it, which includes the reservations of approved, undisbursed loans.
Result<Minor> available_cash(Database& db, const LoanFund& fund);

// The acting token as a Principal: not_permitted when it is unknown or revoked (a command from
// a token revoked while it was queued must not act), storage_failed on SQLite errors.
Result<Principal> load_actor(Database& db, ActorToken token);
// The same, refused with not_permitted unless the token is an admin's.
Result<Principal> load_admin(Database& db, ActorToken token);
// Whether two approvals come from one admin: the same token, or two tokens of the same member.
bool same_admin(const LoanApproval& a, ActorToken token, std::optional<MemberId> member);

}  // namespace pardner::ledger
