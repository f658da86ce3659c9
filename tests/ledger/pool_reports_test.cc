// The pool and round reports: a pool's balance, policy and totals after contributions and a
// distribution; a round's tally and projected payout while voting, and what was paid once closed.
#include "ledger/pool_reports.h"

#include "tests/ledger/pool_fixture.h"

namespace pardner::ledger::testing {
namespace {

class PoolReports : public PoolTest {};

TEST_F(PoolReports, PoolBalancePolicyAndTotals) {
  create_pool();
  auto empty = pool_report(reader_->db(), pool_);
  ASSERT_TRUE(empty) << empty.error().detail;
  EXPECT_FALSE(empty.value().policy.has_value());
  EXPECT_EQ(empty.value().balance_minor, 0);
  ASSERT_TRUE(contribute(admin_, income_, 70'00));
  ASSERT_TRUE(contribute(alice_token_, alice_savings_, 30'00));
  ASSERT_TRUE(submit(policy_command()));
  ASSERT_TRUE(distribute(10'01));
  auto report = pool_report(reader_->db(), pool_);
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().balance_minor, 89'99);
  EXPECT_EQ(report.value().available_minor, 89'99);
  ASSERT_TRUE(report.value().policy.has_value());
  EXPECT_EQ(report.value().policy->version, 1);
  EXPECT_EQ(report.value().policy->shares.size(), 3u);
  EXPECT_EQ(report.value().contribution_count, 2);
  EXPECT_EQ(report.value().contributed_minor, 100'00);
  EXPECT_EQ(report.value().distribution_count, 1);
  EXPECT_EQ(report.value().distributed_minor, 10'01);
  EXPECT_REFUSED(pool_report(reader_->db(), 999), Errc::not_found);
}

TEST_F(PoolReports, RoundTallyWhileVotingAndPayoutOnceClosed) {
  create_pool();
  ASSERT_TRUE(contribute(admin_, income_, 90'00));
  MemberId carol = member();
  MemberId dave = member();
  AccountId carol_project = open_for(carol, "liabilities:projects:carol");
  AccountId dave_project = open_for(dave, "liabilities:projects:dave");
  OpenRound command{.idempotency_key = next_key(),
                    .actor = admin_,
                    .pool = pool_,
                    .candidates = {{carol, carol_project, "fridge"}, {dave, dave_project, "mural"}},
                    .voting_start = clock_.now(),
                    .voting_end = clock_.now() + 3600 * micros_per_second};
  command.rules.rule = RoundRule::proportional;
  auto opened = submit(command);
  ASSERT_TRUE(opened) << opened.error().detail;
  RoundId round = opened.value().id;
  ASSERT_TRUE(submit(CastVote{
      .idempotency_key = next_key(), .actor = alice_token_, .round = round, .ballot = {{1, 1}}}));
  ASSERT_TRUE(submit(CastVote{
      .idempotency_key = next_key(), .actor = bob_token_, .round = round, .ballot = {{1, 1}}}));
  auto voting = round_report(reader_->db(), round);
  ASSERT_TRUE(voting) << voting.error().detail;
  EXPECT_FALSE(voting.value().round.closed);
  EXPECT_EQ(voting.value().ballot_count, 2);
  EXPECT_EQ(voting.value().tally, (std::vector<CandidateVotes>{{1, 2}, {2, 0}}));
  EXPECT_EQ(voting.value().amount_minor, 90'00);  // the whole pool, as things stand
  EXPECT_EQ(voting.value().payouts, (std::vector<RoundPayout>{{1, 90'00}, {2, 0}}));
  // Bob changes his vote: the tally follows the ballot in force.
  ASSERT_TRUE(submit(CastVote{.idempotency_key = next_key(),
                              .actor = bob_token_,
                              .round = round,
                              .ballot = {{2, 1}},
                              .replace = true}));
  clock_.advance_micros(3600 * micros_per_second);
  ASSERT_TRUE(submit(CloseRound{.idempotency_key = next_key(), .actor = admin_, .round = round}));
  auto closed = round_report(reader_->db(), round);
  ASSERT_TRUE(closed) << closed.error().detail;
  EXPECT_TRUE(closed.value().round.closed);
  EXPECT_EQ(closed.value().tally, (std::vector<CandidateVotes>{{1, 1}, {2, 1}}));
  EXPECT_EQ(closed.value().amount_minor, 90'00);
  EXPECT_EQ(closed.value().payouts, (std::vector<RoundPayout>{{1, 45'00}, {2, 45'00}}));
  EXPECT_EQ(balance(carol_project), 45'00);
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing
