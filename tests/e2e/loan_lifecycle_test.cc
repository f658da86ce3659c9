// A community loan from application to closure, over the real server and TLS, as its people
// would drive it: the fund's accounts opened and capitalised by an ordinary transaction, a fund
// and a product made, a member applying, two distinct admins approving (an admin who is also a
// member cannot approve their own loan), the payout naming its approval entries, on-time, late
// and early repayments, closure; a second loan that defaults, is charged a late fee, written off
// by two admins and partly recovered; and two loans racing for the last of a fund's cash. After
// each step the fund's portfolio and PAR30 are checked, and the trial balance must balance; at the
// end `pardner verify --url` checks the whole log. The server keeps the real clock: payments
// carry value dates in the past (the ledger is made with a wide value-date window) and reports
// are asked for `on` a date.
#include <sys/wait.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <string>

#include "ledger/time.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

namespace json = boost::json;

std::string n(std::int64_t v) { return std::to_string(v); }

// "YYYY-MM-15", `months` months before today's month (UTC, the server's clock).
std::string fifteenth_months_ago(int months) {
  std::string today = ledger::format_date(ledger::date_of(ledger::SystemClock().now()));
  int year = std::stoi(today.substr(0, 4));
  int month = std::stoi(today.substr(5, 2)) - 1 - months;  // 0-based, may go negative
  year += month >= 0 ? month / 12 : (month - 11) / 12;
  month = ((month % 12) + 12) % 12;
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-15", year, month + 1);
  return text;
}

// A day `days` after the date `date` (YYYY-MM-DD).
std::string plus_days(const std::string& date, std::int64_t days) {
  return ledger::format_date(*ledger::parse_date(date) + days);
}

struct Fund {
  std::int64_t id = 0;
  std::int64_t cash = 0;
};

class LoanLifecycle : public ServerTest {
 protected:
  // Value dates up to 800 days back: the loan below was paid out 13 months ago.
  ledger::Settings ledger_settings() const override {
    ledger::Settings settings = ServerTest::ledger_settings();
    settings.value_date_past_days = 800;
    return settings;
  }

  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    start_server();
    if (HasFatalFailure()) return;
    client_ = connect();
    ASSERT_NE(client_, nullptr);
    admin_b_ = new_token(R"({"role":"admin"})");
    // An admin who is also a member, with a savings account of their own.
    admin_member_ = post_json("/v1/members", R"({"display_name":"Admin who borrows"})", 201)
                        .at("id")
                        .as_int64();
    admin_member_savings_ = open_account("liabilities:members:admin:savings", "liability",
                                         R"(,"member":)" + n(admin_member_) + R"(,"floor":0)");
    admin_borrower_ = new_token(R"({"role":"admin","member":)" + n(admin_member_) + "}");
  }

  HttpsResponse send(const std::string& request) {
    if (!client_) client_ = connect();
    EXPECT_TRUE(client_->send(request));
    auto response = client_->read_response();
    EXPECT_TRUE(response) << response.error().detail;
    if (!response) {
      client_.reset();
      return {};
    }
    if (response->header("connection") == "close") client_.reset();
    return response.value();
  }

  // A POST with a fresh Idempotency-Key.
  HttpsResponse post(const std::string& target, const std::string& body, const std::string& token) {
    return send(post_request(target, body, token, "lifecycle-" + n(++keys_)));
  }

  json::object post_json(const std::string& target, const std::string& body, int status,
                         const std::string& token = "") {
    auto response = post(target, body, token.empty() ? admin_token_ : token);
    EXPECT_EQ(response.status, status) << target << " " << body << ": " << response.body;
    auto value = json::parse(response.body);
    return value.is_object() ? value.as_object() : json::object{};
  }

  // The problem's code of a refused POST, after checking its status.
  std::string refused(const std::string& target, const std::string& body, int status,
                      const std::string& token = "") {
    auto problem = post_json(target, body, status, token);
    auto* code = problem.if_contains("code");
    return code && code->is_string() ? std::string(code->as_string()) : "";
  }

  json::object get_json(const std::string& target, const std::string& token = "") {
    if (!client_) client_ = connect();
    auto response = client_->get(target, token.empty() ? admin_token_ : token);
    EXPECT_TRUE(response);
    if (!response) return {};
    EXPECT_EQ(response->status, 200) << target << ": " << response->body;
    auto value = json::parse(response->body);
    return value.is_object() ? value.as_object() : json::object{};
  }

  std::string new_token(const std::string& body) {
    return std::string(post_json("/v1/tokens", body, 201).at("token").as_string());
  }

  std::int64_t open_account(const std::string& code, const std::string& type,
                            const std::string& extra = "") {
    return post_json("/v1/accounts",
                     R"({"code":")" + code + R"(","type":")" + type + "\"" + extra + "}", 201)
        .at("id")
        .as_int64();
  }

  // Six accounts, capital paid in by an ordinary transaction, and the fund over them.
  Fund make_fund(const std::string& name, std::int64_t capital, std::int64_t loan_max) {
    Fund fund;
    fund.cash = open_account("assets:" + name + ":cash", "asset", R"(,"floor":0)");
    std::int64_t receivable = open_account("assets:" + name + ":loans", "asset");
    std::int64_t interest = open_account("income:" + name + ":interest", "income");
    std::int64_t fees = open_account("income:" + name + ":fees", "income");
    std::int64_t losses = open_account("expenses:" + name + ":losses", "expense");
    std::int64_t equity = open_account("equity:" + name + ":capital", "equity");
    post_json("/v1/transactions",
              R"({"debit_account":)" + n(fund.cash) + R"(,"credit_account":)" + n(equity) +
                  R"(,"amount":)" + n(capital) + R"(,"memo":"grant"})",
              201);
    fund.id = post_json("/v1/loan-funds",
                        R"({"currency":"GBP","cash_account":)" + n(fund.cash) +
                            R"(,"receivable_account":)" + n(receivable) +
                            R"(,"interest_income_account":)" + n(interest) +
                            R"(,"fee_income_account":)" + n(fees) + R"(,"loss_expense_account":)" +
                            n(losses) + R"(,"capital_account":)" + n(equity) +
                            R"(,"approval_quorum":2)" + R"(,"loan_max":)" + n(loan_max) + "}",
                        201)
                  .at("id")
                  .as_int64();
    return fund;
  }

  json::object portfolio(const Fund& fund, const std::string& on) {
    auto found = get_json("/v1/loan-funds/" + n(fund.id) + "?on=" + on, auditor_token_);
    return found.contains("portfolio") ? found.at("portfolio").as_object() : json::object{};
  }

  json::object loan(std::int64_t id, const std::string& on, const std::string& token = "") {
    return get_json("/v1/loans/" + n(id) + "?on=" + on, token);
  }

  // Every currency's debit balances equal its credit balances.
  void expect_books_balance(const std::string& step) {
    SCOPED_TRACE(step);
    auto trial = get_json("/v1/reports/trial-balance", auditor_token_);
    ASSERT_TRUE(trial.contains("currencies"));
    ASSERT_FALSE(trial.at("currencies").as_array().empty());
    for (const auto& line : trial.at("currencies").as_array()) {
      EXPECT_EQ(line.at("debits").as_int64(), line.at("credits").as_int64())
          << json::serialize(line);
    }
  }

  std::int64_t balance(std::int64_t account) {
    return get_json("/v1/accounts/" + n(account)).at("balance").as_int64();
  }

  std::unique_ptr<HttpsClient> client_;
  int keys_ = 0;
  std::string admin_b_, admin_borrower_;
  ledger::MemberId admin_member_ = 0;
  ledger::AccountId admin_member_savings_ = 0;
};

