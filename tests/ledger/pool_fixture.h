// A ledger set up for reinvestment pools: an equity pool account, the three kinds of source (a
// member's savings, an enterprise's income account, cash-in clearing), three policy targets (a
// loan fund's capital, a grants account, a reserve), admin, member and auditor tokens, and
// helpers that check the books after each step.
#pragma once

#include "crypto/access_token.h"
#include "ledger/pool_store.h"
#include "ledger/rebuild.h"
#include "ledger/replay.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {

class PoolTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    pool_account_ = open("equity:pool:market", AccountType::equity);
    income_ = open("income:enterprise:market", AccountType::income);
    clearing_ = open("assets:clearing:cash-in", AccountType::asset);
    capital_ = open("equity:fund:capital", AccountType::equity);
    grants_ = open("liabilities:grants", AccountType::liability);
    reserve_ = open("equity:reserve", AccountType::equity);
    alice_ = member();
    bob_ = member();
    alice_savings_ = open_for(alice_, "liabilities:members:alice:savings");
    bob_savings_ = open_for(bob_, "liabilities:members:bob:savings");
    admin_ = token(Role::admin, std::nullopt);
    alice_token_ = token(Role::member, alice_);
    bob_token_ = token(Role::member, bob_);
    auditor_ = token(Role::auditor, std::nullopt);
    // Alice has 500.00 saved (cash at the bank backs it through clearing).
    ASSERT_TRUE(transfer(clearing_, alice_savings_, 500'00));
  }

  MemberId member() {
    auto created = submit(CreateMember{});
    EXPECT_TRUE(created);
    return created ? created.value().id : 0;
  }

  AccountId open_for(MemberId owner, const std::string& code) {
    auto opened = submit(OpenAccount{
        .code = code, .type = AccountType::liability, .currency = "GBP", .member = owner});
    EXPECT_TRUE(opened);
    return opened ? opened.value().id : 0;
  }

  ActorToken token(Role role, std::optional<MemberId> owner) {
    auto created = submit(
        CreateAccessToken{.token_hash = crypto::access_token_hash(crypto::generate_access_token()),
                          .role = role,
                          .member = owner});
    EXPECT_TRUE(created) << (created ? "" : created.error().detail);
    return created ? created.value().id : 0;
  }

  CreatePool pool_command() {
    return CreatePool{.idempotency_key = next_key(),
                      .actor = admin_,
                      .currency = "GBP",
                      .pool_account = pool_account_,
                      .description = "market surplus"};
  }

  void create_pool() {
    auto created = submit(pool_command());
    ASSERT_TRUE(created) << created.error().detail;
    pool_ = created.value().id;
  }

  Result<Applied> contribute(ActorToken actor, AccountId source, Minor amount,
                             std::optional<MemberId> contributor = {}) {
    return submit(Contribute{.idempotency_key = next_key(),
                             .actor = actor,
                             .pool = pool_,
                             .source_account = source,
                             .amount_minor = amount,
                             .contributor = contributor,
                             .reason = "stall rent surplus"});
  }

  // 50% to the loan fund's capital, 30% to grants, 20% to the reserve.
  SetAllocationPolicy policy_command() {
    return SetAllocationPolicy{.idempotency_key = next_key(),
                               .actor = admin_,
                               .pool = pool_,
                               .shares = {{"loan fund capital", capital_, 5'000},
                                          {"community grants", grants_, 3'000},
                                          {"reserve", reserve_, 2'000}}};
  }

  Result<Applied> distribute(std::optional<Minor> amount) {
    return submit(Distribute{
        .idempotency_key = next_key(), .actor = admin_, .pool = pool_, .amount_minor = amount});
  }

  void expect_books_balance() {
    auto lines = reader_->trial_balance();
    ASSERT_TRUE(lines) << lines.error().detail;
    for (const TrialBalanceLine& line : lines.value()) {
      EXPECT_EQ(line.debits, line.credits) << line.currency;
    }
  }

  void expect_rebuild_agrees() {
    auto report = rebuild(db_path());
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_TRUE(report.value().differences.empty())
        << (report.value().differences.empty() ? "" : report.value().differences.front());
  }

  // Replays the whole log with the entry at `seq` replaced by `tampered` (re-encoded
  // canonically, as a forger with the signing key would); the replay's answer for that entry.
  Result<Entry> replay_with(Seq seq, boost::json::object tampered) {
    auto replay = Replay::start();
    if (!replay) return replay.error();
    auto size = reader_->log_size();
    if (!size) return size.error();
    for (Seq s = 0; s < size.value(); ++s) {
      auto entry = reader_->entry(s);
      if (!entry) return entry.error();
      std::string leaf = entry.value().leaf;
      if (s == seq) {
        tampered.erase("seq");
        tampered.erase("ts");
        tampered.erase("kind");
        leaf = encode_leaf(s, entry.value().ts, entry.value().kind, tampered);
      }
      auto applied = replay.value().apply(s, leaf);
      if (!applied || s == seq) return applied;
    }
    return Error{Errc::not_found, "seq past the log"};
  }

 public:
  AccountId pool_account_ = 0, income_ = 0, clearing_ = 0, capital_ = 0, grants_ = 0, reserve_ = 0,
            alice_savings_ = 0, bob_savings_ = 0;
  MemberId alice_ = 0, bob_ = 0;
  ActorToken admin_ = 0, alice_token_ = 0, bob_token_ = 0, auditor_ = 0;
  PoolId pool_ = 0;
};

}  // namespace pardner::ledger::testing
