// The log endpoints, in the exact formats DESIGN.md fixes. Auditors and admins read everything;
// a member reads the checkpoint, the key and consistency proofs (they hold no entry data), and
// only the entries, inclusion proofs and receipts of entries that touch their own accounts:
// anything else answers 404, as if it did not exist.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "api/params.h"
#include "crypto/base64.h"
#include "ledger/limits.h"
#include "ledger/member_scope.h"
#include "ledger/receipt.h"

namespace pardner::api::handlers {
namespace {

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

std::string base64_of(std::string_view bytes) {
  return crypto::base64_encode({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

boost::json::array base64_hashes(const std::vector<crypto::Hash>& hashes) {
  boost::json::array out;
  for (const crypto::Hash& hash : hashes) out.emplace_back(crypto::base64_encode(hash));
  return out;
}

std::optional<ledger::MemberId> member_of(const Exchange& ex) {
  if (ex.principal() && ex.principal()->role == Role::member) return ex.principal()->member;
  return std::nullopt;
}

Problem hidden_entry(ledger::Seq seq) {
  return problem_from(ledger::Error{ledger::Errc::not_found,
                                    "no entry " + std::to_string(seq) + " that you may read"});
}

// For a member: Ok when entry `seq` exists and touches them, else the 404 problem (or a
// storage failure). For everyone else: Ok.
pardner::Result<Ok, Problem> check_visible(Exchange& ex, ledger::Seq seq) {
  auto member = member_of(ex);
  if (!member) return Ok{};
  auto entry = ex.reader().entry(seq);
  if (!entry) {
    if (entry.error().code == ledger::Errc::not_found) return hidden_entry(seq);
    return problem_from(entry.error());
  }
  ledger::MemberScope scope(ex.reader(), *member);
  auto touches = scope.touches(entry.value());
  if (!touches) return problem_from(touches.error());
  if (!touches.value()) return hidden_entry(seq);
  return Ok{};
}

}  // namespace

void log_checkpoint(Exchange& ex) {
  auto checkpoint = ex.reader().latest_checkpoint();
  if (!checkpoint) return ex.fail(checkpoint.error());
  ex.reply(Response{200, std::string(text_type), checkpoint.value().note, {}});
}

void log_key(Exchange& ex) {
  ex.reply(Response{200, std::string(text_type), ex.services().verifier_key_line + "\n", {}});
}

void log_entries(Exchange& ex) {
  auto start = query_integer(ex.request(), "start", 0, int64_max, 0);
  if (!start) return ex.fail(start.error());
  auto limit =
      query_integer(ex.request(), "limit", 1, static_cast<std::int64_t>(ledger::entries_page_max),
                    static_cast<std::int64_t>(entries_page_default));
  if (!limit) return ex.fail(limit.error());
  ledger::Seq first = *start.value();
  auto leaves = ex.reader().leaves(first, static_cast<std::size_t>(*limit.value()));
  if (!leaves) return ex.fail(leaves.error());

  auto member = member_of(ex);
  std::optional<ledger::MemberScope> scope;
  if (member) scope.emplace(ex.reader(), *member);
  boost::json::array entries;
  for (std::size_t i = 0; i < leaves.value().size(); ++i) {
    const std::string& leaf = leaves.value()[i];
    ledger::Seq seq = first + static_cast<ledger::Seq>(i);  // seq has no gaps
    if (scope) {
      auto entry = ledger::decode_leaf(leaf);
      if (!entry) return ex.fail(ledger::Error{ledger::Errc::storage_failed, entry.error().detail});
      PARDNER_ASSERT(entry.value().seq == seq);
      auto touches = scope->touches(entry.value());
      if (!touches) return ex.fail(touches.error());
      if (!touches.value()) continue;
    }
    auto signature = ex.reader().signature(seq);
    if (!signature) return ex.fail(signature.error());
    entries.emplace_back(
        boost::json::object{{"seq", seq},
                            {"leaf", base64_of(leaf)},
                            {"signature", crypto::base64_encode(signature.value())}});
  }
  ex.reply_json(200, boost::json::serialize(boost::json::object{{"entries", std::move(entries)}}));
}

void log_inclusion_proof(Exchange& ex) {
  auto seq = required_query_integer(ex.request(), "seq", 0, int64_max);
  if (!seq) return ex.fail(seq.error());
  auto size = query_integer(ex.request(), "size", 1, int64_max);
  if (!size) return ex.fail(size.error());
  if (auto visible = check_visible(ex, seq.value()); !visible) return ex.fail(visible.error());
  std::uint64_t tree_size = 0;
  if (size.value()) {
    tree_size = static_cast<std::uint64_t>(*size.value());
  } else {
    auto latest = ex.reader().latest_checkpoint();
    if (!latest) return ex.fail(latest.error());
    tree_size = latest.value().tree_size;
  }
  auto proof = ex.reader().inclusion_proof(seq.value(), tree_size);
  if (!proof) return ex.fail(proof.error());
  boost::json::object body{
      {"seq", seq.value()}, {"size", tree_size}, {"hashes", base64_hashes(proof.value())}};
  ex.reply_json(200, boost::json::serialize(body));
}

void log_consistency_proof(Exchange& ex) {
  auto from = required_query_integer(ex.request(), "from", 0, int64_max);
  if (!from) return ex.fail(from.error());
  auto to = query_integer(ex.request(), "to", 0, int64_max);
  if (!to) return ex.fail(to.error());
  std::uint64_t new_size = 0;
  if (to.value()) {
    new_size = static_cast<std::uint64_t>(*to.value());
  } else {
    auto latest = ex.reader().latest_checkpoint();
    if (!latest) return ex.fail(latest.error());
    new_size = latest.value().tree_size;
  }
  auto old_size = static_cast<std::uint64_t>(from.value());
  auto proof = ex.reader().consistency_proof(old_size, new_size);
  if (!proof) return ex.fail(proof.error());
  ex.reply_json(200, ledger::format_consistency_proof(old_size, new_size, proof.value()));
}

void log_receipt(Exchange& ex) {
  auto seq = required_query_integer(ex.request(), "seq", 0, int64_max);
  if (!seq) return ex.fail(seq.error());
  if (auto visible = check_visible(ex, seq.value()); !visible) return ex.fail(visible.error());
  auto receipt = ex.reader().receipt(seq.value());
  if (!receipt) return ex.fail(receipt.error());
  ex.reply_json(200, std::move(receipt.value()));
}

}  // namespace pardner::api::handlers
