// The tlog-proof@v1 text format, both directions, and its offline verification. Never changes a
// byte of the embedded checkpoint: its signature covers those bytes.
#include "crypto/tlog_proof.h"

#include <algorithm>

#include "crypto/base64.h"
#include "crypto/decimal.h"
#include "crypto/limits.h"
#include "crypto/merkle.h"

namespace pardner::crypto {
namespace {

constexpr std::string_view extra_prefix = "extra ";
constexpr std::string_view index_prefix = "index ";

CryptoError malformed(std::string detail) {
  return CryptoError{CryptoErrc::malformed_proof, std::move(detail)};
}

CryptoError too_large(std::string detail) {
  return CryptoError{CryptoErrc::too_large, std::move(detail)};
}

// Takes the next line (without its "\n") off the front of `rest`; nullopt when no "\n" is left.
std::optional<std::string_view> next_line(std::string_view& rest) {
  const std::size_t newline = rest.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  const std::string_view line = rest.substr(0, newline);
  rest.remove_prefix(newline + 1);
  return line;
}

// c2sp.org/tlog-proof: "represented as an ASCII decimal with no leading zeroes (unless the index
// is 0)".
CryptoResult<std::uint64_t> parse_index(std::string_view digits) {
  const std::optional<std::uint64_t> value = parse_canonical_decimal(digits);
  if (!value) return malformed("the index is not a canonical decimal");
  if (*value >= tree_size_max) return too_large("the index is not below 2^62");
  return *value;
}

}  // namespace

CryptoResult<std::string> format_tlog_proof(const TlogProof& proof) {
  if (proof.index >= tree_size_max) return too_large("the index is not below 2^62");
  if (proof.hashes.size() > proof_hashes_max) return too_large("too many proof hashes");
  if (proof.checkpoint.empty()) return malformed("the checkpoint is empty");
  std::string text(tlog_proof_header);
  text.append("\n");
  if (proof.extra) {
    if (proof.extra->empty()) return malformed("extra data, when present, is non-empty");
    if (proof.extra->size() > tlog_proof_extra_bytes_max) return too_large("extra data");
    text.append(extra_prefix).append(base64_encode(*proof.extra)).append("\n");
  }
  text.append(index_prefix).append(std::to_string(proof.index)).append("\n");
  for (const Hash& hash : proof.hashes) text.append(base64_encode(hash)).append("\n");
  text.append("\n").append(proof.checkpoint);
  if (text.size() > tlog_proof_bytes_max) return too_large("the proof is over its bound");
  return text;
}

CryptoResult<TlogProof> parse_tlog_proof(std::string_view text) {
  if (text.size() > tlog_proof_bytes_max) return too_large("the proof is over its bound");
  std::string_view rest = text;
  TlogProof proof;

  const auto header = next_line(rest);
  if (!header || *header != tlog_proof_header) return malformed("the first line is not the header");

  auto line = next_line(rest);
  // "The second line MAY start with the string extra followed by a space (U+0020) and
  // base64-encoded opaque extra data. If no extra data is present, this line is omitted."
  if (line && line->starts_with(extra_prefix)) {
    auto extra = base64_decode(line->substr(extra_prefix.size()));
    if (!extra) return malformed("the extra data is not canonical base64");
    if (extra.value().empty()) return malformed("the extra line holds no data");
    if (extra.value().size() > tlog_proof_extra_bytes_max) return too_large("extra data");
    proof.extra = std::move(extra.value());
    line = next_line(rest);
  }
  // "The next line MUST start with the string index followed by a space (U+0020) and the
  // zero-based index of the entry in the log".
  if (!line || !line->starts_with(index_prefix)) return malformed("the index line is missing");
  auto index = parse_index(line->substr(index_prefix.size()));
  if (!index) return index.error();
  proof.index = index.value();

  // "The next zero or more non-empty lines are the base64-encoded Merkle inclusion proof ...
  // one SHA-256 hash per line". "After the inclusion proof lines and an empty line, the
  // checkpoint issued by the log is included verbatim".
  while (true) {
    line = next_line(rest);
    if (!line) return malformed("the empty line before the checkpoint is missing");
    if (line->empty()) break;
    if (proof.hashes.size() == proof_hashes_max) return too_large("too many proof hashes");
    auto hash = base64_decode(*line);
    if (!hash || hash.value().size() != hash_bytes) {
      return malformed("a proof line is not base64 of a 32-byte hash");
    }
    Hash& added = proof.hashes.emplace_back();
    std::copy(hash.value().begin(), hash.value().end(), added.begin());
  }
  if (rest.empty()) return malformed("the checkpoint is empty");
  proof.checkpoint = std::string(rest);
  return proof;
}

CryptoResult<Checkpoint> verify_tlog_proof(const TlogProof& proof, const Hash& leaf_hash,
                                           const VerifierKey& trusted) {
  auto checkpoint = open_checkpoint(proof.checkpoint, trusted);
  if (!checkpoint) return checkpoint.error();
  const Checkpoint& head = checkpoint.value();
  auto included =
      verify_inclusion(proof.index, head.tree_size, leaf_hash, proof.hashes, head.root_hash);
  if (!included) return included.error();
  return checkpoint;
}

}  // namespace pardner::crypto
