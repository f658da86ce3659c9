// The auditor's export: a directory they can take away and check offline with `pardner verify`.
//   entries.jsonl    one {"leaf","seq","signature"} object per line, leaf and signature base64
//   checkpoint       the latest signed checkpoint, verbatim
//   verifier.key     the verifier key line (an auditor should pin their own copy instead)
//   ledger.journal   the posted transactions as a ledger-cli / hledger journal
// Reads one snapshot of the ledger; never writes to it.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/error.h"

namespace pardner::ledger {

struct ExportSummary {
  std::uint64_t entries = 0;  // the checkpoint's tree size, unless rows are missing
};

// Refuses with already_exists if `out_dir` exists and is not empty.
Result<ExportSummary> export_ledger(const std::string& data_dir, const std::string& out_dir);

}  // namespace pardner::ledger
