// C2SP signed-note syntax and Ed25519 signing and verification of notes. Never returns text
// from a note that the trusted key has not signed, and never signs a text that could not be
// opened again (each signed note is re-opened before it is returned).
#include "crypto/signed_note.h"

#include <array>
#include <vector>

#include "crypto/base64.h"
#include "crypto/invariant.h"
#include "crypto/limits.h"
#include "crypto/sha256.h"
#include "crypto/utf8.h"

namespace pardner::crypto {
namespace {

// c2sp.org/signed-note: each signature line starts with an em dash (U+2014) and a space.
constexpr std::string_view signature_line_prefix = "\xe2\x80\x94 ";
constexpr std::size_t key_id_bytes = 4;

CryptoError malformed_note(std::string detail) {
  return CryptoError{CryptoErrc::malformed_note, std::move(detail)};
}

CryptoError malformed_key(std::string detail) {
  return CryptoError{CryptoErrc::malformed_key, std::move(detail)};
}

// c2sp.org/signed-note: notes "MUST NOT contain any ASCII control characters (those below
// U+0020) other than newline".
bool has_control_other_than_newline(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') return true;
  }
  return false;
}

std::array<std::uint8_t, key_id_bytes> key_id_big_endian(std::uint32_t id) {
  return {static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
          static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
}

std::string signature_line(std::string_view name, std::uint32_t id, const Signature& signature) {
  std::vector<std::uint8_t> payload;
  const auto id_bytes = key_id_big_endian(id);
  payload.insert(payload.end(), id_bytes.begin(), id_bytes.end());
  payload.insert(payload.end(), signature.begin(), signature.end());
  std::string line(signature_line_prefix);
  line.append(name).append(" ").append(base64_encode(payload)).append("\n");
  return line;
}

}  // namespace

bool is_valid_key_name(std::string_view name) {
  if (name.empty() || name.size() > key_name_bytes_max) return false;
  const auto code_points = decode_utf8(name);
  if (!code_points) return false;
  for (const char32_t code_point : *code_points) {
    if (code_point == U'+' || is_unicode_space(code_point) || is_control(code_point)) return false;
  }
  return true;
}

std::uint32_t key_id(std::string_view name, const PublicKey& key) {
  const std::array<std::uint8_t, 2> separator{0x0a, ed25519_signature_type};
  const std::span<const std::uint8_t> name_bytes(reinterpret_cast<const std::uint8_t*>(name.data()),
                                                 name.size());
  const Hash hash = sha256({name_bytes, separator, key.bytes()});
  return (std::uint32_t{hash[0]} << 24) | (std::uint32_t{hash[1]} << 16) |
         (std::uint32_t{hash[2]} << 8) | std::uint32_t{hash[3]};
}

CryptoResult<VerifierKey> make_verifier_key(std::string_view name, const PublicKey& key) {
  if (!is_valid_key_name(name)) return malformed_key("the key name is not a valid note key name");
  return VerifierKey{std::string(name), key_id(name, key), key};
}

std::string format_verifier_key(const VerifierKey& key) {
  std::vector<std::uint8_t> typed_key{ed25519_signature_type};
  typed_key.insert(typed_key.end(), key.public_key.bytes().begin(), key.public_key.bytes().end());
  return key.name + "+" + hex_encode(key_id_big_endian(key.key_id)) + "+" +
         base64_encode(typed_key);
}

CryptoResult<VerifierKey> parse_verifier_key(std::string_view line) {
  if (line.size() > key_name_bytes_max + 64) {
    return CryptoError{CryptoErrc::too_large, "the verifier key line is too long"};
  }
  // Split at the first two '+' only: the name has none, and base64 may.
  const std::size_t first_plus = line.find('+');
  if (first_plus == std::string_view::npos) return malformed_key("the verifier key has no '+'");
  const std::size_t second_plus = line.find('+', first_plus + 1);
  if (second_plus == std::string_view::npos) return malformed_key("the verifier key has one '+'");
  const std::string_view name = line.substr(0, first_plus);
  const std::string_view id_hex = line.substr(first_plus + 1, second_plus - first_plus - 1);
  const std::string_view key_base64 = line.substr(second_plus + 1);

  if (!is_valid_key_name(name)) return malformed_key("the key name is not a valid note key name");
  if (id_hex.size() != 2 * key_id_bytes ||
      id_hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return malformed_key("the key ID is not eight lowercase hex digits");
  }
  const std::vector<std::uint8_t> id_bytes = hex_decode(id_hex).value();
  const std::uint32_t id = (std::uint32_t{id_bytes[0]} << 24) | (std::uint32_t{id_bytes[1]} << 16) |
                           (std::uint32_t{id_bytes[2]} << 8) | std::uint32_t{id_bytes[3]};
  auto typed_key = base64_decode(key_base64);
  if (!typed_key) return malformed_key("the key is not canonical base64");
  const std::vector<std::uint8_t>& bytes = typed_key.value();
  if (bytes.empty() || bytes[0] != ed25519_signature_type) {
    return malformed_key("the key is not of signature type 0x01 (Ed25519)");
  }
  auto public_key = PublicKey::from_bytes(std::span(bytes).subspan(1));
  if (!public_key) return public_key.error();
  if (key_id(name, public_key.value()) != id) {
    return malformed_key("the key ID does not match the key name and key");
  }
  return VerifierKey{std::string(name), id, public_key.value()};
}

CryptoResult<std::string> sign_note(std::string_view text, std::string_view key_name,
                                    const SigningKey& key) {
  if (!is_valid_key_name(key_name)) return malformed_key("the key name is not valid");
  if (text.empty() || text.back() != '\n') {
    return malformed_note("the note text must be non-empty and end in a newline");
  }
  if (!is_valid_utf8(text)) return malformed_note("the note text is not UTF-8");
  if (has_control_other_than_newline(text)) {
    return malformed_note("the note text holds a control character other than newline");
  }
  const PublicKey public_key = key.public_key();
  const std::uint32_t id = key_id(key_name, public_key);
  // c2sp.org/signed-note "Ed25519 signatures": over the note text, final newline included.
  std::string note(text);
  note.append("\n").append(signature_line(key_name, id, key.sign(text)));
  if (note.size() > note_bytes_max) {
    return CryptoError{CryptoErrc::too_large, "the signed note is over note_bytes_max"};
  }
  // Second path over the same property: what we sign must open with our own key to our text.
  const auto reopened = open_note(note, VerifierKey{std::string(key_name), id, public_key});
  PARDNER_ASSERT(reopened.has_value());
  PARDNER_ASSERT(reopened.value() == text);
  return note;
}

CryptoResult<std::string> open_note(std::string_view note, const VerifierKey& trusted) {
  if (note.size() > note_bytes_max) {
    return CryptoError{CryptoErrc::too_large, "the note is over note_bytes_max"};
  }
  if (!is_valid_utf8(note)) return malformed_note("the note is not UTF-8");
  if (has_control_other_than_newline(note)) {
    return malformed_note("the note holds a control character other than newline");
  }
  // "the text is separated from the signatures by the last empty line in the note".
  const std::size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) return malformed_note("the note has no signature block");
  const std::string_view text = note.substr(0, blank + 1);
  std::string_view signatures = note.substr(blank + 2);
  if (signatures.empty() || signatures.back() != '\n') {
    return malformed_note("the signature block is empty or does not end in a newline");
  }

