// The loan routes without sockets: what each decodes, which token acts (the bearer token's id
// reaches the ledger, which decides), member scoping (another member's loan is 404 and nothing
// is written), idempotent replays, the ledger's refusals as problems, bounds at the limit and one
// past, and the reports' JSON. Time moves on the writer's manual clock.
#include "crypto/access_token.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

std::string n(std::int64_t v) { return std::to_string(v); }

class LoanEndpoints : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // Ledger tokens for the actors: the fixture's own tokens have no ledger row.
    admin_a_ = ledger_token("loan-admin-a-000000000000001", Role::admin, std::nullopt);
    admin_b_ = ledger_token("loan-admin-b-000000000000001", Role::admin, std::nullopt);
    borrowing_admin_member_ = must(ledger::CreateMember{}).id;
    borrowing_admin_savings_ = must(ledger::OpenAccount{.code = "liabilities:members:admin",
                                                        .type = ledger::AccountType::liability,
                                                        .member = borrowing_admin_member_})
                                   .id;
    borrowing_admin_ =
        ledger_token("loan-admin-m-000000000000001", Role::admin, borrowing_admin_member_);
    borrower_ = ledger_token("loan-member-1-00000000000001", Role::member, member1_);
    other_ = ledger_token("loan-member-2-00000000000001", Role::member, member2_);
    auto open = [&](const char* code, ledger::AccountType type) {
      return must(ledger::OpenAccount{.code = code, .type = type}).id;
    };
    fund_cash_ = open("assets:fund:cash", ledger::AccountType::asset);
    fund_body_ =
        R"({"currency":"GBP","cash_account":)" + n(fund_cash_) + R"(,"receivable_account":)" +
        n(open("assets:fund:loans", ledger::AccountType::asset)) +
        R"(,"interest_income_account":)" +
        n(open("income:fund:interest", ledger::AccountType::income)) + R"(,"fee_income_account":)" +
        n(open("income:fund:fees", ledger::AccountType::income)) + R"(,"loss_expense_account":)" +
        n(open("expenses:fund:losses", ledger::AccountType::expense)) + R"(,"capital_account":)" +
        n(open("equity:fund:capital", ledger::AccountType::equity)) + R"(,"loan_max":200000})";
    std::int64_t capital =
        json_of(post("/v1/accounts", R"({"code":"x","type":"equity"})")).at("id").as_int64();
    must(ledger::make_transfer("capital", fund_cash_, capital, 300000));
  }

  std::string ledger_token(const std::string& token, Role role,
                           std::optional<ledger::MemberId> member) {
    auto id =
        must(ledger::CreateAccessToken{
                 .token_hash = crypto::access_token_hash(token), .role = role, .member = member})
            .id;
    tokens_.add(hash_token(token), Principal{.token_id = id, .role = role, .member = member});
    return token;
  }

  std::int64_t id_of(const Response& response) { return json_of(response).at("id").as_int64(); }

  Response keyed(const std::string& target, const std::string& body, const std::string& token) {
    return post(target, body, token, "key-" + n(++keys_));
  }

  // A fund (admin A), a product of 4 weekly zero-interest instalments, and `member1_` applying.
  void make_fund_and_product() {
    auto fund = keyed("/v1/loan-funds", fund_body_, admin_a_);
    ASSERT_EQ(fund.status, 201) << fund.body;
    fund_ = id_of(fund);
    auto product = keyed("/v1/loan-funds/" + n(fund_) + "/products",
                         R"({"instalment_count":4,"frequency":"weekly","interest_method":"zero",)"
                         R"("late_fee":150,"late_fee_grace_days":3})",
                         admin_a_);
    ASSERT_EQ(product.status, 201) << product.body;
    product_ = id_of(product);
  }

  std::string application(const std::string& extra = "") const {
    return R"({"fund":)" + n(fund_) + R"(,"product":)" + n(product_) + R"(,"payout_account":)" +
           n(savings1_) + R"(,"principal":40000)" + extra + "}";
  }

  std::string admin_a_, admin_b_, borrowing_admin_, borrower_, other_;
  ledger::MemberId borrowing_admin_member_ = 0;
  ledger::AccountId borrowing_admin_savings_ = 0, fund_cash_ = 0;
  std::string fund_body_;
  std::int64_t fund_ = 0, product_ = 0;
  int keys_ = 0;
};

