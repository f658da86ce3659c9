// Receipts: what a member keeps to prove an entry is in the log. A receipt is a JSON object
// holding the entry's seq, its leaf bytes and signature (base64), and a C2SP tlog-proof
// (c2sp.org/tlog-proof@v1: index, inclusion hashes, the signed checkpoint verbatim) as text, so
// standard tools can check the proof part on its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// The consistency proof document of GET /v1/log/proof/consistency and `pardner proof
// consistency`: {"from":M,"to":N,"hashes":["<base64>",...]}.
std::string format_consistency_proof(std::uint64_t from, std::uint64_t to,
                                     const std::vector<crypto::Hash>& hashes);

// Shows that a receipt's entry is still in the log later: verifies the receipt, opens the later
// checkpoint with the same key, and checks the consistency proof from the receipt's tree size
// to the later one. Returns the later checkpoint.
Result<crypto::Checkpoint> verify_receipt_still_included(const Receipt& receipt,
                                                         const crypto::VerifierKey& trusted,
                                                         std::string_view later_checkpoint,
                                                         std::string_view consistency_proof);

}  // namespace pardner::ledger
