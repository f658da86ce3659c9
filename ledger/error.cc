// Names of refusal codes. The inverse parse walks the same switch, so the two cannot disagree.
#include "ledger/error.h"

namespace pardner::ledger {

std::string_view wire_name(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::unbalanced: return "unbalanced";
    case Errc::insufficient_funds: return "insufficient_funds";
    case Errc::account_closed: return "account_closed";
    case Errc::idempotency_conflict: return "idempotency_conflict";
    case Errc::overflow: return "overflow";
    case Errc::storage_failed: return "storage_failed";
    case Errc::account_not_empty: return "account_not_empty";
    case Errc::already_reversed: return "already_reversed";
    case Errc::not_pending: return "not_pending";
    case Errc::already_exists: return "already_exists";
    case Errc::schema_too_new: return "schema_too_new";
    case Errc::unavailable: return "unavailable";
    case Errc::not_posted: return "not_posted";
    case Errc::batch_rolled_back: return "batch_rolled_back";
    case Errc::not_permitted: return "not_permitted";
    case Errc::self_approval: return "self_approval";
    case Errc::duplicate_approval: return "duplicate_approval";
    case Errc::loan_status: return "loan_status";
    case Errc::approvals_mismatch: return "approvals_mismatch";
    case Errc::loan_closed: return "loan_closed";
    case Errc::already_voted: return "already_voted";
    case Errc::voting_not_open: return "voting_not_open";
    case Errc::voting_open: return "voting_open";
    case Errc::round_closed: return "round_closed";
  }
  return "unknown";
}

bool errc_from_wire_name(std::string_view name, Errc& out) {
  for (int i = 0; i <= static_cast<int>(Errc::round_closed); ++i) {
    auto code = static_cast<Errc>(i);
    if (wire_name(code) == name) {
      out = code;
      return true;
    }
  }
  return false;
}

Error from_crypto_error(const crypto::CryptoError& error) {
  Errc code = Errc::invalid_argument;
  switch (error.code) {
    case crypto::CryptoErrc::io_failed: code = Errc::storage_failed; break;
    case crypto::CryptoErrc::malformed_encoding:
    case crypto::CryptoErrc::malformed_key:
    case crypto::CryptoErrc::malformed_note:
    case crypto::CryptoErrc::malformed_checkpoint:
    case crypto::CryptoErrc::malformed_proof:
    case crypto::CryptoErrc::unknown_key:
    case crypto::CryptoErrc::bad_signature:
    case crypto::CryptoErrc::bad_proof:
    case crypto::CryptoErrc::too_large:
    case crypto::CryptoErrc::key_file_insecure:
    case crypto::CryptoErrc::bad_passphrase:
    case crypto::CryptoErrc::passphrase_missing:
    case crypto::CryptoErrc::wrong_origin: code = Errc::invalid_argument; break;
  }
  return Error{code, std::string(crypto::wire_name(error.code)) + ": " + error.detail};
}

}  // namespace pardner::ledger