  std::size_t line_count = 0;
  std::vector<std::uint8_t> trusted_payload;  // key ID || signature of the trusted key's line
  while (!signatures.empty()) {
    const std::size_t newline = signatures.find('\n');
    std::string_view line = signatures.substr(0, newline);
    signatures.remove_prefix(newline + 1);
    if (++line_count > note_signatures_max) return malformed_note("too many signature lines");
    // "— <key name> base64(32-bit key ID || signature)"
    if (!line.starts_with(signature_line_prefix)) {
      return malformed_note("a signature line does not start with an em dash and a space");
    }
    line.remove_prefix(signature_line_prefix.size());
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return malformed_note("a signature line has no space");
    const std::string_view name = line.substr(0, space);
    if (!is_valid_key_name(name)) return malformed_note("a signature line has an invalid name");
    auto payload = base64_decode(line.substr(space + 1));
    if (!payload) return malformed_note("a signature is not canonical base64");
    const std::vector<std::uint8_t>& bytes = payload.value();
    if (bytes.size() <= key_id_bytes) return malformed_note("a signature is too short");
    const std::uint32_t id = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                             (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
    // "Verifiers MUST ignore signatures from unknown keys, even if they share a name or ID (but
    // not both) with a known key."
    if (name != trusted.name || id != trusted.key_id) continue;
    // One key signs a text once; a second line is an ambiguity we refuse rather than resolve.
    if (!trusted_payload.empty()) {
      return malformed_note("the trusted key signed the note more than once");
    }
    trusted_payload = bytes;
  }
  // "If no signature from a known key verifies successfully, clients MUST reject the note."
  if (trusted_payload.empty()) {
    return CryptoError{CryptoErrc::unknown_key, "the note has no signature from the trusted key"};
  }
  // "If the key name and ID match a known key, verifiers MUST verify the signature. If a
  // signature from a known key fails to verify, clients SHOULD reject the whole note."
  auto signature = signature_from_bytes(std::span(trusted_payload).subspan(key_id_bytes));
  if (!signature) return signature.error();
  auto verified = verify(trusted.public_key, text, signature.value());
  if (!verified) return verified.error();
  return std::string(text);
}

}  // namespace pardner::crypto
