// Verification from the log alone: replay (`pardner rebuild`, `pardner verify`) recomputes the
// loan rules through the projection and refuses a log whose writer broke them. Each case builds
// a real log, alters one entry's fields the way a dishonest writer would (re-encoded canonically;
// signatures are not re-made, because replay is fed the leaves directly, as rebuild feeds it), and
// checks replay refuses at that entry with a detail naming the loan and the seq.
#include <boost/json.hpp>
#include <functional>

#include "ledger/canonical_json.h"
#include "ledger/replay.h"
#include "tests/ledger/loan_fund_fixture.h"
#include "tests/ledger/tampered_log.h"

namespace pardner::ledger::testing {
namespace {

using Change = EntryChange;

class LoanVerification : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
    use_product(late_fee_terms());
    // Loan 1: lent, a late fee charged on instalment 1, then 100.00 repaid.
    repaid_loan_ = lend(1'000'00);
    auto schedule = load_loan_instalments(reader_->db(), repaid_loan_);
    ASSERT_TRUE(schedule);
    set_today(schedule.value().front().due_date + 6);
    auto charged = writer_->charge_late_fees_today().get();
    ASSERT_TRUE(charged) << charged.error().detail;
    ASSERT_EQ(charged.value().id, 1);
    ASSERT_TRUE(submit(RepayLoan{.idempotency_key = next_key(),
                                 .actor = borrower_token_,
                                 .loan = repaid_loan_,
                                 .source_account = savings_,
                                 .amount_minor = 100'00}));
    // Loan 2: lent, written off by admins a and c, 50.00 recovered.
    written_off_loan_ = lend(400'00);
    for (ActorToken admin : {admin_a_, admin_c_}) {
      ASSERT_TRUE(submit(
          WriteOffLoan{.idempotency_key = next_key(), .actor = admin, .loan = written_off_loan_}));
    }
    ASSERT_TRUE(submit(RecordRecovery{.idempotency_key = next_key(),
                                      .actor = admin_b_,
                                      .loan = written_off_loan_,
                                      .source_account = savings_,
                                      .amount_minor = 50'00}));
    auto leaves = read_leaves(*reader_);
    ASSERT_TRUE(leaves) << leaves.error().detail;
    leaves_ = std::move(leaves).value();
  }

  // The seq of the `nth` entry of `kind` (0-based).
  Seq seq_of(EntryKind kind, int nth = 0) {
    for (std::size_t i = 0; i < leaves_.size(); ++i) {
      auto entry = decode_leaf(leaves_[i]);
      EXPECT_TRUE(entry);
      if (entry && entry.value().kind == kind && nth-- == 0) return static_cast<Seq>(i);
    }
    ADD_FAILURE() << "no entry of kind " << wire_name(kind);
    return 0;
  }

  boost::json::object fields(Seq seq) { return leaf_fields(leaves_, seq); }

  // Replays the log with entry `seq` changed by `change`; the first refusal, or Ok.
  Result<Ok> replay_with(Seq seq, const Change& change) {
    return replay_with_change(leaves_, seq, change);
  }

  // Expects replay refused with `code` and exactly `detail`.
  void expect_refused(Seq seq, const Change& change, Errc code, const std::string& detail) {
    auto replayed = replay_with(seq, change);
    ASSERT_FALSE(replayed) << "the tampered log replayed";
    EXPECT_EQ(wire_name(replayed.error().code), wire_name(code));
    EXPECT_EQ(replayed.error().detail, detail);
  }

  std::string prefix(Seq seq, Errc code) {
    return "entry " + std::to_string(seq) + ": " + std::string(wire_name(code)) + ": ";
  }
  std::string loan_at(LoanId loan, Seq seq) {
    return "loan " + std::to_string(loan) + " at seq " + std::to_string(seq) + ": ";
  }

  LoanId repaid_loan_ = 0, written_off_loan_ = 0;
  std::vector<std::string> leaves_;
};

TEST_F(LoanVerification, TheUntamperedLogReplaysAndRebuilds) {
  auto replayed = replay_with(-1, nullptr);
  EXPECT_TRUE(replayed) << replayed.error().detail;
  expect_rebuild_agrees();
}

// Whatever they move goes through transaction entries, so the balances-only replay reaches the
// same balances entry by entry.
TEST_F(LoanVerification, TheBalancesOnlyReplayReachesTheSameTrialBalance) {
  auto trial = expect_balance_replays_agree(leaves_);
  EXPECT_EQ(trial, reader_->trial_balance().value());
}

TEST_F(LoanVerification, ARepaymentAllocatedOtherwiseIsRefused) {
  Seq seq = seq_of(EntryKind::loan_repaid);
  // 100.00 paid 6 days late: the 5.00 late fee, 10.00 interest, 78.85 principal of instalment 1,
  // then 6.15 towards the running instalment 2's interest (9.21).
  boost::json::object f = fields(seq);
  ASSERT_EQ(f.at("late_fee").as_int64(), 5'00);
  ASSERT_EQ(f.at("interest").as_int64(), 16'15);
  ASSERT_EQ(f.at("principal").as_int64(), 78'85);
  // A writer keeping the late fee as interest instead.
  expect_refused(
      seq,
      [](boost::json::object& e) {
        e["late_fee"] = 0;
        e["interest"] = 21'15;
      },
      Errc::invalid_argument,
      prefix(seq, Errc::invalid_argument) + loan_at(repaid_loan_, seq) +
          "the entry allocates 0 to late_fee, the log gives 500");
  expect_refused(
      seq, [](boost::json::object& e) { e["closed"] = true; }, Errc::invalid_argument,
      prefix(seq, Errc::invalid_argument) + loan_at(repaid_loan_, seq) +
          "the entry says closed is true, the log gives the opposite");
}

TEST_F(LoanVerification, APayoutWithoutItsQuorumIsRefused) {
  Seq seq = seq_of(EntryKind::loan_disbursed);
  Seq first = seq_of(EntryKind::loan_approved, 0);
  Seq second = seq_of(EntryKind::loan_approved, 1);
  std::string subject =
      "disbursement at seq " + std::to_string(seq) + " of loan " + std::to_string(repaid_loan_);
  // Naming one approval of two.
  expect_refused(
      seq, [first](boost::json::object& e) { e["approval_seqs"] = boost::json::array{first}; },
      Errc::approvals_mismatch,
      prefix(seq, Errc::approvals_mismatch) + subject + " names the approvals " +
          std::to_string(first) + " but the loan's approvals are " + std::to_string(first) + ", " +
          std::to_string(second));
  // The second approval rewritten as the first admin's: one admin approved twice.
  boost::json::object approver = fields(first);
  expect_refused(
      second,
      [&](boost::json::object& e) {
        e["admin"] = approver.at("admin");
        e["admin_member"] = approver.at("admin_member");
      },
      Errc::approvals_mismatch,
      prefix(seq, Errc::approvals_mismatch) + subject + ": the approvals at seqs " +
          std::to_string(first) + " and " + std::to_string(second) + " are by one admin");
  // The first approval rewritten as the borrower's own.
  MemberId borrower = borrower_;
  expect_refused(
      first, [borrower](boost::json::object& e) { e["admin_member"] = borrower; },
      Errc::approvals_mismatch,
      prefix(seq, Errc::approvals_mismatch) + subject + ": the approval at seq " +
          std::to_string(first) + " is by the borrower");
}

TEST_F(LoanVerification, AWriteOffWithoutItsQuorumOrWithAnotherPrincipalIsRefused) {
  Seq seq = seq_of(EntryKind::loan_written_off);
  Seq first = seq_of(EntryKind::loan_writeoff_approved, 0);
  Seq second = seq_of(EntryKind::loan_writeoff_approved, 1);
  std::string subject =
      "write-off at seq " + std::to_string(seq) + " of loan " + std::to_string(written_off_loan_);
  expect_refused(
      seq, [second](boost::json::object& e) { e["approval_seqs"] = boost::json::array{second}; },
      Errc::approvals_mismatch,
      prefix(seq, Errc::approvals_mismatch) + subject + " names the approvals " +
          std::to_string(second) + " but the loan's approvals are " + std::to_string(first) + ", " +
          std::to_string(second));
  expect_refused(
      seq, [](boost::json::object& e) { e["principal"] = 399'99; }, Errc::invalid_argument,
      prefix(seq, Errc::invalid_argument) + loan_at(written_off_loan_, seq) +
          "writes off 39999 of principal, the log gives 40000");
}

TEST_F(LoanVerification, ALateFeeNotDueOrNotTheProductsIsRefused) {
  Seq seq = seq_of(EntryKind::loan_late_fee_charged);
  std::string where = loan_at(repaid_loan_, seq);
  expect_refused(
      seq, [](boost::json::object& e) { e["late_fee"] = 50'00; }, Errc::invalid_argument,
      prefix(seq, Errc::invalid_argument) + where + "late fee of 5000 where the product's is 500");
  // Instalment 2 is not due yet on the charge's date.
  std::string charged_on = std::string(fields(seq).at("charged_on").as_string());
  expect_refused(
      seq, [](boost::json::object& e) { e["instalment"] = 2; }, Errc::invalid_argument,
      prefix(seq, Errc::invalid_argument) + where +
          "instalment 2 is not past its 5 days of grace on " + charged_on);
  // Instalment 1 charged a day early, inside its grace.
  auto due = load_loan_instalments(reader_->db(), repaid_loan_);
  ASSERT_TRUE(due);
  std::string early = format_date(due.value().front().due_date + 5);
  expect_refused(
      seq, [early](boost::json::object& e) { e["charged_on"] = early; }, Errc::invalid_argument,
      prefix(seq, Errc::invalid_argument) + where +
          "instalment 1 is not past its 5 days of grace on " + early);
}

TEST_F(LoanVerification, ARecoveryBeyondTheWriteOffIsRefused) {
  Seq seq = seq_of(EntryKind::loan_recovered);
  expect_refused(
      seq, [](boost::json::object& e) { e["amount"] = 400'01; }, Errc::invalid_argument,
      prefix(seq, Errc::invalid_argument) + loan_at(written_off_loan_, seq) +
          "recovers 40001 where 40000 of the write-off is unrecovered");
}

}  // namespace
}  // namespace pardner::ledger::testing
