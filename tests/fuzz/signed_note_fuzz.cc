// Fuzzes the signed-log text formats an auditor or a member feeds to Pardner: verifier key lines,
// C2SP signed notes and checkpoints (crypto/signed_note.h, crypto/checkpoint.h), tlog-proof texts
// (crypto/tlog_proof.h) and the receipts that carry them (ledger/receipt.h), opened and verified.
// Input: a verifier key line, "\n", then a document (a note, a checkpoint, a tlog proof or a
// receipt; the seeds are real ones from a ledger). Every parse is strict, so whatever parses must
// format back to the same bytes; whatever opens must be the note's own text. A violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/checkpoint.h"
#include "crypto/signed_note.h"
#include "crypto/tlog_proof.h"
#include "ledger/receipt.h"

namespace {

namespace crypto = pardner::crypto;

[[noreturn]] void violated(const char* what, std::string_view text) {
  std::fprintf(stderr, "signed_note_fuzz: %s: %.*s\n", what, static_cast<int>(text.size()),
               text.data());
  std::abort();
}

// A key whose secret half the fuzzer knows, so it can sign what it is given and open it again.
const crypto::SigningKey& own_key() {
  static const crypto::SigningKey key = crypto::SigningKey::from_seed(crypto::SigningKey::Seed{7});
  return key;
}
constexpr std::string_view own_name = "fuzz.example/log";
const crypto::VerifierKey& own_verifier() {
  static const crypto::VerifierKey key =
      crypto::make_verifier_key(own_name, own_key().public_key()).value();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  std::string_view key_line = input.substr(0, newline);
  std::string_view document = input.substr(newline + 1);

  // The trusted key: the input's, if it parses (strictly, so it formats back byte for byte).
  crypto::VerifierKey trusted = own_verifier();
  if (auto parsed = crypto::parse_verifier_key(key_line)) {
    if (crypto::format_verifier_key(parsed.value()) != key_line) {
      violated("verifier key does not format back", key_line);
    }
    trusted = parsed.value();
  }

  if (auto text = crypto::open_note(document, trusted)) {
    // The opened text is the note's beginning, followed by the blank line before signatures.
    const std::string& opened = text.value();
    if (document.substr(0, opened.size()) != opened || document.size() <= opened.size() ||
        document[opened.size()] != '\n') {
      violated("open_note returned text that does not begin the note", document);
    }
  }
  if (auto checkpoint = crypto::open_checkpoint(document, trusted)) {
    auto text = crypto::open_note(document, trusted);
    if (!text) violated("checkpoint opened but its note did not", document);
    auto formatted = crypto::format_checkpoint(checkpoint.value());
    if (!formatted || formatted.value() != text.value()) {
      violated("opened checkpoint does not format back", document);
    }
    if (checkpoint.value().origin != trusted.name) violated("origin is not the key's", document);
  }
  if (auto checkpoint = crypto::parse_checkpoint(document)) {
    auto formatted = crypto::format_checkpoint(checkpoint.value());
    if (!formatted || formatted.value() != document) {
      violated("parsed checkpoint does not format back", document);
    }
  }
  if (auto proof = crypto::parse_tlog_proof(document)) {
    auto formatted = crypto::format_tlog_proof(proof.value());
    if (!formatted || formatted.value() != document) {
      violated("parsed tlog proof does not format back", document);
    }
    // No leaf to prove here: the proof's first hash stands in, which must never crash.
    crypto::Hash leaf{};
    if (!proof.value().hashes.empty()) leaf = proof.value().hashes.front();
    (void)crypto::verify_tlog_proof(proof.value(), leaf, trusted);
  }
  if (auto receipt = pardner::ledger::parse_receipt(document)) {
    (void)pardner::ledger::verify_receipt(receipt.value(), trusted);
    auto again = pardner::ledger::parse_receipt(pardner::ledger::format_receipt(receipt.value()));
    if (!again) violated("formatted receipt does not parse", document);
  }

  // Any text sign_note takes must open again, with the same key, to exactly itself.
  if (auto signed_note = crypto::sign_note(document, own_name, own_key())) {
    auto opened = crypto::open_note(signed_note.value(), own_verifier());
    if (!opened || opened.value() != document) violated("signed text does not open", document);
  }
  return 0;
}
