// Who may do what, tried for real: every route of the route table, called over TLS by every
// kind of caller — no token, an auditor, a member on another member's resources, a member on
// their own, and an admin — and each answer's status compared with the row written for it
// here. The rows are written out by hand, not derived from the table's role sets, so a route
// given the wrong roles fails; and a route with no row fails too, so none is added untested.
// Callers go in that order, the admin last: only the admin's writes may take effect, so each
// admin write gets a resource of its own made before the server starts.
#include <boost/json/parse.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/routes.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

enum Caller { anonymous, auditor, other_member, own_member, admin, callers_count };
constexpr const char* caller_names[] = {"anonymous", "auditor", "member on another's",
                                        "member on their own", "admin"};

struct MatrixRow {
  std::string route;         // "METHOD pattern", as in the route table
  std::string own_target;    // the request target for every caller but other_member
  std::string other_target;  // other_member's: the same route on member 2's resources
  std::string body;          // sent with Content-Type application/json when not empty
  int status[callers_count];
  std::string other_body;  // other_member's body, when the body names the member (else `body`)
};

class AuthorizationMatrix : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    write([this](ledger::Writer& writer) {
      auto pending = [&](const std::string& key) {
        ledger::CreateTransaction t = ledger::make_transfer(key, cash_, savings1_, 10);
        t.pending = true;
        return writer.submit_and_wait(t).value().id;
      };
      to_post_ = pending("to-post");
      to_void_ = pending("to-void");
      to_reverse_ =
          writer.submit_and_wait(ledger::make_transfer("to-reverse", cash_, savings1_, 30))
              .value()
              .id;
      to_close_ = writer
                      .submit_and_wait(ledger::OpenAccount{.code = "assets:to-close",
                                                           .type = ledger::AccountType::asset})
                      .value()
                      .id;
      auto token = writer.submit_and_wait(ledger::CreateAccessToken{
          .token_hash = crypto::access_token_hash(crypto::generate_access_token()),
          .role = ledger::Role::auditor});
      to_revoke_ = token.value().id;
      make_loans(writer);
      make_pools(writer);
      make_dividends(writer);
    });
    if (!HasFatalFailure()) start_server();
  }

  // A capitalised loan fund with a product, and a loan for each loan route in the state it
  // needs: member 1's to read, approve, reject, withdraw, disburse and repay, and member 2's,
  // which member 1 must not see.
  void make_loans(ledger::Writer& writer) {
    auto id_of = [&](const auto& command) {
      auto done = writer.submit_and_wait(command);
      EXPECT_TRUE(done) << (done ? "" : done.error().detail);
      return done ? done.value().id : 0;
    };
    auto admin_token = [&] {
      return id_of(ledger::CreateAccessToken{
          .token_hash = crypto::access_token_hash(crypto::generate_access_token()),
          .role = ledger::Role::admin});
    };
    ledger::ActorToken admin_a = admin_token(), admin_b = admin_token();
    auto open = [&](const std::string& code, ledger::AccountType type) {
      return id_of(ledger::OpenAccount{.code = code, .type = type});
    };
    fund_accounts_ = {open("assets:fund:cash", ledger::AccountType::asset),
                      open("assets:fund:loans", ledger::AccountType::asset),
                      open("income:fund:interest", ledger::AccountType::income),
                      open("income:fund:fees", ledger::AccountType::income),
                      open("expenses:fund:losses", ledger::AccountType::expense),
                      open("equity:fund:capital", ledger::AccountType::equity)};
    id_of(ledger::make_transfer("capital", fund_accounts_[0], fund_accounts_[5], 1'000'000));
    fund_ = id_of(ledger::CreateLoanFund{.idempotency_key = "fund",
                                         .actor = admin_a,
                                         .currency = "GBP",
                                         .cash_account = fund_accounts_[0],
                                         .receivable_account = fund_accounts_[1],
                                         .interest_income_account = fund_accounts_[2],
                                         .fee_income_account = fund_accounts_[3],
                                         .loss_expense_account = fund_accounts_[4],
                                         .capital_account = fund_accounts_[5],
                                         .approval_quorum = 2,
                                         .loan_max_minor = 100'000});
    product_ = id_of(ledger::CreateLoanProduct{
        .idempotency_key = "product",
        .actor = admin_a,
        .fund = fund_,
        .terms = {.instalment_count = 3, .frequency = ledger::LoanFrequency::monthly}});
    int count = 0;
    auto n = [&] { return std::to_string(count++); };
    auto apply = [&](ledger::MemberId member, ledger::AccountId payout) {
      return id_of(ledger::ApplyForLoan{.idempotency_key = "loan-" + n(),
                                        .actor = admin_a,
                                        .fund = fund_,
                                        .product = product_,
                                        .member = member,
                                        .payout_account = payout,
                                        .principal_minor = 3'000});
    };
    auto approve = [&](ledger::LoanId loan, ledger::ActorToken admin) {
      auto done = writer.submit_and_wait(
          ledger::ApproveLoan{.idempotency_key = "approve-" + n(), .actor = admin, .loan = loan});
      EXPECT_TRUE(done) << (done ? "" : done.error().detail);
      return done ? done.value().seq : 0;
    };
    own_loan_ = apply(member1_, savings1_);
    other_loan_ = apply(member2_, savings2_);
    to_approve_ = apply(member1_, savings1_);
    to_reject_ = apply(member1_, savings1_);
    to_withdraw_ = apply(member1_, savings1_);
    to_disburse_ = apply(member1_, savings1_);
    disburse_seqs_ = {approve(to_disburse_, admin_a), approve(to_disburse_, admin_b)};
    to_repay_ = apply(member1_, savings1_);
    ledger::DisburseLoan payout{
        .idempotency_key = "payout",
        .actor = admin_a,
        .loan = to_repay_,
        .approval_seqs = {approve(to_repay_, admin_a), approve(to_repay_, admin_b)}};
    id_of(payout);
    // Paid out, to be written off by the admin's row; and one written off, to recover on.
    auto disbursed = [&](const std::string& key) {
      ledger::LoanId loan = apply(member1_, savings1_);
      id_of(
          ledger::DisburseLoan{.idempotency_key = key,
                               .actor = admin_a,
                               .loan = loan,
                               .approval_seqs = {approve(loan, admin_a), approve(loan, admin_b)}});
      return loan;
    };
    to_write_off_ = disbursed("payout-write-off");
    to_recover_ = disbursed("payout-recover");
    for (ledger::ActorToken admin : {admin_a, admin_b}) {
      id_of(ledger::WriteOffLoan{
          .idempotency_key = "write-off-" + n(), .actor = admin, .loan = to_recover_});
    }
  }

  // A pool with money and a policy, an equity account to make a second pool over, a target for
  // a new policy, a project account of member 2, and two rounds on the pool: one taking votes
  // (member 1 casts, changes and reads a ballot; the admin's close is refused, its window not
  // having ended) and one whose window opens tomorrow (member 1's vote there is refused).
  void make_pools(ledger::Writer& writer) {
    auto id_of = [&](const auto& command) {
      auto done = writer.submit_and_wait(command);
      EXPECT_TRUE(done) << (done ? "" : done.error().detail);
      return done ? done.value().id : 0;
    };
    ledger::ActorToken admin = id_of(ledger::CreateAccessToken{
        .token_hash = crypto::access_token_hash(crypto::generate_access_token()),
        .role = ledger::Role::admin});
    auto open = [&](const std::string& code, ledger::AccountType type) {
      return id_of(ledger::OpenAccount{.code = code, .type = type});
    };
    ledger::AccountId pool_account = open("equity:pool", ledger::AccountType::equity);
    spare_pool_account_ = open("equity:pool:spare", ledger::AccountType::equity);
    policy_target_ = open("equity:pool:reserve", ledger::AccountType::equity);
    project_account_ = id_of(ledger::OpenAccount{.code = "liabilities:projects:0002",
                                                 .type = ledger::AccountType::liability,
                                                 .member = member2_});
    pool_ = id_of(ledger::CreatePool{.idempotency_key = "pool",
                                     .actor = admin,
                                     .currency = "GBP",
                                     .pool_account = pool_account});
    id_of(ledger::Contribute{.idempotency_key = "pool-in",
                             .actor = admin,
                             .pool = pool_,
                             .source_account = cash_,
                             .amount_minor = 10'000});
    id_of(ledger::SetAllocationPolicy{.idempotency_key = "pool-policy",
                                      .actor = admin,
                                      .pool = pool_,
                                      .shares = {{"reserve", policy_target_, 10'000}}});
    ledger::Timestamp now = ledger::SystemClock().now();
    auto round = [&](const std::string& key, ledger::Timestamp start) {
      return id_of(ledger::OpenRound{.idempotency_key = key,
                                     .actor = admin,
                                     .pool = pool_,
                                     .amount_minor = 100,
                                     .candidates = {{member2_, project_account_, "fridge"}},
                                     .voting_start = start,
                                     .voting_end = start + ledger::micros_per_day});
    };
    voting_round_ = round("round-voting", now);
    later_round_ = round("round-later", now + ledger::micros_per_day);
  }

  // Share accounts of members 1 and 2 (100 and 300 shares), an income account with 10,000 to
  // pay from, and one dividend already paid over them, whose report, lines and statements the
  // read rows ask for; the admin's POST row pays a second from the same source.
  void make_dividends(ledger::Writer& writer) {
    auto done_of = [&](const auto& command) {
      auto done = writer.submit_and_wait(command);
      EXPECT_TRUE(done) << (done ? "" : done.error().detail);
      return done ? done.value() : ledger::Applied{};
    };
    ledger::ActorToken admin =
        done_of(ledger::CreateAccessToken{
                    .token_hash = crypto::access_token_hash(crypto::generate_access_token()),
                    .role = ledger::Role::admin})
            .id;
    dividend_source_ = done_of(ledger::OpenAccount{.code = "income:dividends",
                                                   .type = ledger::AccountType::income})
                           .id;
    auto share_account = [&](const std::string& code, ledger::MemberId member) {
      return done_of(ledger::OpenAccount{
                         .code = code, .type = ledger::AccountType::equity, .member = member})
          .id;
    };
    ledger::AccountId shares1 = share_account("equity:shares:0001", member1_);
    ledger::AccountId shares2 = share_account("equity:shares:0002", member2_);
    done_of(ledger::make_transfer("dividend-source", cash_, dividend_source_, 10'000));
    done_of(ledger::make_transfer("shares-1", cash_, shares1, 100));
    dividend_as_of_ = done_of(ledger::make_transfer("shares-2", cash_, shares2, 300)).seq;
    dividend_ = done_of(ledger::DeclareDividend{.idempotency_key = "dividend",
                                                .actor = admin,
                                                .source_account = dividend_source_,
                                                .share_prefix = "equity:shares:",
                                                .as_of_seq = dividend_as_of_,
                                                .amount_minor = 40})
                    .id;
  }

  std::string new_round_body() const {
    ledger::Timestamp now = ledger::SystemClock().now();
    return R"({"pool":)" + std::to_string(pool_) + R"(,"rule":"proportional","candidates":[)" +
           R"({"member":)" + std::to_string(member2_) + R"(,"account":)" +
           std::to_string(project_account_) + R"(,"description":"mural"}],"voting_start":")" +
           ledger::format_timestamp(now) + R"(","voting_end":")" +
           ledger::format_timestamp(now + ledger::micros_per_day) + "\"}";
  }

  std::vector<MatrixRow> rows() const {
    auto n = [](std::int64_t v) { return std::to_string(v); };
    const std::string own_seq = n(deposit1_.seq), other_seq = n(deposit2_.seq);
    const std::string transfer = R"({"debit_account":)" + n(cash_) + R"(,"credit_account":)" +
                                 n(savings1_) + R"(,"amount":1})";
    const std::string pool = "/v1/pools/" + n(pool_);
    const std::string voting = "/v1/rounds/" + n(voting_round_);
    const std::string later = "/v1/rounds/" + n(later_round_);
    const std::string dividend = "/v1/dividends/" + n(dividend_);
    //          anonymous auditor other own admin
    return {
        {"GET /healthz", "/healthz", "/healthz", "", {200, 200, 200, 200, 200}},
        {"GET /readyz", "/readyz", "/readyz", "", {200, 200, 200, 200, 200}},
        {"GET /v1/openapi.json",
         "/v1/openapi.json",
         "/v1/openapi.json",
         "",
         {200, 200, 200, 200, 200}},
        {"GET /v1/log/checkpoint",
         "/v1/log/checkpoint",
         "/v1/log/checkpoint",
         "",
         {200, 200, 200, 200, 200}},
        {"GET /v1/log/key", "/v1/log/key", "/v1/log/key", "", {200, 200, 200, 200, 200}},
        {"GET /v1/log/entries",
         "/v1/log/entries?start=0",
         "/v1/log/entries?start=0",
         "",
         {401, 200, 200, 200, 200}},
        {"GET /v1/log/proof/inclusion",
         "/v1/log/proof/inclusion?seq=" + own_seq,
         "/v1/log/proof/inclusion?seq=" + other_seq,
         "",
         {401, 200, 404, 200, 200}},
        {"GET /v1/log/proof/consistency",
         "/v1/log/proof/consistency?from=1",
         "/v1/log/proof/consistency?from=1",
         "",
         {401, 200, 200, 200, 200}},
        {"GET /v1/log/receipt",
         "/v1/log/receipt?seq=" + own_seq,
         "/v1/log/receipt?seq=" + other_seq,
         "",
         {401, 200, 404, 200, 200}},
        {"POST /v1/members",
         "/v1/members",
         "/v1/members",
         R"({"display_name":"M"})",
         {401, 403, 403, 403, 201}},
        {"GET /v1/me", "/v1/me", "/v1/me", "", {401, 200, 200, 200, 200}},
        {"GET /v1/members", "/v1/members", "/v1/members", "", {401, 200, 403, 403, 200}},
        {"GET /v1/members/{id}",
         "/v1/members/" + n(member1_),
         "/v1/members/" + n(member2_),
         "",
         {401, 200, 404, 200, 200}},
        {"PUT /v1/members/{id}/profile",
         "/v1/members/" + n(member1_) + "/profile",
         "/v1/members/" + n(member2_) + "/profile",
         R"({"display_name":"Matrix"})",
         {401, 403, 403, 403, 200}},
        {"POST /v1/accounts",
         "/v1/accounts",
         "/v1/accounts",
         R"({"code":"assets:matrix","type":"asset"})",
         {401, 403, 403, 403, 201}},
        // A member's list is their own accounts, whoever they ask for: never 404, never others'.
        {"GET /v1/accounts",
         "/v1/accounts?owner=" + n(member1_),
         "/v1/accounts?owner=" + n(member2_),
         "",
         {401, 200, 200, 200, 200}},
        {"GET /v1/accounts/{id}",
         "/v1/accounts/" + n(savings1_),
         "/v1/accounts/" + n(savings2_),
         "",
         {401, 200, 404, 200, 200}},
        {"POST /v1/accounts/{id}/close",
         "/v1/accounts/" + n(to_close_) + "/close",
         "/v1/accounts/" + n(savings2_) + "/close",
         "{}",
         {401, 403, 403, 403, 200}},
        {"GET /v1/accounts/{id}/statement",
         "/v1/accounts/" + n(savings1_) + "/statement",
         "/v1/accounts/" + n(savings2_) + "/statement",
         "",
         {401, 200, 404, 200, 200}},
        {"GET /v1/accounts/{id}/transactions",
         "/v1/accounts/" + n(savings1_) + "/transactions",
         "/v1/accounts/" + n(savings2_) + "/transactions",
         "",
         {401, 200, 404, 200, 200}},
        {"POST /v1/transactions",
         "/v1/transactions",
         "/v1/transactions",
         transfer,
         {401, 403, 403, 403, 201}},
        {"POST /v1/transactions/batch",
         "/v1/transactions/batch",
         "/v1/transactions/batch",
         R"({"transactions":[{"idempotency_key":"matrix-batch",)" + transfer.substr(1) + "]}",
         {401, 403, 403, 403, 200}},
        {"GET /v1/transactions/{id}",
         "/v1/transactions/" + n(deposit1_.id),
         "/v1/transactions/" + n(deposit2_.id),
         "",
         {401, 200, 404, 200, 200}},
        {"POST /v1/transactions/{id}/post",
         "/v1/transactions/" + n(to_post_) + "/post",
         "/v1/transactions/" + n(to_post_) + "/post",
         "{}",
         {401, 403, 403, 403, 200}},
        {"POST /v1/transactions/{id}/void",
         "/v1/transactions/" + n(to_void_) + "/void",
         "/v1/transactions/" + n(to_void_) + "/void",
         "{}",
         {401, 403, 403, 403, 200}},
        {"POST /v1/transactions/{id}/reverse",
         "/v1/transactions/" + n(to_reverse_) + "/reverse",
         "/v1/transactions/" + n(deposit2_.id) + "/reverse",
         "{}",
         {401, 403, 403, 403, 201}},
        {"POST /v1/tokens",
         "/v1/tokens",
         "/v1/tokens",
         R"({"role":"auditor"})",
         {401, 403, 403, 403, 201}},
        {"POST /v1/tokens/{id}/revoke",
         "/v1/tokens/" + n(to_revoke_) + "/revoke",
         "/v1/tokens/" + n(to_revoke_) + "/revoke",
         "{}",
         {401, 403, 403, 403, 200}},
        {"GET /metrics", "/metrics", "/metrics", "", {401, 200, 403, 403, 200}},
        {"GET /v1/reports/trial-balance",
         "/v1/reports/trial-balance",
         "/v1/reports/trial-balance",
         "",
         {401, 200, 403, 403, 200}},
        {"POST /v1/loan-funds",
         "/v1/loan-funds",
         "/v1/loan-funds",
         fund_body(),
         {401, 403, 403, 403, 201}},
        {"GET /v1/loan-funds/{id}",
         "/v1/loan-funds/" + n(fund_),
         "/v1/loan-funds/" + n(fund_),
         "",
         {401, 200, 403, 403, 200}},
        {"POST /v1/loan-funds/{id}/products",
         "/v1/loan-funds/" + n(fund_) + "/products",
         "/v1/loan-funds/" + n(fund_) + "/products",
         R"({"instalment_count":6,"frequency":"weekly","interest_method":"zero"})",
         {401, 403, 403, 403, 201}},
        // Product terms are no one's personal data: a member reads them before applying.
        {"GET /v1/loan-products/{id}",
         "/v1/loan-products/" + n(product_),
         "/v1/loan-products/" + n(product_),
         "",
         {401, 200, 200, 200, 200}},
        // A member applies for themself; for another member the ledger refuses the actor.
        {"POST /v1/loans",
         "/v1/loans",
         "/v1/loans",
         application(member1_, savings1_),
         {401, 403, 403, 201, 201},
         application(member2_, savings2_)},
        {"GET /v1/loans/{id}",
         "/v1/loans/" + n(own_loan_),
         "/v1/loans/" + n(other_loan_),
         "",
         {401, 200, 404, 200, 200}},
        {"GET /v1/members/{id}/loans",
         "/v1/members/" + n(member1_) + "/loans",
         "/v1/members/" + n(member2_) + "/loans",
         "",
         {401, 200, 404, 200, 200}},
        {"POST /v1/loans/{id}/approve",
         "/v1/loans/" + n(to_approve_) + "/approve",
         "/v1/loans/" + n(other_loan_) + "/approve",
         "{}",
         {401, 403, 403, 403, 200}},
        {"POST /v1/loans/{id}/reject",
         "/v1/loans/" + n(to_reject_) + "/reject",
         "/v1/loans/" + n(other_loan_) + "/reject",
         R"({"reason":"matrix"})",
         {401, 403, 403, 403, 200}},
        // Only the applicant withdraws: the member's withdrawal takes effect, and the admin
        // (no member of their own) is refused by the ledger.
        {"POST /v1/loans/{id}/withdraw",
         "/v1/loans/" + n(to_withdraw_) + "/withdraw",
         "/v1/loans/" + n(other_loan_) + "/withdraw",
         "{}",
         {401, 403, 404, 200, 403}},
        {"POST /v1/loans/{id}/disburse",
         "/v1/loans/" + n(to_disburse_) + "/disburse",
         "/v1/loans/" + n(other_loan_) + "/disburse",
         R"({"approval_seqs":[)" + n(disburse_seqs_[0]) + "," + n(disburse_seqs_[1]) + "]}",
         {401, 403, 403, 403, 200}},
        // The borrower repays from their own account, and so may an admin for them.
        {"POST /v1/loans/{id}/repay",
         "/v1/loans/" + n(to_repay_) + "/repay",
         "/v1/loans/" + n(other_loan_) + "/repay",
         R"({"source_account":)" + n(savings1_) + R"(,"amount":100})",
         {401, 403, 404, 200, 200}},
        // The admin's is the first of two write-off approvals: the loan stays disbursed.
        {"POST /v1/loans/{id}/write-off",
         "/v1/loans/" + n(to_write_off_) + "/write-off",
         "/v1/loans/" + n(other_loan_) + "/write-off",
         "{}",
         {401, 403, 403, 403, 200}},
        {"POST /v1/loans/{id}/recoveries",
         "/v1/loans/" + n(to_recover_) + "/recoveries",
         "/v1/loans/" + n(other_loan_) + "/recoveries",
         R"({"source_account":)" + n(savings1_) + R"(,"amount":100})",
         {401, 403, 403, 403, 201}},
        {"POST /v1/loan-late-fees",
         "/v1/loan-late-fees",
         "/v1/loan-late-fees",
         "{}",
         {401, 403, 403, 403, 200}},
        // Pools and rounds. A pool is the community's money: anyone signed in reads it.
        {"POST /v1/pools",
         "/v1/pools",
         "/v1/pools",
         R"({"currency":"GBP","account":)" + n(spare_pool_account_) + "}",
         {401, 403, 403, 403, 201}},
        {"GET /v1/pools/{id}", pool, pool, "", {401, 200, 200, 200, 200}},
        // A member pays in from their own account; another member's answers 404.
        {"POST /v1/pools/{id}/contributions",
         pool + "/contributions",
         pool + "/contributions",
         R"({"source_account":)" + n(savings1_) + R"(,"amount":1})",
         {401, 403, 404, 201, 201},
         R"({"source_account":)" + n(savings2_) + R"(,"amount":1})"},
        // Contributions name who paid in from which account: admins and auditors only.
        {"GET /v1/pools/{id}/contributions",
         pool + "/contributions",
         pool + "/contributions",
         "",
         {401, 200, 403, 403, 200}},
        {"POST /v1/pools/{id}/policy",
         pool + "/policy",
         pool + "/policy",
         R"({"shares":[{"name":"reserve","account":)" + n(policy_target_) + R"(,"bps":10000}]})",
         {401, 403, 403, 403, 201}},
        {"GET /v1/pools/{id}/policy",
         pool + "/policy",
         pool + "/policy",
         "",
         {401, 200, 200, 200, 200}},
        {"POST /v1/pools/{id}/distributions",
         pool + "/distributions",
         pool + "/distributions",
         R"({"amount":1})",
         {401, 403, 403, 403, 201}},
        {"GET /v1/pools/{id}/distributions",
         pool + "/distributions",
         pool + "/distributions",
         "",
         {401, 200, 200, 200, 200}},
        {"POST /v1/rounds",
         "/v1/rounds",
         "/v1/rounds",
         new_round_body(),
         {401, 403, 403, 403, 201}},
        {"GET /v1/rounds/{id}", voting, voting, "", {401, 200, 200, 200, 200}},
        // Only a member's own token votes. "Another's" is here the round not yet open: the route
        // admits the member and the ledger refuses the vote.
        {"POST /v1/rounds/{id}/votes",
         voting + "/votes",
         later + "/votes",
         R"({"ballot":[{"candidate":1}]})",
         {401, 403, 409, 201, 403}},
        {"PUT /v1/rounds/{id}/votes/mine",
         voting + "/votes/mine",
         later + "/votes/mine",
         R"({"ballot":[{"candidate":1,"votes":1}]})",
         {401, 403, 409, 200, 403}},
        {"GET /v1/rounds/{id}/votes/mine",
         voting + "/votes/mine",
         later + "/votes/mine",
         "",
         {401, 403, 200, 200, 403}},
        // The admin is admitted; the ledger refuses to close before the window ends.
        {"POST /v1/rounds/{id}/close",
         voting + "/close",
         voting + "/close",
         "{}",
         {401, 403, 403, 403, 409}},
        // Dividends: an admin declares; the report and every line (who held how many shares)
        // are for admins and auditors; a member reads their own statement, another's is 404.
        {"POST /v1/dividends",
         "/v1/dividends",
         "/v1/dividends",
         R"({"source_account":)" + n(dividend_source_) + R"(,"share_prefix":"equity:shares:",)" +
             R"("as_of_seq":)" + n(dividend_as_of_) + R"(,"amount":10})",
         {401, 403, 403, 403, 201}},
        {"GET /v1/dividends/{id}", dividend, dividend, "", {401, 200, 403, 403, 200}},
        {"GET /v1/dividends/{id}/lines",
         dividend + "/lines",
         dividend + "/lines",
         "",
         {401, 200, 403, 403, 200}},
        {"GET /v1/dividends/{id}/statements/{member}",
         dividend + "/statements/" + n(member1_),
         dividend + "/statements/" + n(member2_),
         "",
         {401, 200, 404, 200, 200}},
    };
  }

  std::string fund_body() const {
    std::string out = R"({"currency":"GBP","loan_max":5000)";
    const char* roles[] = {"cash_account",       "receivable_account",   "interest_income_account",
                           "fee_income_account", "loss_expense_account", "capital_account"};
    for (std::size_t i = 0; i < fund_accounts_.size(); ++i) {
      out += ",\"" + std::string(roles[i]) + "\":" + std::to_string(fund_accounts_[i]);
    }
    return out + "}";
  }

  std::string application(ledger::MemberId member, ledger::AccountId payout) const {
    return R"({"fund":)" + std::to_string(fund_) + R"(,"product":)" + std::to_string(product_) +
           R"(,"member":)" + std::to_string(member) + R"(,"payout_account":)" +
           std::to_string(payout) + R"(,"principal":1000})";
  }

  std::string token_of(Caller caller) const {
    switch (caller) {
      case anonymous:
        return "";
      case auditor:
        return auditor_token_;
      case other_member:
      case own_member:
        return member1_token_;
      case admin:
      case callers_count:
        break;
    }
    return admin_token_;
  }

  std::string request(const MatrixRow& row, Caller caller, int n) const {
    std::string method = row.route.substr(0, row.route.find(' '));
    const std::string& target = caller == other_member ? row.other_target : row.own_target;
    const std::string& body =
        caller == other_member && !row.other_body.empty() ? row.other_body : row.body;
    std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (caller != anonymous) out += "Authorization: Bearer " + token_of(caller) + "\r\n";
    if (method == "POST" || method == "PUT") out += "Content-Type: application/json\r\n";
    // The money routes need the header; the batch refuses it (each item carries its own key).
    if ((row.route.starts_with("POST /v1/transactions") &&
         row.route != "POST /v1/transactions/batch") ||
        row.route.starts_with("POST /v1/loan") || row.route.starts_with("POST /v1/pools") ||
        row.route.starts_with("POST /v1/rounds") || row.route.starts_with("POST /v1/dividends") ||
        row.route.starts_with("PUT /v1/rounds")) {
      out += "Idempotency-Key: matrix-" + std::to_string(n) + "\r\n";
    }
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    return out + body;
  }

  ledger::TransactionId to_post_ = 0, to_void_ = 0, to_reverse_ = 0;
  ledger::AccountId to_close_ = 0;
  std::int64_t to_revoke_ = 0;
  std::vector<ledger::AccountId> fund_accounts_;
  ledger::LoanFundId fund_ = 0;
  ledger::LoanProductId product_ = 0;
  ledger::LoanId own_loan_ = 0, other_loan_ = 0, to_approve_ = 0, to_reject_ = 0, to_withdraw_ = 0,
                 to_disburse_ = 0, to_repay_ = 0, to_write_off_ = 0, to_recover_ = 0;
  std::vector<ledger::Seq> disburse_seqs_;
  ledger::AccountId spare_pool_account_ = 0, policy_target_ = 0, project_account_ = 0;
  ledger::PoolId pool_ = 0;
  ledger::RoundId voting_round_ = 0, later_round_ = 0;
  ledger::AccountId dividend_source_ = 0;
  ledger::Seq dividend_as_of_ = 0;
  std::int64_t dividend_ = 0;
};

TEST_F(AuthorizationMatrix, EveryRouteAnswersEveryCallerAsItsRowSays) {
  std::vector<MatrixRow> table = rows();
  std::set<std::string> routed, written;
  for (const auto& route : api::api_routes()) {
    routed.insert(std::string(route.method) + " " + std::string(route.pattern));
  }
  for (const auto& row : table) written.insert(row.route);
  for (const auto& route : routed) EXPECT_TRUE(written.count(route)) << "no row for " << route;
  for (const auto& row : written) EXPECT_TRUE(routed.count(row)) << "no route for " << row;

  auto client = connect();
  int n = 0;
  for (const auto& row : table) {
    for (int c = 0; c < callers_count; ++c) {
      auto caller = static_cast<Caller>(c);
      SCOPED_TRACE(row.route + " by " + caller_names[c]);
      ASSERT_TRUE(client->send(request(row, caller, n++)));
      auto response = client->read_response();
      ASSERT_TRUE(response);
      EXPECT_EQ(response->status, row.status[c]) << response->body;
      if (response->status >= 400) {
        EXPECT_EQ(response->header("content-type"), "application/problem+json");
      }
      // A large-body route refuses before reading the body, and then must close.
      if (response->header("connection") == "close") client = connect();
      // A refusal must not tell the caller anything about the resource.
      if (response->status == 404) {
        EXPECT_EQ(boost::json::parse(response->body).at("code").as_string(), "not_found");
      }
    }
  }
}

}  // namespace
}  // namespace pardner::e2e
