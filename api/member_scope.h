// What a member may see of the log: the entries that touch their own member record or one of
// their accounts (DESIGN.md "Roles"). Reads ownership through ledger::Reader; decides nothing
// about money, and answers for one member only, so it never reveals another's data.
#pragma once

#include <unordered_map>

#include "ledger/entry.h"
#include "ledger/reader.h"

namespace pardner::api {

// Remembers account owners for one request, so a page of entries reads each account once.
class MemberScope {
 public:
  MemberScope(ledger::Reader& reader, ledger::MemberId member) : reader_(reader), member_(member) {}

  // Whether `entry` names this member, or an account they own (directly, through its postings,
  // or through the transaction it posts, voids or expires). Fails only on storage errors.
  ledger::Result<bool> touches(const ledger::Entry& entry);

 private:
  ledger::Result<bool> owns_account(ledger::AccountId account);
  ledger::Result<bool> any_posting_owned(const boost::json::object& fields);
  ledger::Result<bool> transaction_touches(ledger::TransactionId transaction);

  ledger::Reader& reader_;
  ledger::MemberId member_;
  std::unordered_map<ledger::AccountId, bool> owned_;
};

}  // namespace pardner::api
