// Export in one read transaction: the checkpoint and exactly the entries it covers.
#include "ledger/audit_export.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "crypto/base64.h"
#include "ledger/journal.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"

namespace pardner::ledger {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Result<Ok> write_text(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Error{Errc::storage_failed, "cannot write " + path.string()};
  return Ok{};
}

}  // namespace

Result<ExportSummary> export_ledger(const std::string& data_dir, const std::string& out_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_empty(out_dir, ec)) {
    return Error{Errc::already_exists, out_dir + " is not empty; not overwriting it"};
  }
  fs::create_directories(out_dir, ec);
  if (ec) return Error{Errc::storage_failed, "cannot create " + out_dir + ": " + ec.message()};

  auto reader = Reader::open(database_path(data_dir));
  if (!reader) return reader.error();
  Database& db = reader.value().db();
  if (auto begun = db.exec("BEGIN"); !begun) return begun.error();
  auto checkpoint = reader.value().latest_checkpoint();
  if (!checkpoint) return checkpoint.error();
  std::uint64_t tree_size = checkpoint.value().tree_size;

  std::ofstream entries(fs::path(out_dir) / "entries.jsonl", std::ios::binary | std::ios::trunc);
  std::ofstream journal_file(fs::path(out_dir) / "ledger.journal",
                             std::ios::binary | std::ios::trunc);
  journal_file << "; Pardner ledger export: posted transactions, amounts in major units.\n\n";
  JournalWriter journal(journal_file);
  auto query = db.prepare(
      "SELECT e.seq, e.leaf, s.signature FROM entries e LEFT JOIN entry_signatures s"
      " ON s.seq = e.seq WHERE e.seq < ? ORDER BY e.seq");
  if (!query) return query.error();
  query.value().bind(1, static_cast<std::int64_t>(tree_size));
  ExportSummary summary;
  while (true) {
    auto row = query.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto leaf_blob = query.value().column_blob(1);
    std::string_view leaf(reinterpret_cast<const char*>(leaf_blob.data()), leaf_blob.size());
    boost::json::object line{{"seq", query.value().column_int(0)},
                             {"leaf", crypto::base64_encode(bytes_of(leaf))},
                             {"signature", crypto::base64_encode(query.value().column_blob(2))}};
    entries << boost::json::serialize(line) << '\n';
    // An unreadable entry is exported as it is and left out of the journal; verify names it.
    auto entry = decode_leaf(leaf);
    if (entry) journal.add(entry.value());
    summary.entries += 1;
  }
  (void)db.exec("COMMIT");
  entries.close();
  journal_file.close();
  if (!entries || !journal_file) return Error{Errc::storage_failed, "cannot write the export"};
  // Fewer lines than the checkpoint covers means rows are missing from the database: the
  // export still goes out as it is, and `pardner verify` names what is wrong.
  if (auto done = write_text(fs::path(out_dir) / "checkpoint", checkpoint.value().note); !done) {
    return done.error();
  }
  std::error_code copy_error;
  fs::copy_file(verifier_key_path(data_dir), fs::path(out_dir) / "verifier.key",
                fs::copy_options::overwrite_existing, copy_error);
  if (copy_error) return Error{Errc::storage_failed, "cannot copy the verifier key"};
  return summary;
}

}  // namespace pardner::ledger
