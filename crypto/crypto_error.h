// The crypto layer's refusal codes. Each name is stable (ledger/ wraps them and api/ may show
// them), so a name is never changed or reused; new codes go at the end. Never thrown: every
// function in crypto/ that can refuse returns CryptoResult.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/result.h"

namespace pardner::crypto {

enum class CryptoErrc : std::uint8_t {
  malformed_encoding,    // base64 or hex that is not canonical
  malformed_key,         // a key, key line or key file that does not parse or does not match
  malformed_note,        // a signed note that breaks c2sp.org/signed-note syntax
  malformed_checkpoint,  // a note body that breaks c2sp.org/tlog-checkpoint
  malformed_proof,       // a text proof that breaks c2sp.org/tlog-proof
  unknown_key,           // no signature line from the trusted key
  bad_signature,         // a signature from the trusted key that does not verify
  bad_proof,             // an inclusion or consistency proof that does not verify
  too_large,             // over a bound in crypto/limits.h
  key_file_insecure,     // a private key file readable or writable by group or others
  io_failed,             // a file could not be read, written or synced
  bad_passphrase,        // the passphrase does not open the sealed key
  passphrase_missing,    // neither the environment variable nor the file gave a passphrase
  wrong_origin,          // a checkpoint whose origin is not the verifier key's name
};

// The stable wire name ("bad_signature"). A switch with no default: -Wswitch sees gaps.
std::string_view wire_name(CryptoErrc code);

struct CryptoError {
  CryptoErrc code;
  std::string detail;  // for people, never parsed
};

template <class T>
using CryptoResult = pardner::Result<T, CryptoError>;

}  // namespace pardner::crypto
