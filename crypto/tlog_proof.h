// C2SP transparency log proofs (c2sp.org/tlog-proof@v1): an entry's index, its inclusion proof
// and the signed checkpoint it leads to, as one text a member can keep. Owns the text format and
// the offline check; never fetches anything and never trusts the unauthenticated extra data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/checkpoint.h"
#include "crypto/crypto_error.h"
#include "crypto/sha256.h"
#include "crypto/signed_note.h"

namespace pardner::crypto {

// c2sp.org/tlog-proof: "The first line MUST be the string c2sp.org/tlog-proof@v1".
inline constexpr std::string_view tlog_proof_header = "c2sp.org/tlog-proof@v1";

struct TlogProof {
  std::optional<std::vector<std::uint8_t>> extra;  // opaque, unauthenticated; non-empty if set
  std::uint64_t index = 0;                         // the entry's 0-based index in the log
  std::vector<Hash> hashes;  // RFC 6962 inclusion proof: leaf's sibling first, root's child last
  std::string checkpoint;    // the signed checkpoint note, verbatim
  bool operator==(const TlogProof&) const = default;
};

// The text: the header line, "extra <base64>" if extra is set, "index <decimal>", one base64
// hash per line, an empty line, then the checkpoint verbatim. Refuses (malformed_proof) empty
// extra data or an empty checkpoint, and (too_large) extra over tlog_proof_extra_bytes_max, more
// than proof_hashes_max hashes, an index of tree_size_max or more, or a whole text over
// tlog_proof_bytes_max.
CryptoResult<std::string> format_tlog_proof(const TlogProof& proof);

// Parses the text strictly: exactly the header; optionally "extra " and canonical non-empty
// base64; "index " and a decimal with no leading zero ("0" alone allowed); zero or more lines of
// canonical base64 of 32 bytes; an empty line; a non-empty checkpoint. The checkpoint is kept
// verbatim and not opened here. Violations are malformed_proof; bounds as for format (too_large).
CryptoResult<TlogProof> parse_tlog_proof(std::string_view text);

// The offline check: opens the checkpoint with `trusted` (see open_checkpoint), then verifies
// that `leaf_hash` sits at `proof.index` in the tree it names (RFC 9162 §2.1.3.2). Returns the
// checkpoint, or the first refusal (from open_checkpoint, or bad_proof).
CryptoResult<Checkpoint> verify_tlog_proof(const TlogProof& proof, const Hash& leaf_hash,
                                           const VerifierKey& trusted);

}  // namespace pardner::crypto