TEST_F(LoanEndpoints, AFundAndItsProductReadBackAsCreated) {
  make_fund_and_product();
  auto fund = get("/v1/loan-funds/" + n(fund_) + "?on=2026-11-21", auditor_token);
  ASSERT_EQ(fund.status, 200) << fund.body;
  auto body = json_of(fund).as_object();
  EXPECT_EQ(body.at("currency").as_string(), "GBP");
  EXPECT_EQ(body.at("approval_quorum").as_int64(), 2);  // the default
  EXPECT_EQ(body.at("loan_max").as_int64(), 200000);
  EXPECT_EQ(body.at("cash_share_max_bps").as_int64(), 10000);
  EXPECT_EQ(body.at("portfolio").at("on").as_string(), "2026-11-21");
  EXPECT_EQ(body.at("portfolio").at("cash_available").as_int64(), 300000);
  auto product = get("/v1/loan-products/" + n(product_), member1_token);
  ASSERT_EQ(product.status, 200);
  auto terms = json_of(product).at("terms").as_object();
  EXPECT_EQ(terms.at("frequency").as_string(), "weekly");
  EXPECT_EQ(terms.at("late_fee").as_int64(), 150);
  EXPECT_EQ(terms.at("late_fee_grace_days").as_int64(), 3);
  EXPECT_EQ(terms.at("upfront_fee_kind").as_string(), "none");
  EXPECT_EQ(problem_code(get("/v1/loan-funds/999", admin_token)), "not_found");
  EXPECT_EQ(problem_code(get("/v1/loan-products/999", admin_token)), "not_found");
  EXPECT_EQ(problem_code(get("/v1/loan-funds/" + n(fund_) + "?on=21-11-2026", admin_token)),
            "invalid_argument");
}

