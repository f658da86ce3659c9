// Funding rounds on a pool: a round with four projects, members voting and changing their vote,
// the refused voters (an admin, an auditor, a suspended member, outside the window, too many
// votes, a candidate for themself), the writer closing the round when the window ends, the
// winners paid in one transaction, rebuild agreeing, and replay refusing a tampered tally.
#include "ledger/pool_round_store.h"
#include "tests/ledger/pool_fixture.h"
#include "tests/ledger/tampered_log.h"
#include "tests/support/log_leaves.h"

namespace pardner::ledger::testing {
namespace {

constexpr Timestamp hour = 3600 * micros_per_second;

class Rounds : public PoolTest {
 protected:
  void SetUp() override {
    PoolTest::SetUp();
    create_pool();
    ASSERT_TRUE(contribute(admin_, income_, 1'000'00));
    for (int i = 0; i < 4; ++i) {
      MemberId m = member();
      project_members_.push_back(m);
      project_accounts_.push_back(open_for(m, "liabilities:projects:" + std::to_string(i)));
    }
    carol_ = project_members_[0];
    carol_token_ = token(Role::member, carol_);
    for (int i = 0; i < 3; ++i) {
      MemberId m = member();
      voters_.push_back(token(Role::member, m));
    }
  }

  OpenRound round_command(RoundRule rule) {
    OpenRound command{.idempotency_key = next_key(),
                      .actor = admin_,
                      .pool = pool_,
                      .amount_minor = 600'00,
                      .voting_start = clock_.now(),
                      .voting_end = clock_.now() + hour};
    const char* names[] = {"community fridge", "bike repair", "youth football", "mural"};
    for (std::size_t i = 0; i < 4; ++i) {
      command.candidates.push_back({project_members_[i], project_accounts_[i], names[i]});
    }
    command.rules.rule = rule;
    return command;
  }

  void open_round(OpenRound command) {
    auto opened = submit(std::move(command));
    ASSERT_TRUE(opened) << opened.error().detail;
    round_ = opened.value().id;
  }

  Result<Applied> vote(ActorToken voter, std::vector<VoteFor> ballot, bool replace = false) {
    return submit(CastVote{.idempotency_key = next_key(),
                           .actor = voter,
                           .round = round_,
                           .ballot = ballot,
                           .replace = replace});
  }

  // What the server's periodic call does: ask for the closes due now and submit them.
  std::vector<Result<Applied>> close_due() {
    auto due = rounds_due_to_close(reader_->db(), clock_.now(), round_closes_per_call_max);
    EXPECT_TRUE(due) << (due ? "" : due.error().detail);
    std::vector<Result<Applied>> results;
    if (!due) return results;
    for (CloseRound& close : due.value()) results.push_back(submit(close));
    return results;
  }

