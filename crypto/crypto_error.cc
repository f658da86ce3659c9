// Names of the crypto layer's refusal codes. Owns only the code-to-name table; never decides
// which code a failure gets (each function that refuses does).
#include "crypto/crypto_error.h"

namespace pardner::crypto {

std::string_view wire_name(CryptoErrc code) {
  switch (code) {
    case CryptoErrc::malformed_encoding: return "malformed_encoding";
    case CryptoErrc::malformed_key: return "malformed_key";
    case CryptoErrc::malformed_note: return "malformed_note";
    case CryptoErrc::malformed_checkpoint: return "malformed_checkpoint";
    case CryptoErrc::malformed_proof: return "malformed_proof";
    case CryptoErrc::unknown_key: return "unknown_key";
    case CryptoErrc::bad_signature: return "bad_signature";
    case CryptoErrc::bad_proof: return "bad_proof";
    case CryptoErrc::too_large: return "too_large";
    case CryptoErrc::key_file_insecure: return "key_file_insecure";
    case CryptoErrc::io_failed: return "io_failed";
    case CryptoErrc::bad_passphrase: return "bad_passphrase";
    case CryptoErrc::passphrase_missing: return "passphrase_missing";
    case CryptoErrc::wrong_origin: return "wrong_origin";
  }
  // Unreachable for a valid enumerator; a cast from a bad integer lands here.
  return "unknown";
}

}  // namespace pardner::crypto
