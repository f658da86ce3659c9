// Receipt encoding (one JSON object, fields base64 where bytes) and offline verification.
#include "ledger/receipt.h"

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "ledger/entry.h"

namespace pardner::ledger {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

constexpr std::size_t receipt_bytes_max = 64 * 1024;

}  // namespace

std::string format_receipt(const Receipt& receipt) {
  auto proof = crypto::format_tlog_proof(receipt.proof);
  PARDNER_ASSERT(proof.has_value());  // built from our own stored proof and checkpoint
  boost::json::object object{{"seq", receipt.seq},
                             {"leaf", crypto::base64_encode(bytes_of(receipt.leaf))},
                             {"signature", crypto::base64_encode(receipt.signature)},
                             {"proof", proof.value()}};
  return boost::json::serialize(object) + "\n";
}

Result<Receipt> parse_receipt(std::string_view text) {
  if (text.size() > receipt_bytes_max) return Error{Errc::invalid_argument, "receipt too large"};
  boost::json::parse_options options;
  options.max_depth = 4;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec, {}, options);
  if (ec || !parsed.is_object()) return Error{Errc::invalid_argument, "receipt is not a JSON object"};
  const auto& object = parsed.get_object();
  auto seq = int_field(object, "seq");
  auto leaf = string_field(object, "leaf");
  auto signature = string_field(object, "signature");
  auto proof = string_field(object, "proof");
  if (!seq) return seq.error();
  if (!leaf) return leaf.error();
  if (!signature) return signature.error();
  if (!proof) return proof.error();
  Receipt receipt;
  receipt.seq = seq.value();
  auto leaf_bytes = crypto::base64_decode(leaf.value());
  if (!leaf_bytes) return from_crypto_error(leaf_bytes.error());
  receipt.leaf.assign(leaf_bytes.value().begin(), leaf_bytes.value().end());
  auto signature_bytes = crypto::base64_decode(signature.value());
  if (!signature_bytes) return from_crypto_error(signature_bytes.error());
  auto parsed_signature = crypto::signature_from_bytes(signature_bytes.value());
  if (!parsed_signature) return from_crypto_error(parsed_signature.error());
  receipt.signature = parsed_signature.value();
  auto parsed_proof = crypto::parse_tlog_proof(proof.value());
  if (!parsed_proof) return from_crypto_error(parsed_proof.error());
  receipt.proof = std::move(parsed_proof).value();
  return receipt;
}

Result<crypto::Checkpoint> verify_receipt(const Receipt& receipt,
                                          const crypto::VerifierKey& trusted) {
  if (receipt.seq < 0 || static_cast<std::uint64_t>(receipt.seq) != receipt.proof.index) {
    return Error{Errc::invalid_argument, "receipt seq and proof index differ"};
  }
  auto entry = decode_leaf(receipt.leaf);
  if (!entry) return Error{Errc::invalid_argument, "receipt leaf: " + entry.error().detail};
  if (entry.value().seq != receipt.seq) {
    return Error{Errc::invalid_argument, "the leaf names another seq"};
  }
  auto signed_ok = crypto::verify(trusted.public_key, receipt.leaf, receipt.signature);
  if (!signed_ok) return from_crypto_error(signed_ok.error());
  auto checkpoint =
      crypto::verify_tlog_proof(receipt.proof, crypto::leaf_hash(receipt.leaf), trusted);
  if (!checkpoint) return from_crypto_error(checkpoint.error());
  return std::move(checkpoint).value();
}

std::string format_consistency_proof(std::uint64_t from, std::uint64_t to,
                                     const std::vector<crypto::Hash>& hashes) {
  boost::json::array encoded;
  for (const auto& hash : hashes) encoded.push_back(boost::json::string(crypto::base64_encode(hash)));
  boost::json::object object{{"from", from}, {"to", to}, {"hashes", std::move(encoded)}};
  return boost::json::serialize(object) + "\n";
}

Result<crypto::Checkpoint> verify_receipt_still_included(const Receipt& receipt,
                                                         const crypto::VerifierKey& trusted,
                                                         std::string_view later_checkpoint,
                                                         std::string_view consistency_proof) {
  auto earlier = verify_receipt(receipt, trusted);
  if (!earlier) return earlier.error();
  auto later = crypto::open_checkpoint(later_checkpoint, trusted);
  if (!later) return from_crypto_error(later.error());
  if (consistency_proof.size() > receipt_bytes_max) {
    return Error{Errc::invalid_argument, "consistency proof too large"};
  }
  boost::json::parse_options options;
  options.max_depth = 3;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(consistency_proof, ec, {}, options);
  if (ec || !parsed.is_object()) return Error{Errc::invalid_argument, "proof is not a JSON object"};
  auto from = int_field(parsed.get_object(), "from");
  auto to = int_field(parsed.get_object(), "to");
  const auto* hashes = parsed.get_object().if_contains("hashes");
  if (!from || !to || hashes == nullptr || !hashes->is_array()) {
    return Error{Errc::invalid_argument, "proof needs from, to and hashes"};
  }
  if (static_cast<std::uint64_t>(from.value()) != earlier.value().tree_size ||
      static_cast<std::uint64_t>(to.value()) != later.value().tree_size) {
    return Error{Errc::invalid_argument, "the proof is not between the receipt's checkpoint and the later one"};
  }
  std::vector<crypto::Hash> path;
  for (const auto& element : hashes->get_array()) {
    const auto* text = element.if_string();
    if (text == nullptr) return Error{Errc::invalid_argument, "proof hash is not a string"};
    auto bytes = crypto::base64_decode(*text);
    if (!bytes || bytes.value().size() != crypto::hash_bytes) {
      return Error{Errc::invalid_argument, "proof hash is not 32 bytes of base64"};
    }
    crypto::Hash hash{};
    std::copy(bytes.value().begin(), bytes.value().end(), hash.begin());
    path.push_back(hash);
  }
  auto consistent = crypto::verify_consistency(earlier.value().tree_size, later.value().tree_size,
                                               earlier.value().root_hash, later.value().root_hash,
                                               path);
  if (!consistent) return from_crypto_error(consistent.error());
  return std::move(later).value();
}

}  // namespace pardner::ledger
