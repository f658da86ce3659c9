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
inline Result<Ok> replay_with_change(const std::vector<std::string>& leaves, Seq seq,
                                     const EntryChange& change) {
  auto replay = Replay::start();
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

}  // namespace pardner::ledger::testing
