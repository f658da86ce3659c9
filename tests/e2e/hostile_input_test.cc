// Hostile and careless input to the real server over real TLS: malformed JSON, oversized and
// deeply nested bodies, huge, negative, fractional and exponent amounts, unknown and duplicate
// fields, wrong content types, bad UTF-8, missing keys and wrong roles. Each request gets the
// precise problem+json answer, and afterwards the log holds exactly what it held before: no
// refused request wrote anything.
#include "tests/e2e/hostile_input.h"

#include <string>
#include <vector>

#include "api/limits.h"

namespace pardner::e2e {
namespace {

TEST_F(HostileInput, EveryBadRequestIsAPreciseProblemAndWritesNothing) {
  const std::string json = "application/json";
  const std::string money = "/v1/transactions";
  std::vector<HostileCase> cases = {
      {"truncated JSON", money, json, R"({"debit_account":)", true, 400, "malformed_json"},
      {"trailing garbage", money, json, transfer("10") + "x", true, 400, "malformed_json"},
      {"not an object", money, json, "[1,2,3]", true, 400, "malformed_json"},
      {"empty body", money, json, "", true, 400, "malformed_json"},
      {"NaN literal", money, json, transfer("NaN"), true, 400, "malformed_json"},
      {"deep nesting", money, json, transfer("10", R"(,"metadata":)" + nested_arrays(200)), true,
       400, "malformed_json"},
      {"amount past 2^63", money, json, transfer("99999999999999999999"), true, 400,
       "invalid_argument"},
      {"amount past the JSON-safe maximum", money, json, transfer("9007199254740993"), true, 400,
       "invalid_argument"},
      {"negative amount", money, json, transfer("-100"), true, 400, "invalid_argument"},
      {"zero amount", money, json, transfer("0"), true, 400, "invalid_argument"},
      {"fractional amount", money, json, transfer("10.5"), true, 400, "invalid_argument"},
      {"exponent amount", money, json, transfer("1e3"), true, 400, "invalid_argument"},
      {"amount as a string", money, json, transfer(R"("100")"), true, 400, "invalid_argument"},
      {"unknown field", money, json, transfer("10", R"(,"sneaky":true)"), true, 400,
       "invalid_argument"},
      {"duplicate field", money, json, transfer("10", R"(,"amount":5000000)"), true, 400,
       "malformed_json"},
      {"invalid UTF-8 in the memo", money, json, transfer("10", ",\"memo\":\"\xC3\x28\""), true,
       400, "malformed_json"},
      {"memo past its limit", money, json,
       transfer("10", R"(,"memo":")" + std::string(ledger::memo_bytes_max + 1, 'm') + "\""), true,
       400, "invalid_argument"},
      {"body past the limit", money, json,
       transfer("10", R"(,"memo":")" + std::string(api::transaction_body_bytes_max, 'm') + "\""),
       true, 413, "body_too_large"},
      {"text/plain", money, "text/plain", transfer("10"), true, 415, "unsupported_media_type"},
      {"form encoding", money, "application/x-www-form-urlencoded", "amount=10", true, 415,
       "unsupported_media_type"},
      {"no content type", money, "", transfer("10"), true, 415, "unsupported_media_type"},
      {"no idempotency key", money, json, transfer("10"), false, 400, "invalid_argument"},
      {"unknown account", money, json, R"({"debit_account":999999,"credit_account":1,"amount":10})",
       true, 404, "not_found"},
      {"overdraft", money, json, transfer("5001"), true, 422, "insufficient_funds"},
      {"member with a huge id", "/v1/accounts", json,
       R"({"code":"assets:x","type":"asset","member":18446744073709551616})", true, 400,
       "invalid_argument"},
      {"account type unknown", "/v1/accounts", json, R"({"code":"assets:x","type":"gold"})", true,
       400, "invalid_argument"},
      {"member contact not a string", "/v1/members", json, R"({"contact":42})", true, 400,
       "invalid_argument"},
  };

  std::string before = checkpoint();
  int n = 0;
  for (const auto& c : cases) expect_refused(c, admin_token_, n++);

