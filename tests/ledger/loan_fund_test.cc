// Loan funds, products and applications: each command's success and its refusals in the order
// the code checks them, the log entries they make, and rebuild reproducing the loan tables.
#include "tests/ledger/loan_fund_fixture.h"

namespace pardner::ledger::testing {
namespace {

class LoanFund : public LoanFundTest {};

TEST_F(LoanFund, CreatesAFundOverItsAccountsAsALoggedEntry) {
  create_fund_and_product(fund_command());
  auto fund = load_loan_fund(reader_->db(), fund_);
  ASSERT_TRUE(fund);
  EXPECT_EQ(fund.value().cash_account, cash_);
  EXPECT_EQ(fund.value().capital_account, capital_);
  EXPECT_EQ(fund.value().approval_quorum, 2);
  auto entry = reader_->entry(fund.value().created_seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::loan_fund_created);
  EXPECT_EQ(entry.value().fields.at("admin").as_int64(), admin_a_);
  auto product = load_loan_product(reader_->db(), product_);
  ASSERT_TRUE(product);
  EXPECT_EQ(product.value().terms.annual_rate_bps, 1'200);
  EXPECT_EQ(product.value().terms.interest_method, InterestMethod::declining_balance);
  EXPECT_EQ(cash_available(), 10'000'00);
  expect_rebuild_agrees();
}

TEST_F(LoanFund, FundRefusalsInGuardOrder) {
  struct Row {
    const char* what;
    void (*change)(CreateLoanFund&, LoanFundTest&);
    Errc code;
  };
  const Row rows[] = {
      {"member token", [](CreateLoanFund& c, LoanFundTest& t) { c.actor = t.borrower_token_; },
       Errc::not_permitted},
      {"unknown token", [](CreateLoanFund& c, LoanFundTest&) { c.actor = 999; },
       Errc::not_permitted},
      {"currency", [](CreateLoanFund& c, LoanFundTest&) { c.currency = "XXY"; },
       Errc::invalid_argument},
      {"quorum 0", [](CreateLoanFund& c, LoanFundTest&) { c.approval_quorum = 0; },
       Errc::invalid_argument},
      {"quorum past max",
       [](CreateLoanFund& c, LoanFundTest&) { c.approval_quorum = loan_approval_quorum_max + 1; },
       Errc::invalid_argument},
      {"loan max", [](CreateLoanFund& c, LoanFundTest&) { c.loan_max_minor = 0; },
       Errc::invalid_argument},
      {"share", [](CreateLoanFund& c, LoanFundTest&) { c.cash_share_max_bps = 10'001; },
       Errc::invalid_argument},
      {"missing account", [](CreateLoanFund& c, LoanFundTest&) { c.cash_account = 999; },
       Errc::not_found},
      {"wrong type",
       [](CreateLoanFund& c, LoanFundTest& t) { c.interest_income_account = t.losses_; },
       Errc::invalid_argument},
      {"same account twice",
       [](CreateLoanFund& c, LoanFundTest& t) { c.receivable_account = t.cash_; },
       Errc::invalid_argument},
  };
  for (const Row& row : rows) {
    CreateLoanFund command = fund_command();
    row.change(command, *this);
    EXPECT_REFUSED(submit(command), row.code);
  }
  // Limits at their bounds are accepted.
  CreateLoanFund at_limits = fund_command();
  at_limits.approval_quorum = loan_approval_quorum_max;
  at_limits.loan_max_minor = json_amount_max;
  at_limits.cash_share_max_bps = 1;
  EXPECT_TRUE(submit(at_limits));
}

TEST_F(LoanFund, RefusesAFundOnAClosedAccountOrAnotherCurrency) {
  AccountId euro_cash = open("assets:fund:eur", AccountType::asset, {}, "EUR");
  CreateLoanFund command = fund_command();
  command.cash_account = euro_cash;
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
  AccountId old_fees = open("income:fund:old", AccountType::income);
  ASSERT_TRUE(submit(CloseAccount{.idempotency_key = next_key(), .account = old_fees}));
  command = fund_command();
  command.fee_income_account = old_fees;
  EXPECT_REFUSED(submit(command), Errc::account_closed);
}

TEST_F(LoanFund, ProductRefusalsInGuardOrder) {
  create_fund_and_product(fund_command());
  CreateLoanProduct command{.actor = borrower_token_, .fund = 999,
                            .terms = LoanTerms{.instalment_count = 0}};
  auto attempt = [&] {
    command.idempotency_key = next_key();  // a refusal is remembered under its key
    return submit(command);
  };
  EXPECT_REFUSED(attempt(), Errc::not_permitted);
  command.actor = admin_b_;
  EXPECT_REFUSED(attempt(), Errc::not_found);
  command.fund = fund_;
  EXPECT_REFUSED(attempt(), Errc::invalid_argument);
  command.terms = monthly_terms();
  EXPECT_TRUE(attempt());
}

TEST_F(LoanFund, MemberAppliesForThemselfAndAnAdminForThem) {
  create_fund_and_product(fund_command());
  LoanId own = apply_for(1'000'00);
  EXPECT_EQ(loan(own).status, LoanStatus::applied);
  EXPECT_EQ(loan(own).applied_by_token, borrower_token_);
  ApplyForLoan by_admin = application(500'00);
  by_admin.actor = admin_c_;
  auto applied = submit(by_admin);
  ASSERT_TRUE(applied);
  EXPECT_EQ(loan(applied.value().id).member, borrower_);
  auto entry = reader_->entry(applied.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::loan_applied);
  EXPECT_EQ(entry.value().fields.at("applied_by").as_int64(), admin_c_);
  auto loans = load_member_loans(reader_->db(), borrower_);
  ASSERT_TRUE(loans);
  EXPECT_EQ(loans.value().size(), 2u);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanFund, ApplicationRefusalsInGuardOrder) {
  create_fund_and_product(fund_command());
  AccountId other_savings = open_for(member(), "liabilities:members:other:savings");
  struct Row {
    const char* what;
    void (*change)(ApplyForLoan&, LoanFundTest&, AccountId);
    Errc code;
  };
  const Row rows[] = {
      {"principal 0", [](ApplyForLoan& c, LoanFundTest&, AccountId) { c.principal_minor = 0; },
       Errc::invalid_argument},
      {"purpose too long",
       [](ApplyForLoan& c, LoanFundTest&, AccountId) {
         c.purpose.assign(loan_text_bytes_max + 1, 'x');
       },
       Errc::invalid_argument},
      {"another member's token",
       [](ApplyForLoan& c, LoanFundTest& t, AccountId) { c.member = t.admin_borrower_member_; },
       Errc::not_permitted},
      {"fund", [](ApplyForLoan& c, LoanFundTest&, AccountId) { c.fund = 999; }, Errc::not_found},
      {"product", [](ApplyForLoan& c, LoanFundTest&, AccountId) { c.product = 999; },
       Errc::not_found},
      {"payout account", [](ApplyForLoan& c, LoanFundTest&, AccountId) { c.payout_account = 999; },
       Errc::not_found},
      {"another member's account",
       [](ApplyForLoan& c, LoanFundTest&, AccountId other) { c.payout_account = other; },
       Errc::invalid_argument},
      {"past the fund's max",
       [](ApplyForLoan& c, LoanFundTest&, AccountId) { c.principal_minor = 5'000'01; },
       Errc::invalid_argument},
  };
  for (const Row& row : rows) {
    ApplyForLoan command = application(1'000'00);
    row.change(command, *this, other_savings);
    EXPECT_REFUSED(submit(command), row.code);
  }
  // At the fund's max and at the longest purpose: accepted.
  ApplyForLoan at_limits = application(5'000'00);
  at_limits.purpose.assign(loan_text_bytes_max, 'x');
  EXPECT_TRUE(submit(at_limits));
}

TEST_F(LoanFund, RefusesAnApplicationForASuspendedMember) {
  create_fund_and_product(fund_command());
  ASSERT_TRUE(submit(ChangeMemberStatus{.idempotency_key = next_key(), .member = borrower_,
                                        .status = MemberStatus::suspended}));
  EXPECT_REFUSED(submit(application(100'00)), Errc::not_permitted);
}

}  // namespace
}  // namespace pardner::ledger::testing
