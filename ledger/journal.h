// A ledger-cli / hledger journal of the posted transactions, so auditors can cross-check
// balances with the tools they already use. Fed entries in log order; never reads storage.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "ledger/entry.h"
#include "ledger/money.h"

namespace pardner::ledger {

// "-12.05" for -1205 with exponent 2; "7" for 7 with exponent 0. Exact: no floating point.
std::string format_amount(Minor amount, int exponent);

class JournalWriter {
 public:
  explicit JournalWriter(std::ostream& out) : out_(out) {}
  // Remembers accounts from account_opened entries and writes one journal transaction for each
  // posted `transaction` and each `pending_posted` entry. Pending and voided amounts never moved
  // money and are left out.
  void add(const Entry& entry);

 private:
  struct AccountInfo {
    std::string code;
    std::string currency;
    int exponent = 2;
  };
  void write_transaction(const Entry& entry, const std::string& description);

  std::ostream& out_;
  std::map<std::int64_t, AccountInfo> accounts_;
  std::map<std::int64_t, std::string> memos_;  // pending transactions' memos, until posted
};

}  // namespace pardner::ledger
