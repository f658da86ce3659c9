// The export directory as an AuditSource: small files read whole (with a bound), entries.jsonl
// streamed one line at a time so an export of any size verifies in constant memory.
#include "ledger/audit_source.h"

#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/base64.h"
#include "crypto/invariant.h"
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

// What a line of entries.jsonl says, its strings still base64.
struct LineFields {
  std::int64_t seq = 0;
  std::string_view leaf;
  std::string_view signature;
};

// The exporter writes every line as {"seq":N,"leaf":"...","signature":"..."}, base64 in both
// strings (audit_export.cc): the members in that order, nothing between them, N a plain JSON
// number of at most 18 digits (below 2^63). The strings are taken as they stand, up to the next
// quote; parse_export_line then decodes them as base64, whose alphabet has no backslash, quote
// or control character, so a line it accepts this way means exactly what the parser would make
// of it. Any other text (another order, a space, another member, a longer number) is nullopt
// here, and the parser reads it as it always did. The parser was a sixth of a balances-only
// verify's time.
std::optional<LineFields> read_exporter_layout(std::string_view text) {
  const auto take = [&text](std::string_view literal) {
    if (!text.starts_with(literal)) return false;
    text.remove_prefix(literal.size());
    return true;
  };
  const auto string_to_quote = [&text](std::string_view& out) {
    const void* quote = std::memchr(text.data(), '"', text.size());
    if (quote == nullptr) return false;
    const auto n = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
    out = text.substr(0, n);
    text.remove_prefix(n + 1);
    return true;
  };
  LineFields fields;
  if (!take("{\"seq\":")) return std::nullopt;
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  // JSON has no leading zeros: "01" is not a number, so the parser must be the one to say so.
  if (digits == 0 || digits > 18 || (digits > 1 && text[0] == '0')) return std::nullopt;
  for (std::size_t i = 0; i < digits; ++i) fields.seq = fields.seq * 10 + (text[i] - '0');
  text.remove_prefix(digits);
  if (!take(",\"leaf\":\"") || !string_to_quote(fields.leaf) || !take(",\"signature\":\"") ||
      !string_to_quote(fields.signature) || text != "}") {
    return std::nullopt;
  }
  return fields;
}

Result<SignedEntry> decode_line_fields(const LineFields& fields, std::uint64_t line_number) {
  SignedEntry entry;
  entry.seq = fields.seq;
  auto leaf_bytes = crypto::base64_decode_bytes(fields.leaf);
  if (!leaf_bytes) return at_entry(line_number, "leaf is not base64");
  entry.leaf = std::move(leaf_bytes).value();
  auto signature_bytes = crypto::base64_decode_bytes(fields.signature);
  if (!signature_bytes) return at_entry(line_number, "signature is not base64");
  entry.signature = std::move(signature_bytes).value();
  return entry;
}

}  // namespace

Result<SignedEntry> parse_export_line(std::string_view text, std::uint64_t line_number) {
  if (text.size() > export_line_bytes_max) return at_entry(line_number, "line too long");
  if (auto fields = read_exporter_layout(text)) {
    // A string that is not base64 as it stands may still be base64 once its escapes are read
    // ("\/" is '/'), or may not be JSON at all: the parser below says which.
    if (auto entry = decode_line_fields(*fields, line_number)) return entry;
  }
  boost::json::parse_options options;
  options.max_depth = 2;
  boost::system::error_code ec;
  // The parsed line lives only until its fields are decoded: in an arena on the stack (a
  // typical line fits), not in an allocation per string.
  unsigned char buffer[4096];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  auto parsed = boost::json::parse(text, ec, &arena, options);
  if (ec || !parsed.is_object()) return at_entry(line_number, "line is not a JSON object");
  const auto& object = parsed.get_object();
  auto seq = int_field(object, "seq");
  auto leaf = string_view_field(object, "leaf");
  auto signature = string_view_field(object, "signature");
  if (!seq || !leaf || !signature) return at_entry(line_number, "needs seq, leaf and signature");
  return decode_line_fields(LineFields{seq.value(), leaf.value(), signature.value()}, line_number);
}

namespace {

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
    auto record = next_record();
    if (!record) return record.error();
    if (!record.value()) return std::optional<SignedEntry>{};
    auto entry = parse_record(*record.value());
    if (!entry) return entry.error();
    return std::optional<SignedEntry>(std::move(entry.value()));
  }

  // A line, unparsed: its JSON and base64 cost several times its reading. Read with a bound: a
  // longer line is cut at export_line_bytes_max + 1 bytes (parse_line then refuses it, naming
  // its position) and the rest skipped unread, so one hostile line of any length never sits in
  // memory whole.
  Result<std::optional<Record>> next_record() override {
    Record record{.position = records_read_};
    line_.resize(export_line_bytes_max + 2);
    entries_.getline(line_.data(), static_cast<std::streamsize>(line_.size()));
    auto extracted = static_cast<std::size_t>(entries_.gcount());
    if (entries_.fail()) {
      if (extracted == 0) return std::optional<Record>{};  // the end (or a read error)
      // Filled without reaching a newline: too long. Skip to the next line.
      entries_.clear();
      entries_.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
      record.text.assign(line_.data(), extracted);
    } else {
      // gcount counts the newline, except on a last line that has none.
      bool newline = !entries_.eof();
      record.text.assign(line_.data(), newline ? extracted - 1 : extracted);
    }
    ++records_read_;
    return std::optional<Record>(std::move(record));
  }

  Result<SignedEntry> parse_record(Record& record) const override {
    return parse_export_line(record.text, record.position);
  }

 private:
  std::filesystem::path dir_;
  std::ifstream entries_;
  std::vector<char> line_;  // next_record's buffer, kept between lines
};

}  // namespace

Result<std::optional<AuditSource::Record>> AuditSource::next_record() {
  auto entry = next_entry();
  if (!entry) return entry.error();
  if (!entry.value()) return std::optional<Record>{};
  return std::optional<Record>(
      Record{.position = records_read_++, .parsed = std::move(entry.value())});
}

Result<SignedEntry> AuditSource::parse_record(Record& record) const {
  PARDNER_ASSERT(record.parsed.has_value());
  return std::move(*record.parsed);
}

std::unique_ptr<AuditSource> open_export_directory(const std::string& export_dir) {
  return std::make_unique<ExportDirectory>(export_dir);
}

}  // namespace pardner::ledger