TEST_F(LoanEndpoints, TheActorIsTheBearerTokenAndTheLedgerDecides) {
  make_fund_and_product();
  // A member applies for themself without naming a member; the entry records their token.
  auto applied = keyed("/v1/loans", application(), borrower_);
  ASSERT_EQ(applied.status, 201) << applied.body;
  std::int64_t loan = id_of(applied);
  auto read = json_of(get("/v1/loans/" + n(loan), borrower_)).as_object();
  EXPECT_EQ(read.at("member").as_int64(), member1_);
  EXPECT_EQ(read.at("status").as_string(), "applied");
  // An admin with no member of their own must name one; a member cannot apply for another.
  EXPECT_EQ(problem_code(keyed("/v1/loans", application(), admin_a_)), "invalid_argument");
  auto for_other = keyed("/v1/loans", application(R"(,"member":)" + n(member2_)), borrower_);
  EXPECT_EQ(for_other.status, 403);
  EXPECT_EQ(problem_code(for_other), "not_permitted");

  // Approvals: the admin-member cannot approve a loan to themself; an admin not twice.
  auto own =
      keyed("/v1/loans",
            R"({"fund":)" + n(fund_) + R"(,"product":)" + n(product_) + R"(,"payout_account":)" +
                n(borrowing_admin_savings_) + R"(,"principal":1000})",
            borrowing_admin_);
  ASSERT_EQ(own.status, 201) << own.body;
  auto self = keyed("/v1/loans/" + n(id_of(own)) + "/approve", "", borrowing_admin_);
  EXPECT_EQ(self.status, 403);
  EXPECT_EQ(problem_code(self), "self_approval");
  auto first = keyed("/v1/loans/" + n(loan) + "/approve", "", admin_a_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(id_of(first), loan);
  auto again = keyed("/v1/loans/" + n(loan) + "/approve", "{}", admin_a_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(problem_code(again), "duplicate_approval");
  auto second = keyed("/v1/loans/" + n(loan) + "/approve", "{}", borrowing_admin_);
  ASSERT_EQ(second.status, 200) << second.body;
  auto approved = json_of(get("/v1/loans/" + n(loan), auditor_token)).as_object();
  EXPECT_EQ(approved.at("status").as_string(), "approved");
  const auto& approvals = approved.at("approvals").as_array();
  ASSERT_EQ(approvals.size(), 2u);
  EXPECT_EQ(approvals[0].at("seq").as_int64(), json_of(first).at("seq").as_int64());
  EXPECT_EQ(approvals[1].at("seq").as_int64(), json_of(second).at("seq").as_int64());
  EXPECT_EQ(approvals[1].at("admin_member").as_int64(), borrowing_admin_member_);
  EXPECT_EQ(approvals[0].as_object().if_contains("admin_member"), nullptr);
}

TEST_F(LoanEndpoints, AnotherMembersLoanIsMissingAndNothingIsWritten) {
  make_fund_and_product();
  std::int64_t loan = id_of(keyed("/v1/loans", application(), borrower_));
  std::int64_t before = log_size();
  for (const char* action : {"withdraw", "repay"}) {
    SCOPED_TRACE(action);
    std::string body = std::string(action) == "repay"
                           ? R"({"source_account":)" + n(savings2_) + R"(,"amount":100})"
                           : "{}";
    auto response = keyed("/v1/loans/" + n(loan) + "/" + action, body, other_);
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(problem_code(response), "not_found");
    // The same answer as for a loan that does not exist.
    auto missing = keyed("/v1/loans/99999/" + std::string(action), body, other_);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(problem_code(missing), "not_found");
  }
  EXPECT_EQ(problem_code(get("/v1/loans/" + n(loan), other_)), "not_found");
  EXPECT_EQ(problem_code(get("/v1/members/" + n(member1_) + "/loans", other_)), "not_found");
  EXPECT_EQ(log_size(), before);
  auto theirs = json_of(get("/v1/members/" + n(member2_) + "/loans", other_)).as_object();
  EXPECT_TRUE(theirs.at("loans").as_array().empty());
}

TEST_F(LoanEndpoints, ARetryWithTheSameKeyReplaysAndAnotherBodyConflicts) {
  make_fund_and_product();
  auto first = post("/v1/loans", application(), borrower_, "apply-once");
  ASSERT_EQ(first.status, 201);
  auto replay = post("/v1/loans", application(), borrower_, "apply-once");
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(replay.body, first.body);
  auto changed =
      post("/v1/loans", application(R"(,"purpose":"something else")"), borrower_, "apply-once");
  EXPECT_EQ(changed.status, 409);
  EXPECT_EQ(problem_code(changed), "idempotency_conflict");
  auto no_key = post("/v1/loans", application(), borrower_);
  EXPECT_EQ(problem_code(no_key), "invalid_argument");
  // The key may come as a field instead; header and field must then agree.
  auto field = post("/v1/loans", application(R"(,"idempotency_key":"as-field")"), borrower_);
  EXPECT_EQ(field.status, 201) << field.body;
}

TEST_F(LoanEndpoints, ApprovalSeqsAreBoundedAtTheLargestQuorum) {
  make_fund_and_product();
  std::int64_t loan = id_of(keyed("/v1/loans", application(), borrower_));
  ASSERT_EQ(keyed("/v1/loans/" + n(loan) + "/approve", "", admin_a_).status, 200);
  ASSERT_EQ(keyed("/v1/loans/" + n(loan) + "/approve", "", admin_b_).status, 200);
  auto seqs = [](std::size_t count) {
    std::string list;
    for (std::size_t i = 0; i < count; ++i) list += (i ? "," : "") + n(static_cast<int>(i));
    return R"({"approval_seqs":[)" + list + "]}";
  };
  // 16 seqs pass decoding and reach the ledger, which finds they are not the approvals; 17 do
  // not get that far.
  auto at_limit = keyed("/v1/loans/" + n(loan) + "/disburse", seqs(16), admin_a_);
  EXPECT_EQ(problem_code(at_limit), "approvals_mismatch");
  auto past = keyed("/v1/loans/" + n(loan) + "/disburse", seqs(17), admin_a_);
  EXPECT_EQ(problem_code(past), "invalid_argument");
  EXPECT_NE(past.body.find("1 to 16"), std::string::npos) << past.body;
}

TEST_F(LoanEndpoints, AMembersLoansShowTheNextPaymentDueAsTimeMoves) {
  make_fund_and_product();
  std::int64_t loan = id_of(keyed("/v1/loans", application(), borrower_));
  auto first = keyed("/v1/loans/" + n(loan) + "/approve", "", admin_a_);
  auto second = keyed("/v1/loans/" + n(loan) + "/approve", "", admin_b_);
  auto paid_out = keyed("/v1/loans/" + n(loan) + "/disburse",
                        R"({"approval_seqs":[)" + n(json_of(first).at("seq").as_int64()) + "," +
                            n(json_of(second).at("seq").as_int64()) + "]}",
                        admin_a_);
  ASSERT_EQ(paid_out.status, 200) << paid_out.body;
  // Paid out today (2026-11-22 on the fixture's clock): 4 weekly instalments of 100.00.
  auto listed = json_of(get("/v1/members/" + n(member1_) + "/loans", borrower_)).as_object();
  ASSERT_EQ(listed.at("loans").as_array().size(), 1u);
  auto next = listed.at("loans").as_array()[0].at("next_payment").as_object();
  EXPECT_EQ(next.at("instalment").as_int64(), 1);
  EXPECT_EQ(next.at("due_date").as_string(), "2026-11-29");
  EXPECT_EQ(next.at("amount").as_int64(), 10000);

  // A week and a day later the first is overdue; the member pays it from their savings.
  clock_.advance_micros(8 * ledger::micros_per_day);
  auto late = json_of(get("/v1/loans/" + n(loan) + "?on=2026-11-30", borrower_)).as_object();
  EXPECT_EQ(late.at("arrears").at("days_past_due").as_int64(), 1);
  EXPECT_EQ(late.at("arrears").at("bucket").as_string(), "days_1_30");
  EXPECT_EQ(late.at("arrears").at("overdue").as_int64(), 10000);
  // Without ?on= the reports are for the engine's today, the writer's clock.
  auto today = json_of(get("/v1/loans/" + n(loan), borrower_)).as_object();
  EXPECT_EQ(today.at("arrears").at("on").as_string(), "2026-11-30");
  EXPECT_EQ(today.at("arrears").at("days_past_due").as_int64(), 1);
  EXPECT_EQ(
      json_of(get("/v1/loan-funds/" + n(fund_), admin_token)).at("portfolio").at("on").as_string(),
      "2026-11-30");
  auto repaid = keyed("/v1/loans/" + n(loan) + "/repay",
                      R"({"source_account":)" + n(savings1_) + R"(,"amount":10000})", borrower_);
  ASSERT_EQ(repaid.status, 200) << repaid.body;
  auto after = json_of(get("/v1/loans/" + n(loan) + "?on=2026-11-30", borrower_)).as_object();
  EXPECT_EQ(after.at("arrears").at("bucket").as_string(), "current");
  EXPECT_EQ(after.at("outstanding").at("principal").as_int64(), 30000);
  EXPECT_EQ(after.at("instalments").as_array()[0].at("principal_paid").as_int64(), 10000);
  auto now = json_of(get("/v1/members/" + n(member1_) + "/loans", admin_token)).as_object();
  auto due = now.at("loans").as_array()[0].at("next_payment").as_object();
  EXPECT_EQ(due.at("instalment").as_int64(), 2);
  EXPECT_EQ(due.at("due_date").as_string(), "2026-12-06");
  // From another account of someone else's, the ledger refuses the borrower.
  auto from_other = keyed("/v1/loans/" + n(loan) + "/repay",
                          R"({"source_account":)" + n(savings2_) + R"(,"amount":100})", borrower_);
  EXPECT_EQ(problem_code(from_other), "not_permitted");
}

}  // namespace
}  // namespace pardner::api::testing
