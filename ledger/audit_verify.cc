// Offline verification. Entries stream from entries.jsonl one line at a time: signatures are
// checked, leaves hashed into an in-memory Merkle store, and each entry replayed through the
// engine's projection into an in-memory database, which recomputes every balance.
#include "ledger/audit_verify.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/base64.h"
#include "crypto/memory_node_store.h"
#include "crypto/merkle.h"
#include "crypto/signed_note.h"
#include "ledger/entry.h"
#include "ledger/replay.h"

namespace pardner::ledger {
namespace {

constexpr std::size_t export_line_bytes_max = 1 << 20;
constexpr std::size_t checkpoint_file_bytes_max = 64 * 1024;

Result<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{Errc::not_found, "cannot read " + path.string()};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > checkpoint_file_bytes_max) {
    return Error{Errc::invalid_argument, path.string() + " is too large"};
  }
  return text;
}

Error at_entry(std::uint64_t seq, const std::string& what) {
  return entry_error(static_cast<Seq>(seq), what);
}

struct ExportLine {
  std::int64_t seq = 0;
  std::string leaf;
  crypto::Signature signature{};
};

Result<ExportLine> parse_line(const std::string& text, std::uint64_t expected) {
  if (text.size() > export_line_bytes_max) return at_entry(expected, "line too long");
  boost::json::parse_options options;
  options.max_depth = 2;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec, {}, options);
  if (ec || !parsed.is_object()) return at_entry(expected, "line is not a JSON object");
  const auto& object = parsed.get_object();
  auto seq = int_field(object, "seq");
  auto leaf = string_field(object, "leaf");
  auto signature = string_field(object, "signature");
  if (!seq || !leaf || !signature) return at_entry(expected, "needs seq, leaf and signature");
  ExportLine line;
  line.seq = seq.value();
  auto leaf_bytes = crypto::base64_decode(leaf.value());
  if (!leaf_bytes) return at_entry(expected, "leaf is not base64");
  line.leaf.assign(leaf_bytes.value().begin(), leaf_bytes.value().end());
  auto signature_bytes = crypto::base64_decode(signature.value());
  if (!signature_bytes) return at_entry(expected, "signature is not base64");
  auto parsed_signature = crypto::signature_from_bytes(signature_bytes.value());
  if (!parsed_signature) return at_entry(expected, "entry has no valid signature field");
  line.signature = parsed_signature.value();
  return line;
}

Result<crypto::VerifierKey> trusted_key(const VerifyOptions& options, bool& from_export) {
  std::string line;
  if (options.pinned_key) {
    line = *options.pinned_key;
  } else {
    auto text = read_small_file(std::filesystem::path(options.export_dir) / "verifier.key");
    if (!text) return text.error();
    line = text.value();
    from_export = true;
  }
  while (!line.empty() && line.back() == '\n') line.pop_back();
  auto key = crypto::parse_verifier_key(line);
  if (!key) return from_crypto_error(key.error());
  return std::move(key).value();
}

}  // namespace

Result<VerifyReport> verify_export(const VerifyOptions& options) {
  namespace fs = std::filesystem;
  VerifyReport report;
  auto key = trusted_key(options, report.key_from_export);
  if (!key) return key.error();
  auto note = read_small_file(fs::path(options.export_dir) / "checkpoint");
  if (!note) return note.error();
  auto checkpoint = crypto::open_checkpoint(note.value(), key.value());
  if (!checkpoint) {
    return Error{Errc::invalid_argument,
                 "checkpoint: " + std::string(crypto::wire_name(checkpoint.error().code)) + ": " +
                     checkpoint.error().detail};
  }
  report.checkpoint = checkpoint.value();

  std::optional<crypto::Checkpoint> since;
  if (options.since_checkpoint) {
    auto old = crypto::open_checkpoint(*options.since_checkpoint, key.value());
    if (!old) return Error{Errc::invalid_argument, "old checkpoint: " + old.error().detail};
    if (old.value().tree_size > report.checkpoint.tree_size) {
      return Error{Errc::invalid_argument,
                   "the log shrank: the old checkpoint covers " +
                       std::to_string(old.value().tree_size) + " entries, the new one " +
                       std::to_string(report.checkpoint.tree_size)};
    }
    since = old.value();
  }

  auto replay = Replay::start();
  if (!replay) return replay.error();

  std::ifstream entries(fs::path(options.export_dir) / "entries.jsonl", std::ios::binary);
  if (!entries) return Error{Errc::not_found, "cannot read entries.jsonl"};
  crypto::MemoryNodeStore tree;
  std::uint64_t expected = 0;
  std::string text;
  while (std::getline(entries, text)) {
    auto line = parse_line(text, expected);
    if (!line) return line.error();
    if (line.value().seq < 0 || static_cast<std::uint64_t>(line.value().seq) != expected) {
      return at_entry(expected, "found seq " + std::to_string(line.value().seq) +
                                    " where " + std::to_string(expected) + " belongs");
    }
    if (!since || expected >= since->tree_size) {
      auto valid = crypto::verify(key.value().public_key, line.value().leaf, line.value().signature);
      if (!valid) return at_entry(expected, "signature does not verify with the trusted key");
      report.signatures_checked += 1;
    }
    if (auto applied = replay.value().apply(line.value().seq, line.value().leaf); !applied) {
      return applied.error();
    }
    tree.append(crypto::leaf_hash(line.value().leaf));
    ++expected;
    if (options.progress && expected % 10000 == 0) {
      options.progress(expected, report.checkpoint.tree_size);
    }
  }
  report.entries = expected;
  if (report.entries != report.checkpoint.tree_size) {
    return Error{Errc::invalid_argument,
                 "the checkpoint covers " + std::to_string(report.checkpoint.tree_size) +
                     " entries but the export holds " + std::to_string(report.entries)};
  }
  auto root = crypto::root(report.entries, tree);
  if (!root || root.value() != report.checkpoint.root_hash) {
    return Error{Errc::invalid_argument,
                 "the Merkle root of the entries differs from the checkpoint's root"};
  }
  if (since) {
    auto proof = crypto::consistency_proof(since->tree_size, report.entries, tree);
    if (!proof) return from_crypto_error(proof.error());
    auto consistent = crypto::verify_consistency(since->tree_size, report.entries,
                                                 since->root_hash, root.value(), proof.value());
    if (!consistent) {
      return Error{Errc::invalid_argument,
                   "the log is not an extension of the old checkpoint: entries before " +
                       std::to_string(since->tree_size) + " were changed"};
    }
    report.consistent_with_size = since->tree_size;
  }
  auto trial = compute_trial_balance(replay.value().db());
  if (!trial) return trial.error();
  for (const auto& line : trial.value()) {
    if (line.debits != line.credits) {
      return Error{Errc::unbalanced, "trial balance in " + line.currency + " does not balance"};
    }
    report.accounts += line.accounts;
  }
  report.trial_balance = std::move(trial.value());
  return report;
}

}  // namespace pardner::ledger
