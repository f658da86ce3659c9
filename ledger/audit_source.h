// Where the auditor's tools read a log from: an export directory (ledger/audit_export.h), the
// ledger's own database, or a live server (api/remote_log.h). The verifier and the export
// writer read through this interface only, so every source is checked by the same code.
// A source hands over bytes as it found them; it never judges signatures or hashes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/error.h"

namespace pardner::ledger {

// One entry as a source holds it: the leaf bytes and the signature bytes, both unchecked.
struct SignedEntry {
  std::int64_t seq = 0;
  std::string leaf;
  std::string signature;
};

class AuditSource {
 public:
  virtual ~AuditSource() = default;
  // The signed checkpoint, verbatim. The first call fixes which state of the log the source
  // speaks for; later calls return the same text.
  virtual Result<std::string> checkpoint() = 0;
  // The verifier key line the source carries. An auditor should pin their own instead.
  virtual Result<std::string> verifier_key() = 0;
  // Starts reading entries from seq 0. `tree_size` is the checkpoint's: a source over a live
  // log reads exactly the entries it covers, however far the log has grown since; a file
  // source reads to its end, so an entry past the checkpoint is still seen and named.
  virtual Result<Ok> open_entries(std::uint64_t tree_size) = 0;
  // The next entry in the source's order (not checked to be seq order), nullopt after the
  // last. A malformed one is refused naming the entry.
  virtual Result<std::optional<SignedEntry>> next_entry() = 0;

  // Reading and parsing apart, so that a caller may parse on other threads: next_record()
  // reads the next entry as the source holds it (nullopt after the last), and parse_record(),
  // which is pure and may run on any thread, makes the entry of it, refusing a malformed one
  // naming the entry as next_entry() would. By default a record is the entry next_entry()
  // parsed; a source whose parsing costs more than its reading (an export's JSON lines)
  // leaves it to parse_record().
  struct Record {
    std::uint64_t position = 0;  // 0-based place in the source's order
    std::string text;            // the source's bytes, when parsing is left to parse_record()
    std::optional<SignedEntry> parsed;
  };
  virtual Result<std::optional<Record>> next_record();
  virtual Result<SignedEntry> parse_record(Record& record) const;

 protected:
  std::uint64_t records_read_ = 0;  // next_record()'s count, for Record::position
};

// An export directory: checkpoint, verifier.key and entries.jsonl (one
// {"seq","leaf","signature"} object per line, base64 bytes).
std::unique_ptr<AuditSource> open_export_directory(const std::string& export_dir);

// One line of entries.jsonl (without its newline), `line_number` (0-based) naming it on
// refusal. Pure: an export directory's parse_record on any thread.
Result<SignedEntry> parse_export_line(std::string_view text, std::uint64_t line_number);

}  // namespace pardner::ledger
