// C2SP transparency log checkpoints (c2sp.org/tlog-checkpoint): the note text naming a log's
// origin, tree size and root hash, built and parsed strictly, and signed or opened as a signed
// note. Never checks a checkpoint against the log (ledger/ does) and never parses an unsigned one
// as trusted: open_checkpoint is the only way from a note to a Checkpoint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/crypto_error.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "crypto/signed_note.h"

namespace pardner::crypto {

struct Checkpoint {
  std::string origin;                        // the log's identity, a valid key name
  std::uint64_t tree_size = 0;               // the number of leaves
  Hash root_hash{};                          // RFC 6962 MTH at tree_size
  std::vector<std::string> extension_lines;  // optional, opaque, each non-empty; NOT RECOMMENDED
  bool operator==(const Checkpoint&) const = default;
};

// The note text: "origin\n" "tree size in decimal\n" "base64 root hash\n", then each extension
// line and "\n". Refuses a tree size above tree_size_max or a text over note_bytes_max
// (too_large), and an origin that is not a valid key name or an extension line that is empty or
// holds a control character (malformed_checkpoint).
CryptoResult<std::string> format_checkpoint(const Checkpoint& checkpoint);

// Parses a note text strictly: at least three lines, each ending in "\n"; an origin that is a
// valid key name; a decimal tree size with no sign and no leading zero ("0" alone is allowed),
// at most tree_size_max (too_large); a root hash that is canonical base64 of 32 bytes; non-empty
// extension lines. Anything else is malformed_checkpoint.
CryptoResult<Checkpoint> parse_checkpoint(std::string_view text);

// Formats `checkpoint` and signs it as a note under the key name `checkpoint.origin`
// (c2sp.org/tlog-checkpoint: the key name "SHOULD match the origin line").
CryptoResult<std::string> sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key);

// Opens the signed note with `trusted` (see open_note), parses its text, and refuses a
// checkpoint whose origin is not the trusted key's name (wrong_origin): a Pardner verifier key
// speaks only for the log of the same name.
CryptoResult<Checkpoint> open_checkpoint(std::string_view note, const VerifierKey& trusted);

}  // namespace pardner::crypto
