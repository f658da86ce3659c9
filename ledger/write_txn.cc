// Appending an entry: encode, check the encoding reads back to itself, store, sign and hash,
// project.
#include "ledger/write_txn.h"

#include "ledger/projection.h"
#include "ledger/signed_log.h"

namespace pardner::ledger {

Result<EntryRef> WriteTxn::append(EntryKind kind, boost::json::object fields) {
  PARDNER_ASSERT(now_ >= tail_.last_ts);  // ts never goes back
  Seq seq = tail_.next_seq;
  std::string leaf = encode_leaf(seq, now_, kind, std::move(fields));
  auto entry = decode_leaf(leaf);
  PARDNER_ASSERT(entry.has_value());  // our own encoding must read back canonically
  PARDNER_ASSERT(entry.value().seq == seq);

  auto stored = db_.cached("INSERT INTO entries (seq, leaf) VALUES (?, ?)")
                    .bind(1, seq)
                    .bind_blob(2, {reinterpret_cast<const std::uint8_t*>(leaf.data()), leaf.size()})
                    .run();
  if (!stored) return stored.error();
  auto signed_and_hashed = sign_and_hash_entry(db_, key_, seq, leaf);
  if (!signed_and_hashed) return signed_and_hashed.error();
  auto projected = project(db_, entry.value());
  if (!projected) return projected.error();
  tail_.next_seq = seq + 1;
  tail_.last_ts = now_;
  return EntryRef{seq, now_};
}

}  // namespace pardner::ledger
