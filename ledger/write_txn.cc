// Appending an entry: encode (make_entry checks the bytes read back as the entry), store, hash,
// project the entry as built, not parsed back from its bytes, and queue the leaf for signing.
#include "ledger/write_txn.h"

#include "ledger/make_entry.h"
#include "ledger/projection.h"
#include "ledger/signed_log.h"

namespace pardner::ledger {

Result<EntryRef> WriteTxn::append(EntryKind kind, boost::json::object fields) {
  PARDNER_ASSERT(now_ >= tail_.last_ts);  // ts never goes back
  Seq seq = tail_.next_seq;
  Entry entry = make_entry(seq, now_, kind, std::move(fields));
  const std::string& leaf = entry.leaf;

  auto stored = db_.cached("INSERT INTO entries (seq, leaf) VALUES (?, ?)")
                    .bind(1, seq)
                    .bind_blob(2, {reinterpret_cast<const std::uint8_t*>(leaf.data()), leaf.size()})
                    .run();
  if (!stored) return stored.error();
  // Signing first, so a signer thread works on it while the writer hashes and projects. Should
  // anything below fail, the writer discards it with the rest of the command.
  signer_.add(seq, leaf);
  auto hashed = hash_entry(db_, seq, leaf);
  if (!hashed) return hashed.error();
  auto projected = project(db_, entry, appending_);
  if (!projected) return projected.error();
  tail_.next_seq = seq + 1;
  tail_.last_ts = now_;
  return EntryRef{seq, now_};
}

}  // namespace pardner::ledger
