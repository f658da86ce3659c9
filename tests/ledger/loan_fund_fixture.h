// A ledger with a capitalised loan fund: its six accounts, three admins (two of them members),
// a borrower with a member token and a savings account, an admin who is also a borrower, and
// helpers that submit the loan commands and check the books after each step.
#pragma once

#include "crypto/access_token.h"
#include "ledger/loan_store.h"
#include "ledger/rebuild.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {

class LoanFundTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:fund:cash", AccountType::asset, Minor{0});
    receivable_ = open("assets:fund:loans", AccountType::asset);
    interest_ = open("income:fund:interest", AccountType::income);
    fees_ = open("income:fund:fees", AccountType::income);
    losses_ = open("expenses:fund:losses", AccountType::expense);
    capital_ = open("equity:fund:capital", AccountType::equity);
    borrower_ = member();
    savings_ = open_for(borrower_, "liabilities:members:borrower:savings");
    admin_a_ = token(Role::admin, member());
    admin_b_ = token(Role::admin, member());
    admin_c_ = token(Role::admin, std::nullopt);
    borrower_token_ = token(Role::member, borrower_);
    admin_borrower_member_ = member();
    admin_borrower_ = token(Role::admin, admin_borrower_member_);
    admin_borrower_savings_ = open_for(admin_borrower_member_, "liabilities:members:admin:savings");
    ASSERT_TRUE(transfer(cash_, capital_, 10'000'00));  // a grant of 10,000.00
  }

  MemberId member() {
    auto created = submit(CreateMember{});
    EXPECT_TRUE(created);
    return created ? created.value().id : 0;
  }

  AccountId open_for(MemberId owner, const std::string& code) {
    auto opened = submit(OpenAccount{.code = code, .type = AccountType::liability,
                                     .currency = "GBP", .member = owner});
    EXPECT_TRUE(opened);
    return opened ? opened.value().id : 0;
  }

  ActorToken token(Role role, std::optional<MemberId> owner) {
    auto created = submit(CreateAccessToken{
        .token_hash = crypto::access_token_hash(crypto::generate_access_token()),
        .role = role,
        .member = owner});
    EXPECT_TRUE(created) << (created ? "" : created.error().detail);
    return created ? created.value().id : 0;
  }

  CreateLoanFund fund_command() {
    return CreateLoanFund{.idempotency_key = next_key(),
                          .actor = admin_a_,
                          .currency = "GBP",
                          .cash_account = cash_,
                          .receivable_account = receivable_,
                          .interest_income_account = interest_,
                          .fee_income_account = fees_,
                          .loss_expense_account = losses_,
                          .capital_account = capital_,
                          .approval_quorum = 2,
                          .loan_max_minor = 5'000'00,
                          .cash_share_max_bps = 10'000};
  }

  // 1,000.00 at 12% a year over 12 months (docs/loans.md's worked example).
  static LoanTerms monthly_terms() {
    return LoanTerms{.instalment_count = 12,
                     .frequency = LoanFrequency::monthly,
                     .interest_method = InterestMethod::declining_balance,
                     .annual_rate_bps = 1'200};
  }

  // The same with a late fee of 5.00 once an instalment is more than 5 days late.
  static LoanTerms late_fee_terms() {
    LoanTerms terms = monthly_terms();
    terms.late_fee_minor = 5'00;
    terms.late_fee_grace_days = 5;
    return terms;
  }

  void create_fund_and_product(CreateLoanFund command) {
    auto fund = submit(command);
    ASSERT_TRUE(fund) << fund.error().detail;
    fund_ = fund.value().id;
    auto product = submit(CreateLoanProduct{
        .idempotency_key = next_key(), .actor = admin_a_, .fund = fund_, .terms = monthly_terms()});
    ASSERT_TRUE(product) << product.error().detail;
    product_ = product.value().id;
  }

  ApplyForLoan application(Minor principal) {
    return ApplyForLoan{.idempotency_key = next_key(),
                        .actor = borrower_token_,
                        .fund = fund_,
                        .product = product_,
                        .member = borrower_,
                        .payout_account = savings_,
                        .principal_minor = principal,
                        .purpose = "market stall stock"};
  }

  LoanId apply_for(Minor principal) {
    auto applied = submit(application(principal));
    EXPECT_TRUE(applied) << (applied ? "" : applied.error().detail);
    return applied ? applied.value().id : 0;
  }

  Result<Applied> approve(LoanId loan, ActorToken admin) {
    return submit(ApproveLoan{.idempotency_key = next_key(), .actor = admin, .loan = loan});
  }

  // Makes a product of fund_ with `terms` the one later applications use.
  void use_product(const LoanTerms& terms) {
    auto product = submit(CreateLoanProduct{
        .idempotency_key = next_key(), .actor = admin_a_, .fund = fund_, .terms = terms});
    ASSERT_TRUE(product) << product.error().detail;
    product_ = product.value().id;
  }

  // A loan of `principal` for the borrower under product_, approved by admins a and b and paid
  // out by admin c today.
  LoanId lend(Minor principal) {
    LoanId id = apply_for(principal);
    auto first = approve(id, admin_a_);
    auto second = approve(id, admin_b_);
    EXPECT_TRUE(first && second);
    if (!first || !second) return id;
    auto done = submit(DisburseLoan{.idempotency_key = next_key(),
                                    .actor = admin_c_,
                                    .loan = id,
                                    .approval_seqs = {first.value().seq, second.value().seq}});
    EXPECT_TRUE(done) << (done ? "" : done.error().detail);
    return id;
  }

  void advance_days(std::int64_t days) {
    clock_.advance_micros(days * 24 * 3600 * micros_per_second);
  }

  Date today() const { return date_of(clock_.now()); }

  // Moves the clock to noon on `date` (never backwards in a test: entry times must not go back).
  void set_today(Date date) { clock_.set(date * micros_per_day + micros_per_day / 2); }

  Loan loan(LoanId id) {
    auto found = load_loan(reader_->db(), id);
    EXPECT_TRUE(found) << (found ? "" : found.error().detail);
    return found ? found.value() : Loan{};
  }

  Minor cash_available() {
    auto fund = load_loan_fund(reader_->db(), fund_);
    EXPECT_TRUE(fund);
    if (!fund) return 0;
    auto available = available_cash(reader_->db(), fund.value());
    EXPECT_TRUE(available);
    return available ? available.value() : 0;
  }

  void expect_books_balance() {
    auto lines = reader_->trial_balance();
    ASSERT_TRUE(lines) << lines.error().detail;
    for (const TrialBalanceLine& line : lines.value()) {
      EXPECT_EQ(line.debits, line.credits) << line.currency;
    }
  }

  void expect_rebuild_agrees() {
    auto report = rebuild(db_path());
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_TRUE(report.value().differences.empty())
        << (report.value().differences.empty() ? "" : report.value().differences.front());
  }

  // Public so the refusal tables' plain-function rows can reach them.
 public:
  AccountId cash_ = 0, receivable_ = 0, interest_ = 0, fees_ = 0, losses_ = 0, capital_ = 0;
  MemberId borrower_ = 0, admin_borrower_member_ = 0;
  AccountId savings_ = 0, admin_borrower_savings_ = 0;
  ActorToken admin_a_ = 0, admin_b_ = 0, admin_c_ = 0, borrower_token_ = 0, admin_borrower_ = 0;
  LoanFundId fund_ = 0;
  LoanProductId product_ = 0;
};

}  // namespace pardner::ledger::testing