  // The right request by the wrong people: no token, a member's, an auditor's.
  HostileCase good{"a valid transfer", money, json, transfer("10"), true, 0, ""};
  good.status = 401, good.code = "unauthorized";
  expect_refused(good, "pdn_not-a-real-token", n++);
  good.status = 403, good.code = "forbidden";
  expect_refused(good, member1_token_, n++);
  expect_refused(good, auditor_token_, n++);

  EXPECT_EQ(checkpoint(), before) << "a refused request changed the log";
}

// The loan routes' bodies: a fund with a product, a loan applied for and one approved, made
// before the server starts.
class HostileLoanInput : public HostileInput {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    write([this](ledger::Writer& writer) {
      auto id_of = [&](const auto& command) {
        auto done = writer.submit_and_wait(command);
        EXPECT_TRUE(done) << (done ? "" : done.error().detail);
        return done ? done.value().id : 0;
      };
      auto admin = [&] {
        return id_of(ledger::CreateAccessToken{
            .token_hash = crypto::access_token_hash(crypto::generate_access_token()),
            .role = ledger::Role::admin});
      };
      ledger::ActorToken admin_a = admin(), admin_b = admin();
      auto open = [&](const std::string& code, ledger::AccountType type) {
        return id_of(ledger::OpenAccount{.code = code, .type = type});
      };
      ledger::CreateLoanFund fund{
          .idempotency_key = "fund",
          .actor = admin_a,
          .currency = "GBP",
          .cash_account = open("assets:fund:cash", ledger::AccountType::asset),
          .receivable_account = open("assets:fund:loans", ledger::AccountType::asset),
          .interest_income_account = open("income:fund:interest", ledger::AccountType::income),
          .fee_income_account = open("income:fund:fees", ledger::AccountType::income),
          .loss_expense_account = open("expenses:fund:losses", ledger::AccountType::expense),
          .capital_account = open("equity:fund:capital", ledger::AccountType::equity),
          .loan_max_minor = 100'000};
      id_of(ledger::make_transfer("capital", fund.cash_account, fund.capital_account, 500'000));
      fund_accounts_ = R"("cash_account":)" + std::to_string(fund.cash_account) +
                       R"(,"receivable_account":)" + std::to_string(fund.receivable_account) +
                       R"(,"interest_income_account":)" +
                       std::to_string(fund.interest_income_account) + R"(,"fee_income_account":)" +
                       std::to_string(fund.fee_income_account) + R"(,"loss_expense_account":)" +
                       std::to_string(fund.loss_expense_account) + R"(,"capital_account":)" +
                       std::to_string(fund.capital_account);
      fund_ = id_of(fund);
      product_ = id_of(ledger::CreateLoanProduct{
          .idempotency_key = "product",
          .actor = admin_a,
          .fund = fund_,
          .terms = {.instalment_count = 4, .frequency = ledger::LoanFrequency::weekly}});
      auto apply = [&](const std::string& key) {
        return id_of(ledger::ApplyForLoan{.idempotency_key = key,
                                          .actor = admin_a,
                                          .fund = fund_,
                                          .product = product_,
                                          .member = member1_,
                                          .payout_account = savings1_,
                                          .principal_minor = 4'000});
      };
      applied_ = apply("applied");
      approved_ = apply("approved");
      for (ledger::ActorToken by : {admin_a, admin_b}) {
        auto approval = writer.submit_and_wait(ledger::ApproveLoan{
            .idempotency_key = "approve-" + std::to_string(by), .actor = by, .loan = approved_});
        ASSERT_TRUE(approval);
        approval_seqs_.push_back(approval.value().seq);
      }
    });
    if (!HasFatalFailure()) start_server();
  }

  std::string application(const std::string& principal_json, const std::string& extra = "") const {
    return R"({"fund":)" + std::to_string(fund_) + R"(,"product":)" + std::to_string(product_) +
           R"(,"member":)" + std::to_string(member1_) + R"(,"payout_account":)" +
           std::to_string(savings1_) + R"(,"principal":)" + principal_json + extra + "}";
  }
  std::string repayment(const std::string& amount_json, const std::string& extra = "") const {
    return R"({"source_account":)" + std::to_string(savings1_) + R"(,"amount":)" + amount_json +
           extra + "}";
  }
  std::string seqs(std::size_t count) const {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += (i ? "," : "") + std::to_string(approval_seqs_[i % approval_seqs_.size()]);
    }
    return R"({"approval_seqs":[)" + out + "]";
  }
  std::string fund_body(const std::string& currency, const std::string& extra) const {
    return R"({"currency":")" + currency + "\"," + fund_accounts_ + "," + extra + "}";
  }
  std::string loan_target(ledger::LoanId id, const std::string& action) const {
    return "/v1/loans/" + std::to_string(id) + "/" + action;
  }

  std::string fund_accounts_;
  ledger::LoanFundId fund_ = 0;
  ledger::LoanProductId product_ = 0;
  ledger::LoanId applied_ = 0, approved_ = 0;
  std::vector<ledger::Seq> approval_seqs_;
};

TEST_F(HostileLoanInput, EveryBadLoanRequestIsAPreciseProblemAndWritesNothing) {
  const std::string json = "application/json";
  const std::string loans = "/v1/loans";
  const std::string repay = loan_target(approved_, "repay");
  const std::string disburse = loan_target(approved_, "disburse");
  const std::string products = "/v1/loan-funds/" + std::to_string(fund_) + "/products";
  std::vector<HostileCase> cases = {
      {"negative principal", loans, json, application("-100"), true, 400, "invalid_argument"},
      {"zero principal", loans, json, application("0"), true, 400, "invalid_argument"},
      {"principal past the JSON-safe maximum", loans, json, application("9007199254740992"), true,
       400, "invalid_argument"},
      {"principal past 2^63", loans, json, application("99999999999999999999"), true, 400,
       "invalid_argument"},
      {"fractional principal", loans, json, application("10.5"), true, 400, "invalid_argument"},
      {"principal as a string", loans, json, application(R"("100")"), true, 400,
       "invalid_argument"},
      {"principal past the fund's loan_max", loans, json, application("100001"), true, 400,
       "invalid_argument"},
      {"unknown field in an application", loans, json, application("100", R"(,"rate":0)"), true,
       400, "invalid_argument"},
      {"purpose past its limit", loans, json,
       application("100",
                   R"(,"purpose":")" + std::string(ledger::loan_text_bytes_max + 1, 'p') + "\""),
       true, 400, "invalid_argument"},
      {"application without a key", loans, json, application("100"), false, 400,
       "invalid_argument"},
      {"application past the body limit", loans, json,
       application("100", R"(,"purpose":")" + std::string(api::loan_body_bytes_max, 'p') + "\""),
       true, 413, "body_too_large"},
      {"unknown product", loans, json,
       R"({"fund":)" + std::to_string(fund_) + R"(,"product":999,"member":)" +
           std::to_string(member1_) + R"(,"payout_account":)" + std::to_string(savings1_) +
           R"(,"principal":100})",
       true, 404, "not_found"},
      {"negative repayment", repay, json, repayment("-1"), true, 400, "invalid_argument"},
      {"zero repayment", repay, json, repayment("0"), true, 400, "invalid_argument"},
      {"huge repayment", repay, json, repayment("9007199254740992"), true, 400, "invalid_argument"},
      {"repayment dated 30 February", repay, json,
       repayment("100", R"(,"value_date":"2026-02-30")"), true, 400, "invalid_argument"},
      {"repayment dated in words", repay, json, repayment("100", R"(,"value_date":"tomorrow")"),
       true, 400, "invalid_argument"},
      {"repayment's date too long", repay, json, repayment("100", R"(,"value_date":"2026-02-011")"),
       true, 400, "invalid_argument"},
      {"unknown field in a repayment", repay, json, repayment("100", R"(,"waive":true)"), true, 400,
       "invalid_argument"},
      {"repaying a loan not paid out", repay, json, repayment("100"), true, 409, "loan_status"},
      {"too many approval seqs", disburse, json, seqs(api::approval_seqs_max + 1) + "}", true, 400,
       "invalid_argument"},
      {"no approval seqs", disburse, json, R"({"approval_seqs":[]})", true, 400,
       "invalid_argument"},
      {"approval seqs not an array", disburse, json, R"({"approval_seqs":7})", true, 400,
       "invalid_argument"},
      {"a negative approval seq", disburse, json, R"({"approval_seqs":[-1]})", true, 400,
       "invalid_argument"},
      {"approval seqs nested too deep", disburse, json, R"({"approval_seqs":[[1]]})", true, 400,
       "malformed_json"},
      {"not the approvals that made the quorum", disburse, json, seqs(1) + "}", true, 409,
       "approvals_mismatch"},
      {"the same approval twice", disburse, json,
       R"({"approval_seqs":[)" + std::to_string(approval_seqs_[0]) + "," +
           std::to_string(approval_seqs_[0]) + "]}",
       true, 409, "approvals_mismatch"},
      {"disbursement dated badly", disburse, json, seqs(2) + R"(,"value_date":"2026-13-01"})", true,
       400, "invalid_argument"},
      {"disbursing a loan not approved", loan_target(applied_, "disburse"), json, seqs(2) + "}",
       true, 409, "loan_status"},
      {"rejection without a reason", loan_target(applied_, "reject"), json, "{}", true, 400,
       "invalid_argument"},
      {"rejection reason past its limit", loan_target(applied_, "reject"), json,
       R"({"reason":")" + std::string(ledger::loan_text_bytes_max + 1, 'r') + "\"}", true, 400,
       "invalid_argument"},
      {"approving a loan already approved", loan_target(approved_, "approve"), json, "{}", true,
       409, "loan_status"},
      {"negative recovery", loan_target(approved_, "recoveries"), json, repayment("-5"), true, 400,
       "invalid_argument"},
      {"recovery past the JSON-safe maximum", loan_target(approved_, "recoveries"), json,
       repayment("9007199254740992"), true, 400, "invalid_argument"},
      {"unknown field in a recovery", loan_target(approved_, "recoveries"), json,
       repayment("5", R"(,"memo":"x")"), true, 400, "invalid_argument"},
      {"recovery on a loan not written off", loan_target(approved_, "recoveries"), json,
       repayment("5"), true, 409, "loan_status"},
      {"writing off a loan not paid out", loan_target(approved_, "write-off"), json, "{}", true,
       409, "loan_status"},
      {"late fees as of 30 February", "/v1/loan-late-fees", json, R"({"as_of":"2026-02-30"})", true,
       400, "invalid_argument"},
      {"late fees as of a future day", "/v1/loan-late-fees", json, R"({"as_of":"2999-01-01"})",
       true, 400, "invalid_argument"},
      {"late fees for a loan named as text", "/v1/loan-late-fees", json, R"({"loan":"7"})", true,
       400, "invalid_argument"},
      {"late fees for a loan not paid out", "/v1/loan-late-fees", json,
       R"({"loan":)" + std::to_string(applied_) + "}", true, 409, "loan_status"},
      {"unknown field in a late-fee run", "/v1/loan-late-fees", json, R"({"all":true})", true, 400,
       "invalid_argument"},
      {"product with no instalments", products, json,
       R"({"instalment_count":0,"frequency":"weekly","interest_method":"zero"})", true, 400,
       "invalid_argument"},
      {"product paid yearly", products, json,
       R"({"instalment_count":2,"frequency":"yearly","interest_method":"zero"})", true, 400,
       "invalid_argument"},
      {"product with a fractional rate", products, json,
       R"({"instalment_count":2,"frequency":"weekly","interest_method":"flat",)"
       R"("annual_rate_bps":1.5})",
       true, 400, "invalid_argument"},
      {"product with a negative late fee", products, json,
       R"({"instalment_count":2,"frequency":"weekly","interest_method":"zero","late_fee":-1})",
       true, 400, "invalid_argument"},
      {"fund with a loan_max of zero", "/v1/loan-funds", json, fund_body("GBP", R"("loan_max":0)"),
       true, 400, "invalid_argument"},
      {"fund in a made-up currency", "/v1/loan-funds", json, fund_body("XQQ", R"("loan_max":10)"),
       true, 400, "invalid_argument"},
      {"fund with an approval quorum past 16", "/v1/loan-funds", json,
       fund_body("GBP", R"("loan_max":10,"approval_quorum":17)"), true, 400, "invalid_argument"},
      {"unknown field in a fund", "/v1/loan-funds", json,
       fund_body("GBP", R"("loan_max":10,"owner":1)"), true, 400, "invalid_argument"},
  };

  std::string before = checkpoint();
  int n = 0;
  for (const auto& c : cases) expect_refused(c, admin_token_, n++);
  EXPECT_EQ(checkpoint(), before) << "a refused request changed the log";
}

}  // namespace
}  // namespace pardner::e2e