  std::vector<MemberId> project_members_;
  std::vector<AccountId> project_accounts_;
  std::vector<ActorToken> voters_;
  MemberId carol_ = 0;
  ActorToken carol_token_ = 0;
  RoundId round_ = 0;
};

TEST_F(Rounds, MembersVoteAndChangeTheirVoteAndTheWriterClosesOnTime) {
  open_round(round_command(RoundRule::proportional));
  ASSERT_TRUE(vote(voters_[0], {{1, 1}}));
  ASSERT_TRUE(vote(voters_[1], {{2, 1}}));
  ASSERT_TRUE(vote(voters_[2], {{2, 1}}));
  ASSERT_TRUE(vote(alice_token_, {{3, 1}}));
  // A second first ballot is refused, not taken as a change: the ballot in force stands.
  EXPECT_REFUSED(vote(alice_token_, {{1, 1}}), Errc::already_voted);
  auto standing = load_ballot(reader_->db(), round_, alice_);
  ASSERT_TRUE(standing);
  ASSERT_EQ(standing.value().lines.size(), 1u);
  EXPECT_EQ(standing.value().lines[0].candidate, 3);
  // Alice changes her mind explicitly: the new ballot replaces the first, and names it.
  auto changed = vote(alice_token_, {{1, 1}}, true);
  ASSERT_TRUE(changed) << changed.error().detail;
  auto entry = reader_->entry(changed.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::round_vote_cast);
  EXPECT_EQ(entry.value().fields.at("replaces_seq"), boost::json::value(*standing.value().seq));
  auto ballots = count_ballots(reader_->db(), round_);
  ASSERT_TRUE(ballots);
  EXPECT_EQ(ballots.value(), 4);

  // Not before the window ends: neither an admin nor the writer closes it.
  EXPECT_REFUSED(
      submit(CloseRound{.idempotency_key = next_key(), .actor = admin_, .round = round_}),
      Errc::voting_open);
  EXPECT_TRUE(close_due().empty());
  clock_.advance_micros(hour);
  auto closed = close_due();
  ASSERT_EQ(closed.size(), 1u);
  ASSERT_TRUE(closed[0]) << closed[0].error().detail;

  // 600.00 over 2, 2, 0, 0 votes: 300.00 each to projects 1 and 2, from the pool in one go.
  EXPECT_EQ(balance(project_accounts_[0]), 300'00);
  EXPECT_EQ(balance(project_accounts_[1]), 300'00);
  EXPECT_EQ(balance(project_accounts_[2]), 0);
  EXPECT_EQ(balance(pool_account_), 400'00);
  auto round = load_round(reader_->db(), round_);
  ASSERT_TRUE(round);
  EXPECT_TRUE(round.value().closed);
  EXPECT_EQ(round.value().paid_minor, 600'00);
  EXPECT_EQ(round.value().payouts[1], 300'00);
  auto closing = reader_->entry(closed[0].value().seq);
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing.value().kind, EntryKind::round_closed);
  EXPECT_TRUE(closing.value().fields.at("closed_by").is_null());
  EXPECT_EQ(closing.value().fields.at("tally").as_array().size(), 4u);
  EXPECT_TRUE(close_due().empty());  // closed once
  EXPECT_REFUSED(vote(voters_[0], {{2, 1}}, true), Errc::round_closed);
  EXPECT_REFUSED(
      submit(CloseRound{.idempotency_key = next_key(), .actor = admin_, .round = round_}),
      Errc::round_closed);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(Rounds, WinnerTakesAllWithTheTieToTheFirstListed) {
  OpenRound command = round_command(RoundRule::winner_takes_all);
  command.amount_minor = std::nullopt;  // the whole pool at closing
  open_round(command);
  ASSERT_TRUE(vote(voters_[0], {{4, 1}}));
  ASSERT_TRUE(vote(voters_[1], {{3, 1}}));
  clock_.advance_micros(hour);
  auto closed = submit(CloseRound{.idempotency_key = next_key(), .actor = admin_, .round = round_});
  ASSERT_TRUE(closed) << closed.error().detail;
  EXPECT_EQ(balance(project_accounts_[2]), 1'000'00);  // project 3 listed before project 4
  EXPECT_EQ(balance(project_accounts_[3]), 0);
  EXPECT_EQ(balance(pool_account_), 0);
  expect_rebuild_agrees();
}

TEST_F(Rounds, VoteRefusalsInGuardOrder) {
  OpenRound command = round_command(RoundRule::proportional);
  command.votes_per_member = 2;
  command.voting_start = clock_.now() + hour;
  command.voting_end = clock_.now() + 2 * hour;
  open_round(command);
  MemberId suspended = member();
  ActorToken suspended_token = token(Role::member, suspended);
  ASSERT_TRUE(submit(ChangeMemberStatus{.member = suspended, .status = MemberStatus::suspended}));
  ActorToken admin_member = token(Role::admin, alice_);
  struct Row {
    const char* what;
    ActorToken actor;
    RoundId round;
    std::vector<VoteFor> ballot;
    Errc code;
  };
  const std::vector<Row> before = {
      {"admin token", admin_, round_, {{1, 1}}, Errc::not_permitted},
      {"admin token of a member", admin_member, round_, {{1, 1}}, Errc::not_permitted},
      {"auditor", auditor_, round_, {{1, 1}}, Errc::not_permitted},
      {"suspended member", suspended_token, round_, {{1, 1}}, Errc::not_permitted},
      {"missing round", alice_token_, 999, {{1, 1}}, Errc::not_found},
      {"before the window", alice_token_, round_, {{1, 1}}, Errc::voting_not_open},
  };
  for (const Row& row : before) {
    SCOPED_TRACE(row.what);
    EXPECT_REFUSED(submit(CastVote{.idempotency_key = next_key(),
                                   .actor = row.actor,
                                   .round = row.round,
                                   .ballot = row.ballot}),
                   row.code);
  }
  clock_.advance_micros(hour);
  const std::vector<Row> during = {
      {"empty ballot", alice_token_, round_, {}, Errc::invalid_argument},
      {"no such candidate", alice_token_, round_, {{5, 1}}, Errc::invalid_argument},
      {"a candidate twice", alice_token_, round_, {{1, 1}, {1, 1}}, Errc::invalid_argument},
      {"three votes of two", alice_token_, round_, {{1, 2}, {2, 1}}, Errc::invalid_argument},
      {"a candidate for themself", carol_token_, round_, {{1, 1}}, Errc::not_permitted},
  };
  for (const Row& row : during) {
    SCOPED_TRACE(row.what);
    EXPECT_REFUSED(submit(CastVote{.idempotency_key = next_key(),
                                   .actor = row.actor,
                                   .round = row.round,
                                   .ballot = row.ballot}),
                   row.code);
  }
  // Two votes spread over two projects, and a candidate voting for another project, are fine.
  EXPECT_TRUE(vote(alice_token_, {{1, 1}, {2, 1}}));
  EXPECT_TRUE(vote(carol_token_, {{2, 2}}));
  // A ballot in force: a second first ballot is refused, after the ballot's own checks.
  EXPECT_REFUSED(vote(alice_token_, {{1, 3}}), Errc::invalid_argument);
  EXPECT_REFUSED(vote(alice_token_, {{3, 1}}), Errc::already_voted);
  // replace with no ballot yet is simply a first ballot (replaces_seq null).
  auto first = vote(bob_token_, {{3, 1}}, true);
  ASSERT_TRUE(first) << first.error().detail;
  auto entry = reader_->entry(first.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(entry.value().fields.at("replaces_seq").is_null());
  clock_.advance_micros(hour);
  EXPECT_REFUSED(vote(bob_token_, {{1, 1}}, true), Errc::voting_not_open);  // the window ended
  EXPECT_REFUSED(vote(voters_[0], {{1, 1}}), Errc::voting_not_open);
}

// The same key and ballot replay the first answer; a first ballot and a change with the same
// key are different commands.
TEST_F(Rounds, AVoteReplaysByItsKeyAndReplaceIsPartOfTheCommand) {
  open_round(round_command(RoundRule::proportional));
  CastVote first{
      .idempotency_key = "vote-a", .actor = alice_token_, .round = round_, .ballot = {{1, 1}}};
  auto cast = submit(first);
  ASSERT_TRUE(cast) << cast.error().detail;
  auto again = submit(first);
  ASSERT_TRUE(again) << again.error().detail;
  EXPECT_EQ(again.value().seq, cast.value().seq);
  CastVote change = first;
  change.replace = true;
  EXPECT_REFUSED(submit(change), Errc::idempotency_conflict);
}

TEST_F(Rounds, OpenRefusalsInGuardOrder) {
  struct Row {
    const char* what;
    void (*change)(OpenRound&, Rounds&);
    Errc code;
  };
  const Row rows[] = {
      {"member token", [](OpenRound& c, Rounds& t) { c.actor = t.alice_token_; },
       Errc::not_permitted},
      {"missing pool", [](OpenRound& c, Rounds&) { c.pool = 999; }, Errc::not_found},
      {"zero amount", [](OpenRound& c, Rounds&) { c.amount_minor = 0; }, Errc::invalid_argument},
      {"no candidates", [](OpenRound& c, Rounds&) { c.candidates.clear(); },
       Errc::invalid_argument},
      {"window backwards", [](OpenRound& c, Rounds&) { c.voting_end = c.voting_start; },
       Errc::invalid_argument},
      {"zero cap", [](OpenRound& c, Rounds&) { c.rules.cap_minor = 0; }, Errc::invalid_argument},
      {"min share past 10,000", [](OpenRound& c, Rounds&) { c.rules.min_share_bps = 10'001; },
       Errc::invalid_argument},
      {"votes per member past the limit",
       [](OpenRound& c, Rounds&) { c.votes_per_member = round_votes_per_member_max + 1; },
       Errc::invalid_argument},
      {"unknown member", [](OpenRound& c, Rounds&) { c.candidates[0].member = 999; },
       Errc::not_found},
      {"asset account", [](OpenRound& c, Rounds& t) { c.candidates[1].account = t.clearing_; },
       Errc::invalid_argument},
      {"an account twice",
       [](OpenRound& c, Rounds&) { c.candidates[1].account = c.candidates[0].account; },
       Errc::invalid_argument},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    OpenRound command = round_command(RoundRule::proportional);
    row.change(command, *this);
    EXPECT_REFUSED(submit(command), row.code);
  }
}

// A round's payout is a transaction entry of its own: the balances-only replay counts it.
TEST_F(Rounds, TheBalancesOnlyReplayReachesTheSameTrialBalance) {
  open_round(round_command(RoundRule::winner_takes_all));
  ASSERT_TRUE(vote(voters_[0], {{2, 1}}));
  ASSERT_TRUE(vote(voters_[1], {{1, 1}}));
  clock_.advance_micros(hour);
  auto closed = close_due();
  ASSERT_EQ(closed.size(), 1u);
  ASSERT_TRUE(closed[0]);
  auto leaves = pardner::testing::read_leaves(*reader_);
  ASSERT_TRUE(leaves) << leaves.error().detail;
  EXPECT_EQ(expect_balance_replays_agree(leaves.value()), reader_->trial_balance().value());
}

TEST_F(Rounds, ReplayRefusesATallyOrPayoutThatTheBallotsDoNotGive) {
  open_round(round_command(RoundRule::winner_takes_all));
  ASSERT_TRUE(vote(voters_[0], {{2, 1}}));
  ASSERT_TRUE(vote(voters_[1], {{2, 1}}));
  ASSERT_TRUE(vote(voters_[2], {{1, 1}}));
  clock_.advance_micros(hour);
  auto closed = close_due();
  ASSERT_EQ(closed.size(), 1u);
  ASSERT_TRUE(closed[0]);
  auto entry = reader_->entry(closed[0].value().seq);
  ASSERT_TRUE(entry);
  ASSERT_TRUE(replay_with(closed[0].value().seq, entry.value().fields));
  // One more vote for project 1 in the recorded tally: no ballot in the log gives it.
  boost::json::object tally_forged = entry.value().fields;
  tally_forged.at("tally").as_array()[0].as_object()["votes"] = 2;
  EXPECT_REFUSED(replay_with(closed[0].value().seq, tally_forged), Errc::invalid_argument);
  // The payout moved to project 1 in the entry: not what winner-takes-all gives.
  boost::json::object payout_forged = entry.value().fields;
  auto& payouts = payout_forged.at("payouts").as_array();
  payouts[0].as_object()["amount"] = 600'00;
  payouts[1].as_object()["amount"] = 0;
  EXPECT_REFUSED(replay_with(closed[0].value().seq, payout_forged), Errc::invalid_argument);
}

}  // namespace
}  // namespace pardner::ledger::testing
