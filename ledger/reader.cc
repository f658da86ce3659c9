// Read queries. Multi-statement reads run inside one read transaction so they see one
// snapshot of the log, however the writer moves on meanwhile.
#include "ledger/reader.h"

#include "ledger/limits.h"
#include "ledger/merkle_store.h"
#include "ledger/receipt.h"
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

Result<Balance> normal_side(AccountType type, Balance totals) {
  auto normal = is_debit_normal(type) ? checked_sub(totals.debits_posted, totals.credits_posted)
                                      : checked_sub(totals.credits_posted, totals.debits_posted);
  if (!normal) return normal.error();
  totals.balance = normal.value();
  return totals;
}

std::string_view as_text(std::span<const std::uint8_t> blob) {
  return {reinterpret_cast<const char*>(blob.data()), blob.size()};
}

}  // namespace

Result<Reader> Reader::open(const std::string& db_path) {
  auto db = Database::open(db_path, Database::Mode::read_only);
  if (!db) return db.error();
  return Reader(std::move(db.value()));
}

Result<Member> Reader::member(MemberId id) {
  Statement& query = db_.cached(
      "SELECT m.id, m.status, m.created_seq, p.display_name, p.contact FROM members m"
      " LEFT JOIN member_profiles p ON p.member_id = m.id WHERE m.id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no member " + std::to_string(id)};
  Member member{query.column_int(0),
                member_status_from(query.column_text(1)).value_or(MemberStatus::active),
                query.column_int(2), query.column_optional_text(3), query.column_optional_text(4)};
  query.reset();
  return member;
}

bool Reader::enter_request(std::uint64_t epoch) {
  // Only enter_request(SnapshotMarks) allows any of them.
  answer_from_memory_ = false;
  remember_access_tokens_ = false;
  accounts_from_memory_ = false;
  // A failed statement may have ended the transaction under us: then it is not kept any more.
  if (kept_ && epoch % 2 == 0 && epoch == kept_epoch_ && db_.in_transaction()) return true;
  end_kept_snapshot();
  if (db_.in_transaction()) return false;  // a transaction nobody here began: not ours to end
  kept_ = db_.cached("BEGIN").run().has_value();
  kept_epoch_ = epoch;
  return kept_;
}

bool Reader::enter_request(const SnapshotMarks& marks) {
  if (marks.access_tokens != access_tokens_generation_) {
    access_tokens_.clear();
    access_tokens_generation_ = marks.access_tokens;
  }
  const bool entered = enter_request(marks.epoch);
  // What was remembered under this generation stands whatever the epoch: a token's change
  // moves the generation before its commit. But under an odd epoch the snapshot may or may not
  // hold a commit in flight, which may be the very one that moves it: nothing read in it is
  // remembered.
  answer_from_memory_ = true;
  remember_access_tokens_ = entered && marks.epoch % 2 == 0;
  // Needs no snapshot at all: what the writer published is at least as new as any commit
  // visible when the marks were read (ledger/published_accounts.h).
  accounts_from_memory_ = marks.accounts_publication % 2 == 0;
  return entered;
}

void Reader::leave_request(std::uint64_t epoch) {
  answer_from_memory_ = false;
  remember_access_tokens_ = false;
  accounts_from_memory_ = false;
  if (kept_ && (epoch % 2 != 0 || epoch != kept_epoch_)) end_kept_snapshot();
}

Result<Principal> Reader::access_token(const crypto::Hash& token_hash) {
  if (answer_from_memory_) {
    if (auto found = access_tokens_.find(token_hash); found != access_tokens_.end()) {
      return found->second;
    }
  }
  auto principal = find_access_token(db_, token_hash);
  // Only what was read in the snapshot enter_request began or kept for this request (ending it
  // clears remember_access_tokens_; a failed statement may have ended it under us).
  if (remember_access_tokens_ && db_.in_transaction() && principal) {
    if (access_tokens_.size() >= access_tokens_remembered_max) access_tokens_.clear();
    access_tokens_.emplace(token_hash, principal.value());
  }
  return principal;
}

void Reader::end_kept_snapshot() {
  answer_from_memory_ = false;
  remember_access_tokens_ = false;
  accounts_from_memory_ = false;
  if (!kept_) return;
  kept_ = false;
  if (!db_.in_transaction()) return;
  // A read transaction has nothing to lose; ROLLBACK ends it if COMMIT cannot.
  if (!db_.cached("COMMIT").run()) (void)db_.cached("ROLLBACK").run();
}

Result<Account> Reader::account(AccountId id) { return load_account(db_, id); }

Result<Account> Reader::current_account(AccountId id) {
  if (accounts_from_memory_ && published_accounts_ != nullptr) {
    if (auto held = published_accounts_->find(id)) return std::move(*held);
  }
  return load_account(db_, id);
}

Result<Balance> Reader::balance(AccountId id) {
  auto account = load_account(db_, id);
  if (!account) return account.error();
  return balance_of(account.value());
}

Result<Balance> Reader::balance_as_of_seq(AccountId id, Seq seq) {
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  auto account = load_account(db_, id);
  if (!account) return account.error();
  auto posted = posted_totals_as_of(db_, id, seq);
  if (!posted) return posted.error();
  Balance totals;
  totals.debits_posted = posted.value().debits;
  totals.credits_posted = posted.value().credits;
  // Pending as of `seq`: reserved at or before it and not yet resolved by then.
  Statement& pending = db_.cached(
      "SELECT p.amount_minor FROM postings p JOIN transactions t ON t.id = p.transaction_id"
      " WHERE p.account_id = ? AND p.seq <= ? AND p.phase = 'pending'"
      " AND (t.resolved_seq IS NULL OR t.resolved_seq > ?)");
  pending.bind(1, id).bind(2, seq).bind(3, seq);
  while (true) {
    auto next = pending.step();
    if (!next) return next.error();
    if (!next.value()) break;
    auto grown = add_posting(totals.debits_pending, totals.credits_pending, pending.column_int(0));
    if (!grown) return grown.error();
  }
  pending.reset();
  return normal_side(account.value().type, totals);
}

Result<Balance> Reader::balance_as_of_date(AccountId id, Date date) {
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  auto account = load_account(db_, id);
  if (!account) return account.error();
  Statement& query = db_.cached(
      "SELECT amount_minor FROM postings WHERE account_id = ? AND phase = 'posted'"
      " AND value_date <= ?");
  query.bind(1, id).bind(2, std::string_view(format_date(date)));
  Balance totals;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto grown = add_posting(totals.debits_posted, totals.credits_posted, query.column_int(0));
    if (!grown) return grown.error();
  }
  query.reset();
  return normal_side(account.value().type, totals);
}

Result<StatementPage> Reader::statement(AccountId id, std::optional<StatementCursor> after,
                                        std::size_t limit) {
  if (limit < 1 || limit > statement_page_max) {
    return Error{Errc::invalid_argument,
                 "limit must be 1.." + std::to_string(statement_page_max)};
  }
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  auto account = load_account(db_, id);
  if (!account) return account.error();
  bool debit_normal = is_debit_normal(account.value().type);
  // One row more than asked for tells whether another page follows.
  Statement& query = db_.cached(
      "SELECT p.seq, p.idx, p.transaction_id, p.amount_minor, p.value_date, p.debits_after,"
      " p.credits_after, e.leaf FROM postings p"
      " JOIN transactions t ON t.id = p.transaction_id JOIN entries e ON e.seq = t.seq"
      " WHERE p.account_id = ? AND p.phase = 'posted' AND (p.seq, p.idx) > (?, ?)"
      " ORDER BY p.seq, p.idx LIMIT ?");
  query.bind(1, id)
      .bind(2, after ? after->seq : Seq{-1})
      .bind(3, after ? after->idx : std::int64_t{-1})
      .bind(4, static_cast<std::int64_t>(limit + 1));
  StatementPage page;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    if (page.lines.size() == limit) {
      const StatementLine& last = page.lines.back();
      page.next = StatementCursor{last.seq, last.idx};
      break;
    }
    StatementLine line;
    line.seq = query.column_int(0);
    line.idx = query.column_int(1);
    line.transaction = query.column_int(2);
    line.amount = query.column_int(3);
    line.value_date = parse_date(query.column_text(4)).value_or(0);
    Minor debits = query.column_int(5);
    Minor credits = query.column_int(6);
    auto balance = debit_normal ? checked_sub(debits, credits) : checked_sub(credits, debits);
    if (!balance) return balance.error();
    line.balance_after = balance.value();
    auto entry = decode_leaf(as_text(query.column_blob(7)));
    if (!entry) return Error{Errc::storage_failed, "unreadable entry: " + entry.error().detail};
    auto memo = optional_string_field(entry.value().fields, "memo");
    if (memo && memo.value()) line.memo = *memo.value();
    page.lines.push_back(std::move(line));
  }
  query.reset();
  return page;
}

Result<std::vector<TrialBalanceLine>> Reader::trial_balance() {
  return compute_trial_balance(db_);
}

Result<std::vector<TrialBalanceLine>> Reader::trial_balance_as_of(Seq seq) {
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  auto size = log_size();
  if (!size) return size.error();
  if (seq < 0 || seq >= size.value()) {
    return Error{Errc::not_found, "no entry " + std::to_string(seq) + " yet"};
  }
  return compute_trial_balance_as_of(db_, seq);
}

Result<TransactionView> Reader::transaction(TransactionId id) {
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  auto row = load_transaction(db_, id);
  if (!row) return row.error();
  bool pending = row.value().status == TransactionStatus::pending;
  auto postings = load_transaction_postings(db_, id, pending);
  if (!postings) return postings.error();
  auto created = entry(row.value().seq);
  if (!created) return created.error();
  return TransactionView{row.value(), std::move(postings.value()), std::move(created.value())};
}

