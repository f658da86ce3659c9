// The export directory as an AuditSource: small files read whole (with a bound), entries.jsonl
// streamed one line at a time so an export of any size verifies in constant memory.
#include "ledger/audit_source.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "crypto/base64.h"
#include "ledger/entry.h"
#include "ledger/replay.h"

namespace pardner::ledger {
namespace {

constexpr std::size_t export_line_bytes_max = 1 << 20;
constexpr std::size_t small_file_bytes_max = 64 * 1024;

Result<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{Errc::not_found, "cannot read " + path.string()};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > small_file_bytes_max) {
    return Error{Errc::invalid_argument, path.string() + " is too large"};
  }
  return text;
}

Error at_entry(std::uint64_t seq, const std::string& what) {
  return entry_error(static_cast<Seq>(seq), what);
}

// One line of entries.jsonl, the line number `line_number` (0-based) naming it on refusal.
Result<SignedEntry> parse_line(const std::string& text, std::uint64_t line_number) {
  if (text.size() > export_line_bytes_max) return at_entry(line_number, "line too long");
  boost::json::parse_options options;
  options.max_depth = 2;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec, {}, options);
  if (ec || !parsed.is_object()) return at_entry(line_number, "line is not a JSON object");
  const auto& object = parsed.get_object();
  auto seq = int_field(object, "seq");
  auto leaf = string_field(object, "leaf");
  auto signature = string_field(object, "signature");
  if (!seq || !leaf || !signature) return at_entry(line_number, "needs seq, leaf and signature");
  SignedEntry entry;
  entry.seq = seq.value();
  auto leaf_bytes = crypto::base64_decode(leaf.value());
  if (!leaf_bytes) return at_entry(line_number, "leaf is not base64");
  entry.leaf.assign(leaf_bytes.value().begin(), leaf_bytes.value().end());
  auto signature_bytes = crypto::base64_decode(signature.value());
  if (!signature_bytes) return at_entry(line_number, "signature is not base64");
  entry.signature.assign(signature_bytes.value().begin(), signature_bytes.value().end());
  return entry;
}

class ExportDirectory : public AuditSource {
 public:
  explicit ExportDirectory(std::filesystem::path dir) : dir_(std::move(dir)) {}

  Result<std::string> checkpoint() override { return read_small_file(dir_ / "checkpoint"); }
  Result<std::string> verifier_key() override { return read_small_file(dir_ / "verifier.key"); }

  Result<Ok> open_entries(std::uint64_t) override {
    entries_.open(dir_ / "entries.jsonl", std::ios::binary);
    if (!entries_) return Error{Errc::not_found, "cannot read entries.jsonl"};
    return Ok{};
  }

  Result<std::optional<SignedEntry>> next_entry() override {
    std::string text;
    if (!std::getline(entries_, text)) return std::optional<SignedEntry>{};
    auto entry = parse_line(text, line_number_++);
    if (!entry) return entry.error();
    return std::optional<SignedEntry>(std::move(entry.value()));
  }

 private:
  std::filesystem::path dir_;
  std::ifstream entries_;
  std::uint64_t line_number_ = 0;
};

}  // namespace

std::unique_ptr<AuditSource> open_export_directory(const std::string& export_dir) {
  return std::make_unique<ExportDirectory>(export_dir);
}

}  // namespace pardner::ledger
