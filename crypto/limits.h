// Every bound the crypto layer enforces on input from the world, in one place. Each is tested at
// the limit and one past it. Never holds a format constant that a spec fixes (those live beside
// the code that implements the spec).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pardner::crypto {

// Merkle trees: sizes and indices above 2^62 are refused before any loop runs, so shifts and
// sums on them can never overflow 64 bits.
inline constexpr std::uint64_t tree_size_max = std::uint64_t{1} << 62;
// A proof in a tree of at most 2^62 leaves has at most 62 hashes (inclusion) or 63 (consistency
// with the seed); anything longer is refused before it is read.
inline constexpr std::size_t proof_hashes_max = 64;

// Signed notes (c2sp.org/signed-note): the whole note text, and its signature lines. The spec
// says verifiers MUST accept at least 16 signatures.
inline constexpr std::size_t note_bytes_max = 16 * 1024;
inline constexpr std::size_t note_signatures_max = 100;
inline constexpr std::size_t key_name_bytes_max = 256;

// tlog-proof text: the optional extra data (decoded) and the whole proof.
inline constexpr std::size_t tlog_proof_extra_bytes_max = 4096;
inline constexpr std::size_t tlog_proof_bytes_max = 32 * 1024;

// Key files and passphrases.
inline constexpr std::size_t key_file_bytes_max = 4096;
inline constexpr std::size_t passphrase_bytes_max = 1024;

static_assert(note_signatures_max >= 16, "c2sp.org/signed-note: MUST accept at least 16");
static_assert(proof_hashes_max >= 63);
static_assert(key_name_bytes_max < note_bytes_max);
// A proof holds a whole note, its hashes (44 base64 characters and a newline each) and extra.
static_assert(note_bytes_max + proof_hashes_max * 45 + 2 * tlog_proof_extra_bytes_max + 128 <=
              tlog_proof_bytes_max);

}  // namespace pardner::crypto
