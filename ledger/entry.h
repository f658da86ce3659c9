// Log entries: their kinds, their canonical bytes, and reading them back. An entry holds ids,
// amounts and codes only; names and contact details never enter the log.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/error.h"
#include "ledger/types.h"

namespace pardner::ledger {

// Every kind of entry. Replay and rebuild switch on it without a default, so adding a kind
// makes the compiler list what must learn it. Names are the wire names of the `kind` field.
enum class EntryKind : std::uint8_t {
  member_created,
  member_status_changed,
  account_opened,
  account_closed,
  account_floor_changed,
  transaction,  // posted or pending; a reversal is a transaction naming what it reverses
  pending_posted,
  pending_voided,
  pending_expired,
  // Loan funds (ledger/loan_projection.cc). Money they move is in transaction entries of their
  // own, appended by the same command just before them and named by them.
  loan_fund_created,
  loan_product_created,
  loan_applied,
  loan_approved,  // one admin's approval; the one reaching quorum names the reservation
  loan_rejected,
  loan_withdrawn,
  loan_disbursed,  // names the approvals that authorised it; the schedule follows from the log
  loan_repaid,     // one repayment and its allocation; the loan closes when nothing is owed
  loan_late_fee_charged,   // the product's late fee on one instalment; moves no money
  loan_writeoff_approved,  // one admin's approval to write a loan off
  loan_written_off,        // names the approvals that made quorum and the principal written off
  loan_recovered,          // money recovered on a written-off loan
  // Pools (ledger/pool_projection.cc). As with loans, money moves in transaction entries of
  // their own, appended by the same command just before the pool entry that names them.
  pool_created,
  pool_contributed,
  pool_policy_set,   // a new version of the pool's allocation policy
  pool_distributed,  // the policy version and the split; replay recomputes the split
  round_opened,
  round_vote_cast,  // a member's ballot; replaces their earlier one in the round
  round_closed,     // the tally and the payout; replay recomputes both from the ballots
  // Dividends (ledger/dividend_projection.cc): the inputs and the transactions that paid them;
  // replay recomputes the split from the share balances as of the recorded seq.
  dividend_declared,
};
// The last kind, for loops over all of them.
inline constexpr EntryKind entry_kind_last = EntryKind::dividend_declared;
std::string_view wire_name(EntryKind kind);
std::optional<EntryKind> entry_kind_from(std::string_view name);

struct Entry {
  Seq seq = 0;
  Timestamp ts = 0;
  EntryKind kind = EntryKind::transaction;
  boost::json::object fields;  // the whole entry object, seq/ts/kind included
  std::string leaf;            // the canonical bytes
};

// The leaf bytes of an entry: `fields` plus seq, ts and kind, canonically encoded.
std::string encode_leaf(Seq seq, Timestamp ts, EntryKind kind, boost::json::object fields);

// Reads leaf bytes back and checks they are exactly canonical (the second path of the
// canonical-bytes check: once before signing, once when read). Refusals are invalid_argument.
// The fields are kept in `storage` when given (a verifier decodes a batch of entries into one
// arena, freed whole); it must outlive the Entry, and an Entry moved into another keeps it.
Result<Entry> decode_leaf(std::string_view leaf, boost::json::storage_ptr storage = {});

// The "postings" array of transaction and pending_posted entries, and reading it back (from
// the entry's fields; a missing or malformed array is invalid_argument).
boost::json::array postings_json(const std::vector<Posting>& postings);
Result<std::vector<Posting>> postings_from_json(const boost::json::object& fields);

// Typed field access for decoded entries; a missing or mistyped field is invalid_argument.
Result<std::int64_t> int_field(const boost::json::object& object, std::string_view name);
Result<std::optional<std::int64_t>> optional_int_field(const boost::json::object& object,
                                                       std::string_view name);
Result<std::string> string_field(const boost::json::object& object, std::string_view name);
// The same without a copy: the view lives as long as the object.
Result<std::string_view> string_view_field(const boost::json::object& object,
                                           std::string_view name);
Result<std::optional<std::string>> optional_string_field(const boost::json::object& object,
                                                         std::string_view name);

}  // namespace pardner::ledger
