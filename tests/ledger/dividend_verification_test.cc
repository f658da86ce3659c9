// Verification from the log alone: replay (`pardner rebuild`, `pardner verify`, `pardner check`)
// recomputes each dividend's share balances as of its as_of_seq, its split and its payments, and
// refuses, naming the entry, a log whose dividend differs. Each case alters one entry the way a
// dishonest writer with the signing key would (re-encoded canonically) and replays the leaves.
#include <boost/json.hpp>
#include <functional>

#include "ledger/audit_export.h"
#include "ledger/audit_verify.h"
#include "ledger/canonical_json.h"
#include "ledger/replay.h"
#include "tests/ledger/dividend_fixture.h"
#include "tests/ledger/tampered_log.h"

namespace pardner::ledger::testing {
namespace {

using Change = EntryChange;

class DividendVerification : public DividendTest {
 protected:
  void SetUp() override {
    DividendTest::SetUp();
    a_ = enrol();
    b_ = enrol();
    c_ = enrol();
    buy(a_, 100'00);
    buy(b_, 200'00);
    buy(c_, 300'00);
    earn(50'00);
    as_of_ = last_seq();
    buy(c_, 1'000'00);  // after the cut-off
    auto declared = declare(from_income(10'00, as_of_));
    ASSERT_TRUE(declared) << declared.error().detail;
    dividend_seq_ = declared.value().seq;
    auto leaves = read_leaves(*reader_);
    ASSERT_TRUE(leaves) << leaves.error().detail;
    leaves_ = std::move(leaves).value();
  }

  boost::json::object fields(Seq seq) { return leaf_fields(leaves_, seq); }

  // Replays the log with entry `seq` changed by `change`; the first refusal, or Ok.
  Result<Ok> replay_with(Seq seq, const Change& change) {
    return replay_with_change(leaves_, seq, change);
  }

  // Expects replay refused at the dividend's entry with a detail containing `what`.
  void expect_refused(Seq seq, const Change& change, const std::string& what) {
    auto replayed = replay_with(seq, change);
    ASSERT_FALSE(replayed) << "the tampered log replayed";
    EXPECT_EQ(replayed.error().code, Errc::invalid_argument);
    const std::string& detail = replayed.error().detail;
    EXPECT_EQ(detail.rfind("entry " + std::to_string(dividend_seq_) + ": ", 0), 0u) << detail;
    EXPECT_NE(detail.find("dividend_declared at seq " + std::to_string(dividend_seq_) +
                          ": dividend 1: " + what),
              std::string::npos)
        << detail;
  }

  TransactionId paid_transaction() {
    return fields(dividend_seq_)
        .at("transactions")
        .as_array()[0]
        .as_object()
        .at("transaction")
        .as_int64();
  }

  Shareholder a_, b_, c_;
  Seq as_of_ = 0, dividend_seq_ = 0;
  std::vector<std::string> leaves_;
};

TEST_F(DividendVerification, TheUntamperedLogReplaysAndRebuilds) {
  auto replayed = replay_with(-1, nullptr);
  EXPECT_TRUE(replayed) << replayed.error().detail;
  expect_rebuild_agrees();
}

// Whatever they move goes through transaction entries, so the balances-only replay reaches the
// same balances entry by entry.
TEST_F(DividendVerification, TheBalancesOnlyReplayReachesTheSameTrialBalance) {
  auto trial = expect_balance_replays_agree(leaves_);
  EXPECT_EQ(trial, reader_->trial_balance().value());
}

// The auditor's path end to end: the signed export verifies, the dividend replayed with it.
TEST_F(DividendVerification, TheSignedExportVerifies) {
  std::string out = dir_.file("export");
  auto summary = export_ledger(dir_.path(), out);
  ASSERT_TRUE(summary) << summary.error().detail;
  auto report = verify_export(out, VerifyOptions{});
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().entries, leaves_.size());
}

TEST_F(DividendVerification, APaymentMovedBetweenMembersIsRefused) {
  // The transaction pays A 1.67, B 3.33, C 5.00. A writer paying B A's leftover unit instead
  // keeps the transaction balanced, but not the split.
  Seq paid = dividend_seq_ - 1;
  boost::json::object original = fields(paid);
  ASSERT_EQ(original.at("postings").as_array().size(), 4u);
  ASSERT_EQ(original.at("postings").as_array()[1].as_object().at("amount").as_int64(), -167);
  expect_refused(
      paid,
      [](boost::json::object& e) {
        auto& postings = e["postings"].as_array();
        postings[1].as_object()["amount"] = -166;
        postings[2].as_object()["amount"] = -334;
      },
      "transaction " + std::to_string(paid_transaction()) + " pays");
}

TEST_F(DividendVerification, ARecordedInputThatDiffersIsRefused) {
  expect_refused(
      dividend_seq_, [](boost::json::object& e) { e["total_shares"] = 599'99; },
      "total_shares is 59999, the log gives 60000");
  // A later cut-off counts C's second purchase: another total, another split.
  Seq later = as_of_ + 1;
  expect_refused(
      dividend_seq_, [later](boost::json::object& e) { e["as_of_seq"] = later; },
      "total_shares is 60000, the log gives 160000");
  // Another amount gives another split than the transaction paid.
  expect_refused(
      dividend_seq_, [](boost::json::object& e) { e["amount"] = 10'01; },
      "transaction " + std::to_string(paid_transaction()) + " pays");
  expect_refused(
      dividend_seq_, [](boost::json::object& e) { e["share_accounts"] = 2; },
      "share_accounts is 2, the log gives 3");
  expect_refused(
      dividend_seq_, [](boost::json::object& e) { e["transactions"] = boost::json::array{}; },
      "names 0 transactions, the log gives 1");
  // A rate instead of the amount: 1% of 600.00 is 6.00, not the 10.00 recorded.
  expect_refused(
      dividend_seq_, [](boost::json::object& e) { e["rate_bps"] = 100; },
      "amount is 1000, the log gives 600");
}

TEST_F(DividendVerification, RebuildCatchesAStoredLineThatDiffers) {
  auto db = Database::open(db_path(), Database::Mode::read_write);
  ASSERT_TRUE(db);
  ASSERT_TRUE(
      db.value().exec("UPDATE dividend_lines SET amount_minor = 168 WHERE amount_minor = 167"));
  auto report = rebuild(db_path());
  ASSERT_TRUE(report) << report.error().detail;
  ASSERT_FALSE(report.value().differences.empty());
  EXPECT_EQ(report.value().differences.front().rfind("dividend_lines", 0), 0u)
      << report.value().differences.front();
}

}  // namespace
}  // namespace pardner::ledger::testing
