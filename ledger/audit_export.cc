// Export. From the ledger's database the whole export is read in one read transaction: the
// checkpoint and exactly the entries it covers, however the writer moves on meanwhile.
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

Result<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{Errc::storage_failed, "cannot read " + path.string()};
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The ledger's database inside a read transaction the caller holds open.
class LedgerSnapshot : public AuditSource {
 public:
  LedgerSnapshot(Reader& reader, std::string note, std::string data_dir)
      : reader_(reader), note_(std::move(note)), data_dir_(std::move(data_dir)) {}

  Result<std::string> checkpoint() override { return note_; }
  Result<std::string> verifier_key() override { return read_text(verifier_key_path(data_dir_)); }

  Result<Ok> open_entries(std::uint64_t tree_size) override {
    // A LEFT JOIN, so an entry whose signature row is missing is exported without one and
    // verify names it, rather than vanishing from the export.
    auto query = reader_.db().prepare(
        "SELECT e.seq, e.leaf, s.signature FROM entries e LEFT JOIN entry_signatures s"
        " ON s.seq = e.seq WHERE e.seq < ? ORDER BY e.seq");
    if (!query) return query.error();
    query_.emplace(std::move(query.value()));
    query_->bind(1, static_cast<std::int64_t>(tree_size));
    return Ok{};
  }

  Result<std::optional<SignedEntry>> next_entry() override {
    auto row = query_->step();
    if (!row) return row.error();
    if (!row.value()) return std::optional<SignedEntry>{};
    auto leaf = query_->column_blob(1);
    auto signature = query_->column_blob(2);
    return std::optional<SignedEntry>(SignedEntry{query_->column_int(0),
                                                  std::string(leaf.begin(), leaf.end()),
                                                  std::string(signature.begin(), signature.end())});
  }

 private:
  Reader& reader_;
  std::string note_;
  std::string data_dir_;
  std::optional<Statement> query_;
};

Result<ExportSummary> write_files(AuditSource& source, std::uint64_t tree_size,
                                  const std::filesystem::path& out_dir) {
  auto note = source.checkpoint();
  if (!note) return note.error();
  auto key = source.verifier_key();
  if (!key) return key.error();
  if (auto opened = source.open_entries(tree_size); !opened) return opened.error();

  std::ofstream entries(out_dir / "entries.jsonl", std::ios::binary | std::ios::trunc);
  std::ofstream journal_file(out_dir / "ledger.journal", std::ios::binary | std::ios::trunc);
  journal_file << "; Pardner ledger export: posted transactions, amounts in major units.\n\n";
  JournalWriter journal(journal_file);
  ExportSummary summary;
  while (summary.entries < tree_size) {
    auto next = source.next_entry();
    if (!next) return next.error();
    if (!next.value()) break;
    const SignedEntry& entry = *next.value();
    boost::json::object line{{"seq", entry.seq},
                             {"leaf", crypto::base64_encode(bytes_of(entry.leaf))},
                             {"signature", crypto::base64_encode(bytes_of(entry.signature))}};
    entries << boost::json::serialize(line) << '\n';
    if (auto decoded = decode_leaf(entry.leaf)) journal.add(decoded.value());
    summary.entries += 1;
  }
  entries.close();
  journal_file.close();
  if (!entries || !journal_file) return Error{Errc::storage_failed, "cannot write the export"};
  // Fewer lines than the checkpoint covers means entries are missing from the source: the
  // export still goes out as it is, and `pardner verify` names what is wrong.
  if (auto done = write_text(out_dir / "checkpoint", note.value()); !done) return done.error();
  if (auto done = write_text(out_dir / "verifier.key", key.value()); !done) return done.error();
  return summary;
}

}  // namespace

std::unique_ptr<AuditSource> open_ledger_snapshot(Reader& reader, std::string note,
                                                  std::string data_dir) {
  return std::make_unique<LedgerSnapshot>(reader, std::move(note), std::move(data_dir));
}

Result<ExportSummary> write_export(AuditSource& source, std::uint64_t tree_size,
                                   const std::string& out_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool existed = fs::exists(out_dir, ec);
  if (existed && !fs::is_empty(out_dir, ec)) {
    return Error{Errc::already_exists, out_dir + " is not empty; not overwriting it"};
  }
  fs::create_directories(out_dir, ec);
  if (ec) return Error{Errc::storage_failed, "cannot create " + out_dir + ": " + ec.message()};
  auto written = write_files(source, tree_size, fs::path(out_dir));
  if (!written) {
    // A half-written export must not pass for a whole one. The directory was empty, so
    // everything in it is ours; remove only what we write, and the directory if we made it.
    for (const char* name : {"entries.jsonl", "ledger.journal", "checkpoint", "verifier.key"}) {
      fs::remove(fs::path(out_dir) / name, ec);
    }
    if (!existed) fs::remove(out_dir, ec);
  }
  return written;
}

Result<ExportSummary> export_ledger(const std::string& data_dir, const std::string& out_dir) {
  auto reader = Reader::open(database_path(data_dir));
  if (!reader) return reader.error();
  Database& db = reader.value().db();
  if (auto begun = db.exec("BEGIN"); !begun) return begun.error();
  auto checkpoint = reader.value().latest_checkpoint();
  if (!checkpoint) return checkpoint.error();
  // A block, so the snapshot's statement is finalized before the read transaction ends.
  auto summary = [&] {
    LedgerSnapshot snapshot(reader.value(), checkpoint.value().note, data_dir);
    return write_export(snapshot, checkpoint.value().tree_size, out_dir);
  }();
  (void)db.exec("COMMIT");
  return summary;
}

}  // namespace pardner::ledger
