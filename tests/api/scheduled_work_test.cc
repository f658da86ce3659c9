// The server's scheduled work over a real ledger and writer: its first run, at once on start,
// charges the late fees due by the writer's clock; a run that hits the per-command limit goes
// again until none are left; a run with nothing due writes nothing; a funding round whose voting
// window has ended is closed and paid.
#include "api/scheduled_work.h"

#include <thread>

#include "ledger/loan_ledger_state.h"
#include "ledger/loan_store.h"
#include "ledger/pool_round_store.h"
#include "tests/ledger/loan_fund_fixture.h"
#include "tests/ledger/pool_fixture.h"

namespace pardner::ledger::testing {
namespace {

class ScheduledLateFees : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
  }

  // Runs the scheduled work (an interval far longer than the test, so only the run made at
  // start counts) until `done` holds or five minutes pass. Generous: under ThreadSanitizer on two
  // shared cores the 1,040 late fees below took 47 to 140 s to charge (the plain build passed
  // within the ten seconds this waited before).
  template <class Done>
  void run_until(Done done) {
    api::ScheduledWork work(*writer_, db_path(), std::chrono::hours(24));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::int64_t charged(LoanId id) {
    auto state = load_loan_state(reader_->db(), id);
    EXPECT_TRUE(state) << (state ? "" : state.error().detail);
    std::int64_t count = 0;
    if (state) {
      for (const auto& instalment : state.value().instalments) {
        count += instalment.late_fee_charged ? 1 : 0;
      }
    }
    return count;
  }

  Date last_due(LoanId id) {
    auto schedule = load_loan_instalments(reader_->db(), id);
    EXPECT_TRUE(schedule && !schedule.value().empty());
    return schedule ? schedule.value().back().due_date : 0;
  }

  std::int64_t log_size() {
    auto checkpoint = reader_->latest_checkpoint();
    EXPECT_TRUE(checkpoint);
    return checkpoint ? static_cast<std::int64_t>(checkpoint.value().tree_size) : 0;
  }
};

TEST_F(ScheduledLateFees, NothingDueWritesNothing) {
  use_product(late_fee_terms());
  LoanId loan = lend(1'000'00);
  std::int64_t before = log_size();
  std::uint64_t commands = writer_->stats().commands;
  run_until([&] { return writer_->stats().commands > commands; });
  EXPECT_EQ(writer_->stats().commands, commands + 1) << "the run at start, and only it";
  EXPECT_EQ(charged(loan), 0);
  EXPECT_EQ(log_size(), before);
}

TEST_F(ScheduledLateFees, ARunChargesEveryDueFeeEvenPastThePerCommandLimit) {
  // Two loans of 520 weekly instalments, all late: 1,040 fees, more than one command charges.
  LoanTerms weekly = late_fee_terms();
  weekly.instalment_count = loan_instalments_max;
  weekly.frequency = LoanFrequency::weekly;
  weekly.interest_method = InterestMethod::zero;
  weekly.annual_rate_bps = 0;
  use_product(weekly);
  LoanId first = lend(1'040'00);
  LoanId second = lend(1'040'00);
  set_today(last_due(first) + 30);
  run_until([&] { return charged(second) == loan_instalments_max; });
  EXPECT_EQ(charged(first), loan_instalments_max);
  EXPECT_EQ(charged(second), loan_instalments_max);
  expect_books_balance();
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing

namespace pardner::ledger::testing {
namespace {

// A round whose window has ended is closed by the scheduled work, once, and its winner paid.
class ScheduledRoundClose : public PoolTest {};

TEST_F(ScheduledRoundClose, AnEndedRoundIsClosedAndPaid) {
  create_pool();
  ASSERT_TRUE(contribute(admin_, income_, 500'00));
  MemberId project = member();
  AccountId project_account = open_for(project, "liabilities:projects:fridge");
  ActorToken voter = token(Role::member, member());
  constexpr Timestamp hour = 3600 * micros_per_second;
  OpenRound open{.idempotency_key = next_key(),
                 .actor = admin_,
                 .pool = pool_,
                 .amount_minor = 200'00,
                 .voting_start = clock_.now(),
                 .voting_end = clock_.now() + hour};
  open.candidates.push_back({project, project_account, "community fridge"});
  auto opened = submit(open);
  ASSERT_TRUE(opened) << opened.error().detail;
  RoundId round = opened.value().id;
  ASSERT_TRUE(submit(
      CastVote{.idempotency_key = next_key(), .actor = voter, .round = round, .ballot = {{1, 1}}}));
  clock_.advance_micros(2 * hour);

  {
    api::ScheduledWork work(*writer_, db_path(), std::chrono::hours(24));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto loaded = load_round(reader_->db(), round);
      if (loaded && loaded.value().closed) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  auto closed = load_round(reader_->db(), round);
  ASSERT_TRUE(closed);
  EXPECT_TRUE(closed.value().closed);
  EXPECT_EQ(balance(project_account), 200'00);
  expect_books_balance();
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing
