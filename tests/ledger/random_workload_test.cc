// A seeded random run of thousands of commands: the trial balance balances, every balance agrees
// with a simple model kept here, and rebuild reproduces every derived table from the log alone.
#include <map>
#include <random>

#include "ledger/rebuild.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/tampered_log.h"
#include "tests/support/log_leaves.h"

namespace pardner::ledger::testing {
namespace {

class RandomWorkload : public LedgerTest {};

TEST_F(RandomWorkload, TrialBalanceModelAndRebuildAgreeAfterThousandsOfCommands) {
  const auto seed = static_cast<std::uint32_t>(::testing::UnitTest::GetInstance()->random_seed());
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with --gtest_random_seed=" +
               std::to_string(seed) + ")");
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };

  std::vector<AccountId> accounts;
  std::map<AccountId, Minor> posted;  // model: debits minus credits, posted only
  for (const char* currency : {"GBP", "EUR"}) {
    for (int i = 0; i < 6; ++i) {
      auto type = static_cast<AccountType>(i % 5);
      std::optional<Minor> floor;
      if (i % 3 == 0) floor = Minor{0};
      auto id = open(std::string("acct:") + currency + ":" + std::to_string(i), type, floor, currency);
      accounts.push_back(id);
      posted[id] = 0;
    }
  }
  auto currency_of = [&](AccountId id) { return reader_->account(id).value().currency; };

  std::vector<TransactionId> pendings, posted_transactions;
  std::map<TransactionId, std::vector<Posting>> postings_of;
  int accepted = 0;
  constexpr int commands = 3000;
  for (int step = 0; step < commands; ++step) {
    int choice = static_cast<int>(pick(10));
    if (choice < 6) {
      AccountId a = accounts[pick(accounts.size())];
      AccountId b = accounts[pick(accounts.size())];
      if (a == b || currency_of(a) != currency_of(b)) continue;
      auto command = make_transfer(next_key(), a, b, static_cast<Minor>(1 + pick(5000)));
      command.pending = choice == 5;
      auto done = submit(command);
      if (!done) continue;
      ++accepted;
      if (command.pending) {
        pendings.push_back(done.value().id);
        postings_of[done.value().id] = command.postings;
      } else {
        for (const auto& p : command.postings) posted[p.account] += p.amount;
        posted_transactions.push_back(done.value().id);
        postings_of[done.value().id] = command.postings;
      }
    } else if (choice < 8 && !pendings.empty()) {
      auto index = pick(pendings.size());
      TransactionId id = pendings[index];
      pendings.erase(pendings.begin() + static_cast<std::ptrdiff_t>(index));
      if (choice == 6) {
        ASSERT_TRUE(submit(PostPending{.idempotency_key = next_key(), .transaction = id}));
        for (const auto& p : postings_of[id]) posted[p.account] += p.amount;
        posted_transactions.push_back(id);
      } else {
        ASSERT_TRUE(submit(VoidPending{.idempotency_key = next_key(), .transaction = id}));
      }
      ++accepted;
    } else if (choice == 8 && !posted_transactions.empty()) {
      auto index = pick(posted_transactions.size());
      TransactionId id = posted_transactions[index];
      auto done = submit(ReverseTransaction{.idempotency_key = next_key(), .transaction = id});
      if (!done) {
        EXPECT_TRUE(done.error().code == Errc::insufficient_funds ||
                    done.error().code == Errc::already_reversed)
            << done.error().detail;
        continue;
      }
      ++accepted;
      for (const auto& p : postings_of[id]) posted[p.account] -= p.amount;
      std::vector<Posting> negated;
      for (const auto& p : postings_of[id]) negated.push_back({p.account, -p.amount});
      postings_of[done.value().id] = negated;
      posted_transactions.push_back(done.value().id);
    } else if (keys_ > 0) {
      // A retry of the last key used, with other content: refused or replayed, no new effect.
      auto size_before = reader_->log_size().value();
      auto retry = make_transfer("key-" + std::to_string(keys_), accounts[0], accounts[1], 1);
      (void)submit(retry);
      EXPECT_LE(reader_->log_size().value(), size_before);
    }
  }
  EXPECT_GT(accepted, commands / 5);  // enough accepted for the checks below to mean something

  for (AccountId id : accounts) {
    auto totals = reader_->balance(id).value();
    EXPECT_EQ(totals.debits_posted - totals.credits_posted, posted[id]) << "account " << id;
  }
  auto trial = reader_->trial_balance();
  ASSERT_TRUE(trial);
  ASSERT_EQ(trial.value().size(), 2u);
  for (const auto& line : trial.value()) {
    EXPECT_EQ(line.debits, line.credits) << line.currency;
  }
  auto report = rebuild(db_path());
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value().entries, reader_->log_size().value());
  EXPECT_TRUE(report.value().differences.empty()) << report.value().differences.front();
  // `verify --replay balances` reaches the same trial balances along the way.
  auto leaves = pardner::testing::read_leaves(*reader_);
  ASSERT_TRUE(leaves) << leaves.error().detail;
  EXPECT_EQ(expect_balance_replays_agree(leaves.value(), 97), trial.value());
}

TEST_F(RandomWorkload, RebuildReportsADerivedTableThatWasChangedBehindTheLogsBack) {
  auto cash = open("assets:cash", AccountType::asset);
  auto savings = open("liabilities:savings", AccountType::liability);
  ASSERT_TRUE(transfer(cash, savings, 10));
  writer_->stop();
  {
    auto db = Database::open(db_path(), Database::Mode::read_write).value();
    ASSERT_TRUE(db.exec("UPDATE accounts SET credits_posted = 1000010 WHERE code = 'liabilities:savings'"));
  }
  auto report = rebuild(db_path());
  ASSERT_TRUE(report);
  ASSERT_EQ(report.value().differences.size(), 1u);
  EXPECT_NE(report.value().differences[0].find("accounts: stored"), std::string::npos);
  EXPECT_NE(report.value().differences[0].find("1000010"), std::string::npos);
}

}  // namespace
}  // namespace pardner::ledger::testing
