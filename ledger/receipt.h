// Receipts: what a member keeps to prove an entry is in the log. A receipt is a JSON object
// holding the entry's seq, its leaf bytes and signature (base64), and a C2SP tlog-proof
// (c2sp.org/tlog-proof@v1: index, inclusion hashes, the signed checkpoint verbatim) as text, so
// standard tools can check the proof part on its own.
#pragma once

#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/signed_note.h"
#include "crypto/tlog_proof.h"
#include "ledger/error.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct Receipt {
  Seq seq = 0;
  std::string leaf;
  crypto::Signature signature{};
  crypto::TlogProof proof;
};

std::string format_receipt(const Receipt& receipt);
Result<Receipt> parse_receipt(std::string_view text);

// Checks a receipt offline against the key the member trusts: the entry's signature, the
// checkpoint's signature, and the inclusion of the leaf in the checkpoint's tree. Returns the
// checkpoint it was proved against.
Result<crypto::Checkpoint> verify_receipt(const Receipt& receipt,
                                          const crypto::VerifierKey& trusted);

}  // namespace pardner::ledger
