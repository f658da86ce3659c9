// The auditor's export: a directory they can take away and check offline with `pardner verify`.
//   entries.jsonl    one {"leaf","seq","signature"} object per line, leaf and signature base64
//   checkpoint       the signed checkpoint, verbatim
//   verifier.key     the verifier key line (an auditor should pin their own copy instead)
//   ledger.journal   the posted transactions as a ledger-cli / hledger journal
// Written from any AuditSource (the ledger's database, or a live server through
// api/remote_log.h) by one writer, so every export has the same layout. Never writes to the
// ledger, and never judges what it copies: `pardner verify` does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ledger/audit_source.h"
#include "ledger/error.h"

namespace pardner::ledger {

struct ExportSummary {
  std::uint64_t entries = 0;  // the checkpoint's tree size, unless the source holds fewer
};

class Reader;

// The ledger's own database as an AuditSource: `note` is the checkpoint it speaks for, and the
// entries are read through `reader`, inside a read transaction the caller holds open for as
// long as the source is used.
std::unique_ptr<AuditSource> open_ledger_snapshot(Reader& reader, std::string note,
                                                  std::string data_dir);

// Exports one snapshot of the ledger in `data_dir`: the latest checkpoint and exactly the
// entries it covers. Refuses with already_exists if `out_dir` exists and is not empty.
Result<ExportSummary> export_ledger(const std::string& data_dir, const std::string& out_dir);

// Writes `source`'s checkpoint, key and first `tree_size` entries (its checkpoint's size) to
// `out_dir`, with the same refusal. An entry whose leaf does not decode is exported as it is
// and left out of the journal; verify names it.
Result<ExportSummary> write_export(AuditSource& source, std::uint64_t tree_size,
                                   const std::string& out_dir);

}  // namespace pardner::ledger
