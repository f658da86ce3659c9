// Every idempotency row's 64-bit key hash and id, in memory: the writer's way from a client key
// to its row. Holds no keys and decides nothing: a candidate id is only a row to read and
// compare (ledger/idempotency.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pardner::ledger {

class KeyHashIndex {
 public:
  struct Slot {
    std::int64_t hash;
    std::int64_t id;
  };

  KeyHashIndex();

  // Adds one row's hash and id. The same hash may be added under many ids (a 64-bit collision,
  // or an id whose row a rollback undid and a later row took).
  void add(std::int64_t hash, std::int64_t id);

  // Loading many at once, as a writer starting on a large ledger does: count() every hash, then
  // add_unsorted() each, then sort(). Each bucket is then allocated once, at its size, and
  // sorted once, where add() would move half a bucket for every key (about 18 s for 10,000,000
  // keys against 0.6 s for 1,000,000, measured). find() may be called only after sort().
  void count(std::int64_t hash);
  void add_unsorted(std::int64_t hash, std::int64_t id);
  void sort();

  // The ids added under `hash`, lowest first; empty when none were. Valid until the next add.
  std::span<const Slot> find(std::int64_t hash) const;

  std::size_t size() const { return size_; }
  // What the index holds in memory: the slots' capacity and the buckets' headers.
  std::size_t bytes() const;

 private:
  // Buckets by the hash's top bits, each sorted by (hash, id). Hashes are SHA-256 prefixes, so
  // keys spread evenly: 65,536 buckets hold about 150 slots each at 10,000,000 keys, and an add
  // moves about half a bucket.
  static constexpr int bucket_bits = 16;
  static std::size_t bucket_of(std::int64_t hash);
  // Room for one more slot in `bucket`, counted in capacity_.
  void make_room(std::vector<Slot>& bucket);
  std::vector<std::vector<Slot>> buckets_;
  std::vector<std::uint32_t> counted_;  // count()'s tally per bucket, until add_unsorted()
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;  // slots, over every bucket
};

}  // namespace pardner::ledger
