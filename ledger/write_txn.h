// WriteTxn: what a command sees while the writer applies it: the write connection inside the
// batch's SQLite transaction, the batch time, and `append`, the only way an entry is made.
// Never commits: the writer owns transaction boundaries.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "ledger/entry.h"
#include "ledger/entry_signer.h"
#include "ledger/error.h"
#include "ledger/postings_merge.h"
#include "ledger/settings.h"
#include "ledger/sqlite.h"
#include "ledger/state.h"

namespace pardner::ledger {

struct EntryRef {
  Seq seq = 0;
  Timestamp ts = 0;
};

// The tail of the log as the writer knows it; saved before each command and restored if the
// command's savepoint is rolled back.
struct LogTail {
  Seq next_seq = 0;
  Timestamp last_ts = 0;
};

class WriteTxn {
 public:
  // `appending`: the recent postings table new postings go to (ledger/postings_merge.h).
  WriteTxn(Database& db, const Settings& settings, EntrySigner& signer, LogTail& tail,
           Timestamp now, RecentPostings appending)
      : db_(db),
        settings_(settings),
        signer_(signer),
        tail_(tail),
        now_(now),
        appending_(appending) {}

  Database& db() { return db_; }
  const Settings& settings() const { return settings_; }
  // The batch time: the clock's reading, never earlier than the last entry's ts.
  Timestamp now() const { return now_; }

  Result<Account> account(AccountId id) { return load_account(db_, id); }
  Result<TransactionRow> transaction(TransactionId id) { return load_transaction(db_, id); }

  // Encodes the entry (seq and ts assigned here), stores its leaf, adds it to the Merkle tree,
  // applies it to the derived tables through the projection and hands its leaf to the signer
  // (the writer stores the signature before the batch commits). Failures are storage or log
  // errors; the writer rolls back the caller's savepoint and discards the entry's signing.
  Result<EntryRef> append(EntryKind kind, boost::json::object fields);

 private:
  Database& db_;
  const Settings& settings_;
  EntrySigner& signer_;
  LogTail& tail_;
  Timestamp now_;
  RecentPostings appending_;
};

}  // namespace pardner::ledger
