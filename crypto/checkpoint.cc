// The tlog-checkpoint note text, both directions, and its signing through signed notes. Never
// accepts two spellings of one checkpoint: the size has one decimal form and the root one
// base64 form, so a parsed checkpoint formats back to the exact bytes that were signed.
#include "crypto/checkpoint.h"

#include <algorithm>

#include "crypto/base64.h"
#include "crypto/decimal.h"
#include "crypto/invariant.h"
#include "crypto/limits.h"
#include "crypto/utf8.h"

namespace pardner::crypto {
namespace {

CryptoError malformed(std::string detail) {
  return CryptoError{CryptoErrc::malformed_checkpoint, std::move(detail)};
}

bool is_valid_extension_line(std::string_view line) {
  if (line.empty() || !is_valid_utf8(line)) return false;
  for (const char c : line) {
    if (static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// c2sp.org/tlog-checkpoint: "the ASCII decimal representation of the number of leaves in the
// tree, with no leading zeroes (unless the tree is empty, in which case the tree size is 0)".
CryptoResult<std::uint64_t> parse_tree_size(std::string_view digits) {
  const std::optional<std::uint64_t> value = parse_canonical_decimal(digits);
  if (!value) return malformed("the tree size is not a canonical decimal");
  if (*value > tree_size_max) {
    return CryptoError{CryptoErrc::too_large, "the tree size is above 2^62"};
  }
  return *value;
}

}  // namespace

CryptoResult<std::string> format_checkpoint(const Checkpoint& checkpoint) {
  if (!is_valid_key_name(checkpoint.origin)) return malformed("the origin is not a valid name");
  if (checkpoint.tree_size > tree_size_max) {
    return CryptoError{CryptoErrc::too_large, "the tree size is above 2^62"};
  }
  std::string text = checkpoint.origin + "\n";
  text.append(std::to_string(checkpoint.tree_size)).append("\n");
  text.append(base64_encode(checkpoint.root_hash)).append("\n");
  for (const std::string& line : checkpoint.extension_lines) {
    if (!is_valid_extension_line(line)) return malformed("an extension line is empty or invalid");
    text.append(line).append("\n");
  }
  // The same bound parse_checkpoint applies, so whatever we format we can also parse.
  if (text.size() > note_bytes_max) {
    return CryptoError{CryptoErrc::too_large, "the checkpoint is over note_bytes_max"};
  }
  return text;
}

CryptoResult<Checkpoint> parse_checkpoint(std::string_view text) {
  if (text.size() > note_bytes_max) {
    return CryptoError{CryptoErrc::too_large, "the checkpoint is over note_bytes_max"};
  }
  if (text.empty() || text.back() != '\n') return malformed("the text does not end in a newline");
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const std::size_t newline = rest.find('\n');
    lines.push_back(rest.substr(0, newline));
    rest.remove_prefix(newline + 1);
  }
  if (lines.size() < 3) return malformed("a checkpoint has at least three lines");

  Checkpoint checkpoint;
  if (!is_valid_key_name(lines[0])) return malformed("the origin is not a valid name");
  checkpoint.origin = std::string(lines[0]);
  auto tree_size = parse_tree_size(lines[1]);
  if (!tree_size) return tree_size.error();
  checkpoint.tree_size = tree_size.value();
  auto root_hash = base64_decode(lines[2]);
  if (!root_hash || root_hash.value().size() != hash_bytes) {
    return malformed("the root hash is not base64 of 32 bytes");
  }
  std::copy(root_hash.value().begin(), root_hash.value().end(), checkpoint.root_hash.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) {
    // "Extension lines, if any, MUST be non-empty."
    if (!is_valid_extension_line(lines[i])) {
      return malformed("an extension line is empty or invalid");
    }
    checkpoint.extension_lines.emplace_back(lines[i]);
  }
  return checkpoint;
}

CryptoResult<std::string> sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key) {
  auto text = format_checkpoint(checkpoint);
  if (!text) return text.error();
  // Second path: what we sign parses back to what we were given.
  const auto parsed = parse_checkpoint(text.value());
  PARDNER_ASSERT(parsed.has_value());
  PARDNER_ASSERT(parsed.value() == checkpoint);
  return sign_note(text.value(), checkpoint.origin, key);
}

CryptoResult<Checkpoint> open_checkpoint(std::string_view note, const VerifierKey& trusted) {
  auto text = open_note(note, trusted);
  if (!text) return text.error();
  auto checkpoint = parse_checkpoint(text.value());
  if (!checkpoint) return checkpoint.error();
  if (checkpoint.value().origin != trusted.name) {
    return CryptoError{CryptoErrc::wrong_origin, "the checkpoint's origin is not the key's name"};
  }
  return checkpoint;
}

}  // namespace pardner::crypto
