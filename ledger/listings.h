// Lists for readers: members, accounts (with their balances) and the transactions touching one
// account, each in a stable order and paged by a key the caller passes back ("after"). One SQL
// statement per page, so a page is one snapshot and costs no query per item. Never writes, and
// never applies a member's scope itself: the filter it is given is the whole rule.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/error.h"
#include "ledger/reader.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct MemberFilter {
  std::optional<MemberStatus> status;
};

struct MemberPage {
  std::vector<Member> members;         // by id
  std::optional<MemberId> next_after;  // the last id of this page when more follow
};

struct AccountFilter {
  std::optional<MemberId> owner;
  std::optional<AccountType> type;
  // Codes starting with these bytes, compared literally ('_' and '%' are no wildcards); at most
  // account_code_bytes_max bytes. Empty matches every code.
  std::string code_prefix;
  std::optional<std::string> currency;
  std::optional<bool> closed;
};

struct AccountListing {
  Account account;
  Balance balance;  // from the account's stored totals, as Reader::balance reports it
};

struct AccountPage {
  std::vector<AccountListing> accounts;  // by id
  std::optional<AccountId> next_after;
};

// One transaction as it touches one account.
struct AccountTransaction {
  TransactionId id = 0;
  Seq seq = 0;  // the entry that created it
  TransactionStatus status = TransactionStatus::posted;
  Date value_date = 0;
  std::string memo;
  // The sum of this account's postings in it, positive debit, negative credit: what was posted
  // once posted (posting a pending one for less moves less), else what was reserved (a voided or
  // expired one moved nothing; this says what it had held).
  Minor amount = 0;
  std::optional<Seq> resolved_seq;  // the entry that posted, voided or expired a pending one
};

struct AccountTransactionPage {
  std::vector<AccountTransaction> transactions;  // in log order of their creating entries
  std::optional<Seq> next_after;
};

// Members with id > `after` matching `filter`, at most `limit` (1..list_page_max), with their
// profiles. Fails with invalid_argument for a limit out of range, else only on storage errors.
Result<MemberPage> list_members(Database& db, const MemberFilter& filter,
                                std::optional<MemberId> after, std::size_t limit);

// Accounts with id > `after` matching every filter given, at most `limit` (1..list_page_max).
// invalid_argument for a limit out of range or a prefix longer than account_code_bytes_max.
Result<AccountPage> list_accounts(Database& db, const AccountFilter& filter,
                                  std::optional<AccountId> after, std::size_t limit);

// The transactions with a posting on `account` created after entry `after`, pending, posted,
// voided and expired alike, at most `limit` (1..list_page_max). not_found for an account that
// does not exist; invalid_argument for a limit out of range.
Result<AccountTransactionPage> list_account_transactions(Database& db, AccountId account,
                                                         std::optional<Seq> after,
                                                         std::size_t limit);

}  // namespace pardner::ledger