TEST_F(LoanLifecycle, ALoanFromApplicationToClosure) {
  // Paid out on the 15th, 13 months ago: all twelve monthly instalments are due by today.
  const std::string paid_out = fifteenth_months_ago(13);
  auto due = [](int instalment) { return fifteenth_months_ago(13 - instalment); };

  Fund fund = make_fund("fund", 10'000'00, 5'000'00);
  auto product = post_json("/v1/loan-funds/" + n(fund.id) + "/products",
                           R"({"instalment_count":12,"frequency":"monthly",)"
                           R"("interest_method":"declining_balance","annual_rate_bps":1200})",
                           201)
                     .at("id")
                     .as_int64();
  EXPECT_EQ(get_json("/v1/loan-products/" + n(product), member1_token_)
                .at("terms")
                .at("interest_method")
                .as_string(),
            "declining_balance");
  auto start = portfolio(fund, paid_out);
  EXPECT_EQ(start.at("cash_available").as_int64(), 10'000'00);
  EXPECT_EQ(start.at("par30_bps").as_int64(), 0);
  expect_books_balance("capitalised");

  // The member applies for themself: 1,000.00 over 12 months at 12% (docs/loans.md's example).
  const std::string application = R"({"fund":)" + n(fund.id) + R"(,"product":)" + n(product) +
                                  R"(,"payout_account":)" + n(savings1_) +
                                  R"(,"principal":100000,"purpose":"stall stock"})";
  auto loan_id = post_json("/v1/loans", application, 201, member1_token_).at("id").as_int64();
  EXPECT_EQ(loan(loan_id, paid_out, member1_token_).at("status").as_string(), "applied");
  EXPECT_EQ(portfolio(fund, paid_out).at("loans_applied").as_int64(), 1);

  // The applicant-admin case: an admin who is also a member applies, and cannot approve it.
  auto own_loan =
      post_json("/v1/loans",
                R"({"fund":)" + n(fund.id) + R"(,"product":)" + n(product) +
                    R"(,"payout_account":)" + n(admin_member_savings_) + R"(,"principal":20000})",
                201, admin_borrower_)
          .at("id")
          .as_int64();
  EXPECT_EQ(refused("/v1/loans/" + n(own_loan) + "/approve", "{}", 403, admin_borrower_),
            "self_approval");
  EXPECT_EQ(post_json("/v1/loans/" + n(own_loan) + "/withdraw", "{}", 200, admin_borrower_)
                .at("id")
                .as_int64(),
            own_loan);
  EXPECT_EQ(loan(own_loan, paid_out).at("status").as_string(), "withdrawn");

  // One admin approves: still applied, nothing reserved.
  auto first = post_json("/v1/loans/" + n(loan_id) + "/approve", "{}", 200);
  const std::int64_t first_seq = first.at("seq").as_int64();
  auto after_one = loan(loan_id, paid_out);
  EXPECT_EQ(after_one.at("status").as_string(), "applied");
  ASSERT_EQ(after_one.at("approvals").as_array().size(), 1u);
  EXPECT_EQ(after_one.at("approvals").as_array()[0].at("seq").as_int64(), first_seq);
  EXPECT_EQ(portfolio(fund, paid_out).at("cash_available").as_int64(), 10'000'00);
  EXPECT_EQ(refused("/v1/loans/" + n(loan_id) + "/approve", "{}", 409), "duplicate_approval");
  // The borrower cannot approve at all: the route is the admins'.
  EXPECT_EQ(refused("/v1/loans/" + n(loan_id) + "/approve", "{}", 403, member1_token_),
            "forbidden");

  // A second, distinct admin completes the quorum: the principal is reserved.
  const std::int64_t second_seq =
      post_json("/v1/loans/" + n(loan_id) + "/approve", "{}", 200, admin_b_).at("seq").as_int64();
  auto approved = loan(loan_id, paid_out, auditor_token_);
  EXPECT_EQ(approved.at("status").as_string(), "approved");
  EXPECT_EQ(approved.at("approvals").as_array().size(), 2u);
  auto reserved = portfolio(fund, paid_out);
  EXPECT_EQ(reserved.at("reserved").as_int64(), 100000);
  EXPECT_EQ(reserved.at("cash_available").as_int64(), 10'000'00 - 100000);
  EXPECT_EQ(reserved.at("loans_approved").as_int64(), 1);
  expect_books_balance("approved");

  // The payout must name exactly the approvals that made the quorum.
  const std::string disburse = "/v1/loans/" + n(loan_id) + "/disburse";
  EXPECT_EQ(refused(disburse, R"({"approval_seqs":[)" + n(first_seq) + "]}", 409),
            "approvals_mismatch");
  post_json(disburse,
            R"({"approval_seqs":[)" + n(second_seq) + "," + n(first_seq) + R"(],"value_date":")" +
                paid_out + "\"}",
            200);
  auto disbursed = loan(loan_id, paid_out);
  EXPECT_EQ(disbursed.at("status").as_string(), "disbursed");
  EXPECT_EQ(disbursed.at("disbursement_date").as_string(), paid_out);
  // docs/loans.md: payment 88.85; #1 interest 10.00, principal 78.85; #2 9.21 and 79.64; #3
  // 8.41 and 80.44; #12 0.87 and 87.91. Principal sums to the loan exactly.
  const auto& schedule = disbursed.at("schedule").as_array();
  ASSERT_EQ(schedule.size(), 12u);
  const std::int64_t expected[][2] = {{1000, 7885}, {921, 7964}, {841, 8044}};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(schedule[i].at("interest").as_int64(), expected[i][0]) << i;
    EXPECT_EQ(schedule[i].at("principal").as_int64(), expected[i][1]) << i;
    EXPECT_EQ(schedule[i].at("due_date").as_string(), due(static_cast<int>(i) + 1)) << i;
  }
  EXPECT_EQ(schedule[11].at("interest").as_int64(), 87);
  EXPECT_EQ(schedule[11].at("principal").as_int64(), 8791);
  std::int64_t principal_sum = 0;
  for (const auto& instalment : schedule) principal_sum += instalment.at("principal").as_int64();
  EXPECT_EQ(principal_sum, 100000);
  EXPECT_EQ(balance(savings1_), 5000 + 100000);  // paid into the member's savings
  auto lent = portfolio(fund, paid_out);
  EXPECT_EQ(lent.at("outstanding_principal").as_int64(), 100000);
  EXPECT_EQ(lent.at("reserved").as_int64(), 0);
  // The payout posts the reservation (the fund's cash credited) and pays the member's savings
  // account, a liability the fund's cash backs (cash debited):
  // ledger/loan_disbursement_commands.cc. What is available is then the cash account's balance,
  // with nothing pending.
  EXPECT_EQ(lent.at("cash_available").as_int64(), balance(fund.cash));
  EXPECT_EQ(lent.at("par30_bps").as_int64(), 0);
  expect_books_balance("disbursed");

  // The member's wages come into their savings (the loan's interest is more than the 50.00 they
  // had besides the loan), by an ordinary transaction.
  post_json("/v1/transactions",
            R"({"debit_account":)" + n(cash_) + R"(,"credit_account":)" + n(savings1_) +
                R"(,"amount":20000,"memo":"wages"})",
            201);

  // Two on-time repayments by the member, on the due dates.
  const std::string repay = "/v1/loans/" + n(loan_id) + "/repay";
  auto repayment = [&](std::int64_t amount, const std::string& date) {
    return R"({"source_account":)" + n(savings1_) + R"(,"amount":)" + n(amount) +
           R"(,"value_date":")" + date + "\"}";
  };
  for (int i = 1; i <= 2; ++i) {
    post_json(repay, repayment(8885, due(i)), 200, member1_token_);
    auto current = loan(loan_id, due(i));
    EXPECT_EQ(current.at("arrears").at("bucket").as_string(), "current");
    EXPECT_EQ(current.at("arrears").at("days_past_due").as_int64(), 0);
    expect_books_balance("instalment " + n(i));
  }
  EXPECT_EQ(loan(loan_id, due(2)).at("outstanding").at("principal").as_int64(), 84151);

  // Instalment 3 is missed: 31 days later the whole loan is at risk (PAR30 100%); 30 days
  // late, it is not yet.
  auto late30 = portfolio(fund, plus_days(due(3), 30));
  EXPECT_EQ(late30.at("par30_bps").as_int64(), 0);
  auto late31 = loan(loan_id, plus_days(due(3), 31));
  EXPECT_EQ(late31.at("arrears").at("days_past_due").as_int64(), 31);
  EXPECT_EQ(late31.at("arrears").at("bucket").as_string(), "days_31_60");
  auto at_risk = portfolio(fund, plus_days(due(3), 31));
  EXPECT_EQ(at_risk.at("par30_bps").as_int64(), 10'000);
  EXPECT_EQ(at_risk.at("at_risk_30_principal").as_int64(), 84151);

  // The late repayment clears instalments 3 and 4 (88.85 each), five days after #4 fell due.
  const std::string late_day = plus_days(due(4), 5);
  post_json(repay, repayment(2 * 8885, late_day), 200, member1_token_);
  auto caught_up = loan(loan_id, late_day);
  EXPECT_EQ(caught_up.at("arrears").at("bucket").as_string(), "current");
  EXPECT_EQ(caught_up.at("outstanding").at("principal").as_int64(), 84151 - 8044 - 8124);
  EXPECT_EQ(portfolio(fund, late_day).at("par30_bps").as_int64(), 0);
  expect_books_balance("late repayment");

  // A prepayment before #5 falls due: 300.00 pays #5 (6.79 interest, 82.06 principal) and
  // prepays 211.15 of principal; the later instalments are re-laid on 386.62.
  const std::string early = plus_days(due(5), -3);
  post_json(repay, repayment(30000, early), 200, member1_token_);
  auto prepaid = loan(loan_id, early);
  EXPECT_EQ(prepaid.at("outstanding").at("principal").as_int64(), 67983 - 8206 - 21115);
  EXPECT_EQ(prepaid.at("status").as_string(), "disbursed");
  expect_books_balance("prepayment");

  // The member pays what GET /v1/members/{id}/loans says is due next, on its date, to the end.
  const std::string mine = "/v1/members/" + n(member1_) + "/loans";
  int payments = 0;
  while (payments < 12) {
    auto listed = get_json(mine, member1_token_).at("loans").as_array();
    ASSERT_EQ(listed.size(), 1u);
    const auto* next = listed[0].as_object().if_contains("next_payment");
    if (next == nullptr) break;
    std::string date(next->at("due_date").as_string());
    auto paid = post(repay, repayment(next->at("amount").as_int64(), date), member1_token_);
    ASSERT_EQ(paid.status, 200) << paid.body;
    EXPECT_EQ(loan(loan_id, date).at("arrears").at("days_past_due").as_int64(), 0) << date;
    ++payments;
  }
  EXPECT_EQ(payments, 7);  // instalments 6 to 12
  auto closed = loan(loan_id, due(12));
  EXPECT_EQ(closed.at("status").as_string(), "repaid");
  EXPECT_EQ(closed.at("outstanding").at("total").as_int64(), 0);
  auto done = portfolio(fund, due(12));
  EXPECT_EQ(done.at("loans_repaid").as_int64(), 1);
  EXPECT_EQ(done.at("loans_disbursed").as_int64(), 0);
  EXPECT_EQ(done.at("outstanding_principal").as_int64(), 0);
  EXPECT_EQ(done.at("repaid_principal").as_int64(), 100000);
  EXPECT_EQ(done.at("par30_bps").as_int64(), 0);
  EXPECT_EQ(done.at("cash_available").as_int64(), balance(fund.cash));
  expect_books_balance("closed");

  // Repaying a closed loan is refused, by the member and by an admin.
  EXPECT_EQ(refused(repay, repayment(100, due(12)), 422, member1_token_), "loan_closed");
  EXPECT_EQ(refused(repay, repayment(100, due(12)), 422), "loan_closed");

  // A second loan defaults: member 2's 600.00 over 6 months, interest-free, with a late fee of
  // 5.00 once an instalment is 7 days late. Paid out on the same day, never repaid.
  auto strict = post_json("/v1/loan-funds/" + n(fund.id) + "/products",
                          R"({"instalment_count":6,"frequency":"monthly","interest_method":"zero",)"
                          R"("late_fee":500,"late_fee_grace_days":7})",
                          201)
                    .at("id")
                    .as_int64();
  auto bad_loan =
      post_json("/v1/loans",
                R"({"fund":)" + n(fund.id) + R"(,"product":)" + n(strict) + R"(,"member":)" +
                    n(member2_) + R"(,"payout_account":)" + n(savings2_) + R"(,"principal":60000})",
                201)
          .at("id")
          .as_int64();
  const std::string bad = "/v1/loans/" + n(bad_loan);
  auto bad_first = post_json(bad + "/approve", "{}", 200).at("seq").as_int64();
  auto bad_second = post_json(bad + "/approve", "{}", 200, admin_b_).at("seq").as_int64();
  post_json(bad + "/disburse",
            R"({"approval_seqs":[)" + n(bad_first) + "," + n(bad_second) + R"(],"value_date":")" +
                paid_out + "\"}",
            200);
  expect_books_balance("second loan paid out");

  // Seven days after #1 fell due there is no fee yet; on the eighth there is, charged once.
  const std::string charge = "/v1/loan-late-fees";
  EXPECT_EQ(
      post_json(charge,
                R"({"loan":)" + n(bad_loan) + R"(,"as_of":")" + plus_days(due(1), 7) + "\"}", 200)
          .at("charged")
          .as_int64(),
      0);
  const std::string fee_day = plus_days(due(1), 8);
  EXPECT_EQ(post_json(charge, R"({"loan":)" + n(bad_loan) + R"(,"as_of":")" + fee_day + "\"}", 200)
                .at("charged")
                .as_int64(),
            1);
  EXPECT_EQ(post_json(charge, R"({"as_of":")" + fee_day + "\"}", 200).at("charged").as_int64(), 0);
  auto charged = loan(bad_loan, fee_day);
  EXPECT_EQ(charged.at("instalments").as_array()[0].at("late_fee").as_int64(), 500);
  EXPECT_EQ(charged.at("arrears").at("overdue_late_fee").as_int64(), 500);
  EXPECT_EQ(charged.at("arrears").at("overdue").as_int64(), 10000 + 500);
  expect_books_balance("late fee charged");  // a charge moves no money

  // Past 30 days late, all of the fund's outstanding principal is at risk.
  auto defaulted = portfolio(fund, plus_days(due(1), 31));
  EXPECT_EQ(defaulted.at("outstanding_principal").as_int64(), 60000);
  EXPECT_EQ(defaulted.at("at_risk_30_principal").as_int64(), 60000);
  EXPECT_EQ(defaulted.at("par30_bps").as_int64(), 10'000);

  // Written off by two distinct admins: the first approval changes nothing yet.
  auto write_off = post_json(bad + "/write-off", "{}", 200, admin_b_);
  EXPECT_EQ(refused(bad + "/write-off", "{}", 409, admin_b_), "duplicate_approval");
  EXPECT_EQ(loan(bad_loan, fee_day).at("status").as_string(), "disbursed");
  post_json(bad + "/write-off", "{}", 200);
  auto written_off = loan(bad_loan, fee_day, auditor_token_);
  EXPECT_EQ(written_off.at("status").as_string(), "written_off");
  EXPECT_EQ(written_off.at("written_off_principal").as_int64(), 60000);
  ASSERT_EQ(written_off.at("writeoff_approvals").as_array().size(), 2u);
  EXPECT_EQ(written_off.at("writeoff_approvals").as_array()[0].at("seq").as_int64(),
            write_off.at("seq").as_int64());
  auto after_write_off = portfolio(fund, plus_days(due(1), 31));
  EXPECT_EQ(after_write_off.at("loans_written_off").as_int64(), 1);
  EXPECT_EQ(after_write_off.at("written_off_principal").as_int64(), 60000);
  EXPECT_EQ(after_write_off.at("outstanding_principal").as_int64(), 0);
  EXPECT_EQ(after_write_off.at("par30_bps").as_int64(), 0);
  expect_books_balance("written off");
  EXPECT_EQ(
      refused(bad + "/repay", R"({"source_account":)" + n(savings2_) + R"(,"amount":100})", 422),
      "loan_closed");

  // Later 7.00 is recovered from the member's savings; no more than what was written off.
  post_json(bad + "/recoveries", R"({"source_account":)" + n(savings2_) + R"(,"amount":700})", 201);
  EXPECT_EQ(refused(bad + "/recoveries",
                    R"({"source_account":)" + n(savings2_) + R"(,"amount":59301})", 400),
            "invalid_argument");
  auto recovered = portfolio(fund, fee_day);
  EXPECT_EQ(recovered.at("recovered").as_int64(), 700);
  EXPECT_EQ(loan(bad_loan, fee_day).at("recovered").as_int64(), 700);
  expect_books_balance("recovered");

  EXPECT_EQ(verify_over_https(), 0);
}

