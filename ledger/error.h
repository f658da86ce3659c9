// The ledger's refusal codes. Each name goes out verbatim as the problem+json "code" and is
// stored in the idempotency table, so a name is never changed or reused; new codes go at the end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/crypto_error.h"
#include "crypto/result.h"

namespace pardner::ledger {

enum class Errc : std::uint8_t {
  invalid_argument,      // the command is malformed or out of bounds
  not_found,             // an account, member or transaction it names does not exist
  unbalanced,            // postings do not sum to zero in some currency
  insufficient_funds,    // an account would fall below its floor
  account_closed,        // a posting names a closed account
  idempotency_conflict,  // the key was used before with different content
  overflow,              // a balance would not fit in 64 bits
  storage_failed,        // SQLite failed; the writer stops taking writes
  account_not_empty,     // closing an account with a balance or pending amounts
  already_reversed,      // a transaction may be reversed once only
  not_pending,           // post/void of a transaction that is not pending
  already_exists,        // a unique code, or a ledger in a directory that has one
  schema_too_new,        // the database was made by a newer Pardner
  unavailable,           // the writer is stopped or its queue is full
  not_posted,            // reversal of a transaction that is pending, voided or expired
  batch_rolled_back,     // not applied: another command of its atomic group was refused
  not_permitted,         // the acting token may not do this (not an admin, not the applicant)
  self_approval,         // an admin approving (or writing off) a loan to themself
  duplicate_approval,    // the same admin approving one loan twice
  loan_status,           // the loan is not in a state that allows the command
  approvals_mismatch,    // a disbursement names other approvals than those that made quorum
  loan_closed,           // a repayment to a loan that owes nothing
  // Funding rounds (ledger/pool_round_commands.h).
  already_voted,    // a first ballot from a member who has one in force (send replace to change)
  voting_not_open,  // a vote before the round's window opens or after it ends
  voting_open,      // closing a round before its voting window has ended
  round_closed,     // a vote on, or a close of, a round already closed
};

// The stable wire name ("insufficient_funds"). A switch with no default: -Wswitch sees gaps.
std::string_view wire_name(Errc code);

// Parses a wire name back (for refusals remembered in the idempotency table).
bool errc_from_wire_name(std::string_view name, Errc& out);

struct Error {
  Errc code;
  std::string detail;  // for people, never parsed
};

template <class T>
using Result = pardner::Result<T, Error>;

// A crypto/ refusal as a ledger Error: file failures are storage_failed, everything else
// invalid_argument; the detail starts with the crypto code's own wire name.
Error from_crypto_error(const crypto::CryptoError& error);

}  // namespace pardner::ledger
