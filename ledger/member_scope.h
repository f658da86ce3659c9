// What a member may see: the entries and transactions that touch their own member record or
// one of their accounts (DESIGN.md "Roles"). The API asks; the rule lives here, beside the data.
// Answers for one member only, so it never reveals another's data.
#pragma once

#include <unordered_map>

#include "ledger/entry.h"
#include "ledger/reader.h"

namespace pardner::ledger {

// Remembers account owners for one request, so a page of entries reads each account once.
class MemberScope {
 public:
  MemberScope(Reader& reader, MemberId member) : reader_(reader), member_(member) {}

  // Whether `entry` names this member, or an account they own (directly, through its postings,
  // or through the transaction it posts, voids or expires). Fails only on storage errors.
  Result<bool> touches(const Entry& entry);
  // Whether the member owns `account` (false for an account that does not exist).
  Result<bool> owns_account(AccountId account);
  // Whether a posting of `transaction` is on one of their accounts (false if it does not exist).
  Result<bool> transaction_touches(TransactionId transaction);

 private:
  Result<bool> any_posting_owned(const boost::json::object& fields);

  Reader& reader_;
  MemberId member_;
  std::unordered_map<AccountId, bool> owned_;
};

}  // namespace pardner::ledger
