// A ledger set up for dividends: the pool fixture (admin, member and auditor tokens, an income
// account, cash-in clearing, a pool) plus helpers that enrol members with a share account under
// "equity:shares:" and a savings account under "liabilities:savings:", buy shares through
// clearing, and declare dividends. Share balances are in minor units like any equity.
#pragma once

#include <future>
#include <vector>

#include "ledger/dividend_plan.h"
#include "ledger/dividend_reports.h"
#include "tests/ledger/pool_fixture.h"

namespace pardner::ledger::testing {

inline constexpr const char* share_prefix = "equity:shares:";
inline constexpr const char* savings_prefix = "liabilities:savings:";

struct Shareholder {
  MemberId member = 0;
  AccountId shares = 0;
  AccountId savings = 0;
};

class DividendTest : public PoolTest {
 protected:
  // A member with a share account (and, unless `savings` is false, a savings account).
  Shareholder enrol(bool savings = true) {
    Shareholder holder;
    holder.member = member();
    auto opened = submit(OpenAccount{.code = share_prefix + std::to_string(holder.member),
                                     .type = AccountType::equity,
                                     .currency = "GBP",
                                     .member = holder.member});
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().detail);
    holder.shares = opened ? opened.value().id : 0;
    if (savings)
      holder.savings = open_for(holder.member, savings_prefix + std::to_string(holder.member));
    return holder;
  }

  // Many members at once: the writer takes their commands in batches, so this is quick.
  std::vector<Shareholder> enrol_many(std::size_t count, const std::vector<Minor>& shares) {
    std::vector<std::future<Result<Applied>>> members;
    for (std::size_t i = 0; i < count; ++i) members.push_back(writer_->submit(CreateMember{}));
    std::vector<Shareholder> holders(count);
    std::vector<std::future<Result<Applied>>> accounts;
    for (std::size_t i = 0; i < count; ++i) {
      auto created = members[i].get();
      EXPECT_TRUE(created);
      holders[i].member = created ? created.value().id : 0;
      accounts.push_back(
          writer_->submit(OpenAccount{.code = share_prefix + std::to_string(holders[i].member),
                                      .type = AccountType::equity,
                                      .currency = "GBP",
                                      .member = holders[i].member}));
    }
    std::vector<std::future<Result<Applied>>> buys;
    for (std::size_t i = 0; i < count; ++i) {
      auto opened = accounts[i].get();
      EXPECT_TRUE(opened);
      holders[i].shares = opened ? opened.value().id : 0;
      if (shares[i] > 0) {
        buys.push_back(
            writer_->submit(make_transfer(next_key(), clearing_, holders[i].shares, shares[i])));
      }
    }
    for (auto& bought : buys) EXPECT_TRUE(bought.get());
    return holders;
  }

  // `amount` of shares bought by the holder with cash (clearing debited, the share account
  // credited); the seq of the transaction.
  Seq buy(const Shareholder& holder, Minor amount) {
    auto bought = transfer(clearing_, holder.shares, amount);
    EXPECT_TRUE(bought) << (bought ? "" : bought.error().detail);
    return bought ? bought.value().seq : -1;
  }

  // Profit of `amount` booked to the income account (clearing debited).
  void earn(Minor amount) { ASSERT_TRUE(transfer(clearing_, income_, amount)); }

  Seq last_seq() {
    auto size = reader_->log_size();
    EXPECT_TRUE(size);
    return size ? size.value() - 1 : -1;
  }

  DeclareDividend from_income(Minor amount, Seq as_of) {
    return DeclareDividend{.idempotency_key = next_key(),
                           .actor = admin_,
                           .source_account = income_,
                           .share_prefix = share_prefix,
                           .as_of_seq = as_of,
                           .amount_minor = amount};
  }

  Result<Applied> declare(DeclareDividend command) { return submit(std::move(command)); }

  DividendStatement statement(std::int64_t dividend, MemberId member) {
    auto found = dividend_statement(reader_->db(), dividend, member);
    EXPECT_TRUE(found) << (found ? "" : found.error().detail);
    return found ? found.value() : DividendStatement{};
  }
};

}  // namespace pardner::ledger::testing
