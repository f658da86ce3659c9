// A ledger's leaves, and replays of them with one entry changed: how the verification tests show
// that replay (hence the writer's projection, rebuild, verify and check alike) refuses a
// tampered entry, naming it.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/entry.h"
#include "ledger/reader.h"
#include "ledger/replay.h"
#include "tests/support/log_leaves.h"

namespace pardner::ledger::testing {

using EntryChange = std::function<void(boost::json::object&)>;

using pardner::testing::read_leaves;

inline boost::json::object leaf_fields(const std::vector<std::string>& leaves, Seq seq) {
  auto entry = decode_leaf(leaves[static_cast<std::size_t>(seq)]);
  EXPECT_TRUE(entry);
  return entry ? entry.value().fields : boost::json::object{};
}

// Replays `leaves` with entry `seq` changed by `change` (none: as they are); the first refusal,
// or Ok.
// With `balances_only`, through the balances-only replay (ledger/balance_replay.h).
inline Result<Ok> replay_with_change(const std::vector<std::string>& leaves, Seq seq,
                                     const EntryChange& change, bool balances_only = false) {
  auto replay = balances_only ? Result<Replay>(Replay::start_balances_only()) : Replay::start();
  if (!replay) return replay.error();
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    std::string leaf = leaves[i];
    if (change && static_cast<Seq>(i) == seq) {
      boost::json::object f = leaf_fields(leaves, seq);
      change(f);
      leaf = canonical_json(f);
    }
    auto applied = replay.value().apply(static_cast<Seq>(i), leaf);
    if (!applied) return applied.error();
  }
  return Ok{};
}

// Replays `leaves` both ways, checking after every `every` entries and at the end that the
// balances-only replay reaches the full replay's trial balance; returns the last one.
inline std::vector<TrialBalanceLine> expect_balance_replays_agree(
    const std::vector<std::string>& leaves, std::size_t every = 1) {
  auto full = Replay::start();
  EXPECT_TRUE(full);
  if (!full) return {};
  Replay balances = Replay::start_balances_only();
  std::vector<TrialBalanceLine> last;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    auto by_full = full.value().apply(static_cast<Seq>(i), leaves[i]);
    auto by_balances = balances.apply(static_cast<Seq>(i), leaves[i]);
    EXPECT_TRUE(by_full) << by_full.error().detail;
    EXPECT_TRUE(by_balances) << by_balances.error().detail;
    if (!by_full || !by_balances) return {};
    if ((i + 1) % every != 0 && i + 1 != leaves.size()) continue;
    auto expected = full.value().trial_balance();
    auto got = balances.trial_balance();
    EXPECT_TRUE(expected && got);
    if (!expected || !got) return {};
    EXPECT_EQ(got.value(), expected.value()) << "after entry " << i;
    last = std::move(got).value();
  }
  return last;
}

}  // namespace pardner::ledger::testing