Result<Entry> Reader::entry(Seq seq) {
  Statement& query = db_.cached("SELECT leaf FROM entries WHERE seq = ?");
  query.bind(1, seq);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no entry " + std::to_string(seq)};
  auto entry = decode_leaf(as_text(query.column_blob(0)));
  query.reset();
  if (!entry) return Error{Errc::storage_failed, "unreadable entry: " + entry.error().detail};
  return entry;
}

Result<std::vector<std::string>> Reader::leaves(Seq start, std::size_t limit) {
  if (start < 0) return Error{Errc::invalid_argument, "start must not be negative"};
  if (limit < 1 || limit > entries_page_max) {
    return Error{Errc::invalid_argument, "limit must be 1.." + std::to_string(entries_page_max)};
  }
  Statement& query = db_.cached("SELECT leaf FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?");
  query.bind(1, start).bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::string> out;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    out.emplace_back(as_text(query.column_blob(0)));
  }
  query.reset();
  return out;
}

Result<std::int64_t> Reader::log_size() {
  Statement& query = db_.cached("SELECT coalesce(max(seq) + 1, 0) FROM entries");
  auto row = query.step();
  if (!row) return row.error();
  std::int64_t size = query.column_int(0);
  query.reset();
  return size;
}

Result<crypto::Signature> Reader::signature(Seq seq) { return entry_signature(db_, seq); }

Result<StoredCheckpoint> Reader::latest_checkpoint() { return ledger::latest_checkpoint(db_); }

namespace {

// Proofs are served only for sizes that have a checkpoint, so every answer can be checked
// against a signed root.
Result<Ok> check_size_is_checkpointed(Database& db, std::uint64_t tree_size) {
  auto checkpoint = checkpoint_at(db, tree_size);
  if (checkpoint) return Ok{};
  if (checkpoint.error().code == Errc::not_found) {
    return Error{Errc::not_found, "no checkpoint was issued for tree size " +
                                      std::to_string(tree_size)};
  }
  return checkpoint.error();
}

}  // namespace

Result<std::vector<crypto::Hash>> Reader::inclusion_proof(Seq seq, std::uint64_t tree_size) {
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  if (seq < 0 || static_cast<std::uint64_t>(seq) >= tree_size) {
    return Error{Errc::invalid_argument, "seq must be below the tree size"};
  }
  if (auto ok = check_size_is_checkpointed(db_, tree_size); !ok) return ok.error();
  return merkle_inclusion_proof(db_, static_cast<std::uint64_t>(seq), tree_size, &merkle_cache_);
}

Result<std::vector<crypto::Hash>> Reader::consistency_proof(std::uint64_t old_size,
                                                            std::uint64_t new_size) {
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  if (old_size > new_size) return Error{Errc::invalid_argument, "from must not exceed to"};
  if (auto ok = check_size_is_checkpointed(db_, new_size); !ok) return ok.error();
  if (old_size > 0) {
    if (auto ok = check_size_is_checkpointed(db_, old_size); !ok) return ok.error();
  }
  return merkle_consistency_proof(db_, old_size, new_size, &merkle_cache_);
}

Result<Ok> Reader::load_proof_cache() {
  auto checkpoint = latest_checkpoint();
  if (!checkpoint) return checkpoint.error();
  const std::uint64_t size = checkpoint.value().tree_size;
  if (size == 0) return Ok{};
  // The first entry's audit path takes the sibling at index 1 of every level, the last entry's
  // the nodes at the right edge: a miss at a cached level loads all of it (MerkleNodeCache).
  for (std::uint64_t seq : {std::uint64_t{0}, size - 1}) {
    if (auto proof = inclusion_proof(static_cast<Seq>(seq), size); !proof) return proof.error();
  }
  return Ok{};
}

Result<std::string> Reader::receipt(Seq seq) {
  ReadTransaction snapshot(db_);
  if (!snapshot.ok()) return db_.error("cannot begin read");
  auto checkpoint = ledger::latest_checkpoint(db_);
  if (!checkpoint) return checkpoint.error();
  if (seq < 0 || static_cast<std::uint64_t>(seq) >= checkpoint.value().tree_size) {
    return Error{Errc::not_found, "no entry " + std::to_string(seq) + " in the checkpointed log"};
  }
  auto found = entry(seq);
  if (!found) return found.error();
  auto signed_by = entry_signature(db_, seq);
  if (!signed_by) return signed_by.error();
  auto proof = merkle_inclusion_proof(db_, static_cast<std::uint64_t>(seq),
                                      checkpoint.value().tree_size, &merkle_cache_);
  if (!proof) return proof.error();
  return format_receipt(Receipt{seq, found.value().leaf, signed_by.value(),
                                crypto::TlogProof{{}, static_cast<std::uint64_t>(seq),
                                                  proof.value(), checkpoint.value().note}});
}

}  // namespace pardner::ledger