TEST_F(LoanLifecycle, TwoLoansRaceForTheLastOfTheCashAndOnlyOneIsReserved) {
  // 1,500.00 of cash: room for one loan of 1,000.00, not two.
  Fund fund = make_fund("small", 1'500'00, 1'000'00);
  auto product = post_json("/v1/loan-funds/" + n(fund.id) + "/products",
                           R"({"instalment_count":10,"frequency":"weekly",)"
                           R"("interest_method":"zero"})",
                           201)
                     .at("id")
                     .as_int64();
  const std::string application = R"({"fund":)" + n(fund.id) + R"(,"product":)" + n(product) +
                                  R"(,"payout_account":)" + n(savings1_) +
                                  R"(,"principal":100000})";
  std::int64_t loans[2];
  for (auto& id : loans) {
    id = post_json("/v1/loans", application, 201, member1_token_).at("id").as_int64();
    post_json("/v1/loans/" + n(id) + "/approve", "{}", 200);  // the first of two approvals
  }

  // The second approvals of both, sent together on two connections before either is read.
  auto a = connect(), b = connect();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(
      a->send(post_request("/v1/loans/" + n(loans[0]) + "/approve", "{}", admin_b_, "race-0")));
  ASSERT_TRUE(
      b->send(post_request("/v1/loans/" + n(loans[1]) + "/approve", "{}", admin_b_, "race-1")));
  auto ra = a->read_response(), rb = b->read_response();
  ASSERT_TRUE(ra && rb);
  std::vector<int> statuses = {ra->status, rb->status};
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{200, 422})) << ra->body << "\n" << rb->body;
  const HttpsResponse& lost = ra->status == 422 ? ra.value() : rb.value();
  EXPECT_EQ(json::parse(lost.body).at("code").as_string(), "insufficient_funds");
  std::int64_t winner = ra->status == 200 ? loans[0] : loans[1];
  std::int64_t loser = winner == loans[0] ? loans[1] : loans[0];

  const std::string today = ledger::format_date(ledger::date_of(ledger::SystemClock().now()));
  EXPECT_EQ(loan(winner, today).at("status").as_string(), "approved");
  EXPECT_EQ(loan(loser, today).at("status").as_string(), "applied");
  auto after = portfolio(fund, today);
  EXPECT_EQ(after.at("reserved").as_int64(), 100000);
  EXPECT_EQ(after.at("cash_available").as_int64(), 50000);
  expect_books_balance("after the race");

  // Approving beyond the available cash stays refused, whichever admin tries.
  EXPECT_EQ(refused("/v1/loans/" + n(loser) + "/approve", "{}", 422, admin_borrower_),
            "insufficient_funds");
  // Rejecting the winner voids its reservation; the cash is free again and the other loan fits.
  post_json("/v1/loans/" + n(winner) + "/reject", R"({"reason":"duplicate application"})", 200);
  EXPECT_EQ(portfolio(fund, today).at("cash_available").as_int64(), 1'500'00);
  post_json("/v1/loans/" + n(loser) + "/approve", "{}", 200, admin_borrower_);
  EXPECT_EQ(loan(loser, today).at("status").as_string(), "approved");
  EXPECT_EQ(loan(winner, today).at("status").as_string(), "rejected");
  // The borrower withdraws the one still open; nothing stays reserved.
  post_json("/v1/loans/" + n(loser) + "/withdraw", "{}", 200, member1_token_);
  auto end = portfolio(fund, today);
  EXPECT_EQ(end.at("reserved").as_int64(), 0);
  EXPECT_EQ(end.at("cash_available").as_int64(), 1'500'00);
  expect_books_balance("withdrawn");

  EXPECT_EQ(verify_over_https(), 0);
}

}  // namespace
}  // namespace pardner::e2e
