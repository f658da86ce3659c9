// The integrity check of a ledger directory: everything that can be checked about the stored
// file without trusting it. `pardner check` runs it, and so does `pardner serve` before it
// takes writes. It never writes to the ledger.
//
// What it checks, in order (docs/reliability.md):
//   1. SQLite's own PRAGMA integrity_check: page structure, free list, every index against its
//      table, CHECK and NOT NULL constraints; and the schema, triggers included, exactly as the
//      embedded migrations make it (if not, the later checks, which query it, are skipped);
//   2. the signed log, exactly as `pardner verify` checks an export: every entry's signature,
//      seq running 0..n-1, the Merkle root of the leaves against the latest signed checkpoint,
//      and replay of every entry (with `since`, consistency with a checkpoint kept from before,
//      the only way to see a rollback or truncation);
//   3. the stored Merkle tree (the nodes proofs are served from) recomputed from the leaves;
//   4. every stored checkpoint: its signature, and its root against the tree at its size;
//   5. every table derived from the log against its replay (the one check 2 made, so the log is
//      replayed once; a replay of its own when check 2 failed).
// A failure of one check is reported and the later ones still run where they can, so one
// report names everything found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/error.h"

namespace pardner::ledger {

struct IntegrityOptions {
  // The verifier key line to trust; default: the ledger directory's own verifier.key.
  std::optional<std::string> pinned_key;
  // A signed checkpoint an auditor kept from before (its text).
  std::optional<std::string> since_checkpoint;
};

struct IntegrityReport {
  std::uint64_t entries = 0;      // in the latest checkpoint, when it could be read
  std::uint64_t checkpoints = 0;  // stored checkpoints checked
  // One line per problem, each starting with the check that found it ("sqlite:", "log:",
  // "merkle:", "checkpoint:", "derived:"). Empty when the ledger is intact.
  std::vector<std::string> problems;
  bool intact() const { return problems.empty(); }
};

// Fails only when the directory holds no ledger at all; a damaged one is a report.
Result<IntegrityReport> check_ledger_integrity(const std::string& data_dir,
                                               const IntegrityOptions& options = {});

}  // namespace pardner::ledger
