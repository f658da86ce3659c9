// Reads: accounts, balances (now, as of a log position, as of a value date), statements,
// the trial balance, transactions and raw entries. A Reader owns one read-only connection and
// is used by one thread at a time; in WAL mode it never waits for the writer.
#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "crypto/sha256.h"
#include "ledger/access_tokens.h"
#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/merkle_store.h"
#include "ledger/published_accounts.h"
#include "ledger/signed_log.h"
#include "ledger/snapshot_marks.h"
#include "ledger/sqlite.h"
#include "ledger/state.h"
#include "ledger/types.h"

namespace pardner::ledger {

struct Member {
  MemberId id = 0;
  MemberStatus status = MemberStatus::active;
  Seq created_seq = 0;
  std::optional<std::string> display_name;  // outside the log; may have been erased
  std::optional<std::string> contact;
};

// Where a statement page ended; pass it back to continue after it.
struct StatementCursor {
  Seq seq = 0;
  std::int64_t idx = 0;
};

struct StatementLine {
  Seq seq = 0;  // the entry that posted it
  std::int64_t idx = 0;
  TransactionId transaction = 0;
  Minor amount = 0;  // positive debit, negative credit
  Date value_date = 0;
  Minor balance_after = 0;  // posted, on the account's normal side
  std::string memo;
};

struct StatementPage {
  std::vector<StatementLine> lines;
  std::optional<StatementCursor> next;  // absent on the last page
};

struct TransactionView {
  TransactionRow row;
  std::vector<PostingRow> postings;  // the pending postings if still pending, else the posted
  Entry entry;                       // the entry that created it (memo, metadata, key)
};

class Reader {
 public:
  static Result<Reader> open(const std::string& db_path);

  Result<Member> member(MemberId id);
  Result<Account> account(AccountId id);
  // The account as of the latest commit: from the writer's published accounts when this
  // request entered with marks that allow it (enter_request), else as account() reads it.
  Result<Account> current_account(AccountId id);
  // Where current_account finds published accounts (the server's writer's); nullptr: nowhere.
  void use_published_accounts(const PublishedAccounts* accounts) { published_accounts_ = accounts; }
  Result<Balance> balance(AccountId id);
  // The balance just after entry `seq` (pending amounts as they stood then, too).
  Result<Balance> balance_as_of_seq(AccountId id, Seq seq);
  // Posted amounts whose value date is on or before `date` (pending amounts are not dated).
  Result<Balance> balance_as_of_date(AccountId id, Date date);
  // Posted postings in log order after `after`, at most `limit` (1..statement_page_max).
  Result<StatementPage> statement(AccountId id, std::optional<StatementCursor> after,
                                  std::size_t limit);
  Result<std::vector<TrialBalanceLine>> trial_balance();
  // The trial balance just after entry `seq`, read in one snapshot; not_found when the log
  // has not reached `seq` (a later trial balance would answer for a log nobody has verified).
  Result<std::vector<TrialBalanceLine>> trial_balance_as_of(Seq seq);
  Result<TransactionView> transaction(TransactionId id);
  Result<Entry> entry(Seq seq);
  // Entries start..start+limit-1 that exist, in order.
  Result<std::vector<std::string>> leaves(Seq start, std::size_t limit);
  // The number of entries in the log (tree size).
  Result<std::int64_t> log_size();

  // The signed log: signatures, checkpoints, proofs (RFC 9162 audit paths) and receipts.
  Result<crypto::Signature> signature(Seq seq);
  Result<StoredCheckpoint> latest_checkpoint();
  // Proofs against any size a checkpoint was issued for, up to the latest. A proof from size 0
  // or between equal sizes is empty. The tree's upper levels are kept in this reader's
  // MerkleNodeCache, so a proof reads only its lowest levels from the database.
  Result<std::vector<crypto::Hash>> inclusion_proof(Seq seq, std::uint64_t tree_size);
  Result<std::vector<crypto::Hash>> consistency_proof(std::uint64_t old_size,
                                                      std::uint64_t new_size);
  // A receipt for entry `seq` against the latest checkpoint (see ledger/receipt.h).
  Result<std::string> receipt(Seq seq);
  // Fills the MerkleNodeCache for the latest checkpoint now, as the first proof would: a server
  // calls it before it listens, so no client's proof waits while a level is loaded (hundreds of
  // milliseconds at 10,000,000 entries). An empty log has nothing to load.
  Result<Ok> load_proof_cache();
  std::size_t proof_cache_nodes() const { return merkle_cache_.size(); }

  Database& db() { return db_; }

  // A request's read snapshot, kept for the next request while the writer has committed nothing
  // since it began: BEGIN, COMMIT and the WAL's read locks are then paid once for many requests.
  // `epoch` is Writer::snapshot_epoch, read before the call.
  // Before the request's first read: keeps the open snapshot when `epoch` is even and the one it
  // began under; otherwise ends it and begins one. false when no snapshot could be begun.
  bool enter_request(std::uint64_t epoch);
  // The same under `marks.epoch`; and the access tokens remembered under `marks.access_tokens`
  // answer this request's access_token. When the snapshot is one begun or kept under an even
  // epoch, the tokens this request finds are remembered too, until `marks.access_tokens` moves.
  // When `marks.accounts_publication` is even, current_account answers from memory.
  bool enter_request(const SnapshotMarks& marks);
  // After the request: ends the snapshot unless `epoch` still lets it be kept.
  void leave_request(std::uint64_t epoch);

  // The live access token with this hash (find_access_token). In a request entered with
  // SnapshotMarks, a remembered token is answered without SQLite, and inside a snapshot that
  // enter_request allows to, a token found is remembered. This is safe because a commit that
  // changes any token moves the writer's access_tokens generation before it commits, after the
  // epoch has gone odd: a request under marks that show the change forgets everything
  // remembered, and one whose marks do not show it began before anyone was told of it. Unknown
  // hashes are never remembered, so guessing fills nothing.
  Result<Principal> access_token(const crypto::Hash& token_hash);
  std::size_t remembered_access_tokens() const { return access_tokens_.size(); }
  // Ends a kept snapshot. The server calls it before an I/O thread waits for work, so an idle
  // thread never holds the WAL back.
  void end_kept_snapshot();
  bool keeps_snapshot() const { return kept_; }

 private:
  explicit Reader(Database db) : db_(std::move(db)) {}
  Database db_;
  MerkleNodeCache merkle_cache_;
  bool kept_ = false;  // a snapshot begun by enter_request is open
  std::uint64_t kept_epoch_ = 0;

  // A SHA-256 is uniformly distributed: its first bytes are a good hash.
  struct HashOfTokenHash {
    std::size_t operator()(const crypto::Hash& hash) const {
      std::size_t value = 0;
      std::memcpy(&value, hash.data(), sizeof value);
      return value;
    }
  };
  std::unordered_map<crypto::Hash, Principal, HashOfTokenHash> access_tokens_;
  std::uint64_t access_tokens_generation_ = 0;  // what access_tokens_ were found under
  bool answer_from_memory_ = false;             // this request came with marks
  bool remember_access_tokens_ = false;         // and its snapshot may add to access_tokens_
  const PublishedAccounts* published_accounts_ = nullptr;
  bool accounts_from_memory_ = false;  // this request came with an even accounts publication
};

}  // namespace pardner::ledger
