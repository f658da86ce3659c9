// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys: key names, key IDs, verifier key
// lines, signing a text and opening a note against one trusted key. Owns the note syntax; never
// interprets the text it signs (crypto/checkpoint.h does) and never trusts an unverified text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/crypto_error.h"
#include "crypto/ed25519.h"

namespace pardner::crypto {

// c2sp.org/signed-note "Signature types": 0x01 is Ed25519.
inline constexpr std::uint8_t ed25519_signature_type = 0x01;

// c2sp.org/signed-note: key names "MUST be non-empty and MUST NOT contain any Unicode spaces or
// plus (U+002B) characters". We also require valid UTF-8, no control characters and at most
// key_name_bytes_max bytes. Checkpoint origins follow the same rule.
bool is_valid_key_name(std::string_view name);

// SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4], read as a big-endian uint32.
std::uint32_t key_id(std::string_view name, const PublicKey& key);

// A trusted key: what a verifier is configured with.
struct VerifierKey {
  std::string name;
  std::uint32_t key_id;
  PublicKey public_key;
};

// The verifier key for `name`; refuses an invalid name (malformed_key).
CryptoResult<VerifierKey> make_verifier_key(std::string_view name, const PublicKey& key);

// "name+hhhhhhhh+base64(0x01 || public key)", with the key ID as eight lowercase hex digits.
std::string format_verifier_key(const VerifierKey& key);

// Parses a verifier key line, splitting only at the first two '+' (the base64 may hold more).
// Refuses a line over key_name_bytes_max + 64 bytes (too_large), and (malformed_key) an invalid
// name, a key ID that is not eight lowercase hex digits, base64 that is not canonical, a type
// byte other than 0x01, a key that is not 32 bytes, and a key ID that does not match the key.
CryptoResult<VerifierKey> parse_verifier_key(std::string_view line);

// Signs `text` as one note: text, a blank line, "— name base64(key ID || signature)\n" (em dash
// U+2014, space). The text must be non-empty, end in a newline, be valid UTF-8 and hold no
// control character but newline (malformed_note); the name must be valid (malformed_key); the
// note must fit note_bytes_max (too_large).
CryptoResult<std::string> sign_note(std::string_view text, std::string_view key_name,
                                    const SigningKey& key);

// Opens `note` with one trusted key and returns its text (up to and including the newline before
// the last blank line). Refuses, in this order: a note over note_bytes_max (too_large); one that
// is not UTF-8, holds a control character other than newline (a CR included), has no blank line
// before its signatures, a malformed signature line or over note_signatures_max of them, or a
// second signature line from the trusted key (malformed_note); no signature line from the
// trusted key (unknown_key); its signature not verifying (bad_signature). Lines from other keys,
// even one sharing the name or the key ID, are checked for syntax only and otherwise ignored.
CryptoResult<std::string> open_note(std::string_view note, const VerifierKey& trusted);

}  // namespace pardner::crypto
