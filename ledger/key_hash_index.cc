// Sorted buckets rather than a hash table: no rehash that needs the old and the new table at
// once, and memory close to 16 bytes a key (docs/ledger.md, "Idempotency").
#include "ledger/key_hash_index.h"

#include <algorithm>

namespace pardner::ledger {
namespace {

bool before(const KeyHashIndex::Slot& a, const KeyHashIndex::Slot& b) {
  return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
}

}  // namespace

KeyHashIndex::KeyHashIndex() : buckets_(std::size_t{1} << bucket_bits) {}

std::size_t KeyHashIndex::bucket_of(std::int64_t hash) {
  return static_cast<std::size_t>(static_cast<std::uint64_t>(hash) >> (64 - bucket_bits));
}

void KeyHashIndex::make_room(std::vector<Slot>& bucket) {
  if (bucket.size() < bucket.capacity()) return;
  // Grow by an eighth, not double: a bucket's spare slots are the index's only overhead.
  const std::size_t grown = bucket.capacity() + bucket.capacity() / 8 + 4;
  capacity_ += grown - bucket.capacity();
  bucket.reserve(grown);
}

void KeyHashIndex::add(std::int64_t hash, std::int64_t id) {
  std::vector<Slot>& bucket = buckets_[bucket_of(hash)];
  const Slot slot{hash, id};
  // Keys usually arrive in id order, so a bucket's last slot is often the one before it.
  auto at = bucket.empty() || before(bucket.back(), slot)
                ? bucket.end()
                : std::upper_bound(bucket.begin(), bucket.end(), slot, before);
  const auto offset = at - bucket.begin();
  make_room(bucket);
  bucket.insert(bucket.begin() + offset, slot);
  ++size_;
}

void KeyHashIndex::count(std::int64_t hash) {
  if (counted_.empty()) counted_.assign(buckets_.size(), 0);
  ++counted_[bucket_of(hash)];
}

void KeyHashIndex::add_unsorted(std::int64_t hash, std::int64_t id) {
  std::vector<Slot>& bucket = buckets_[bucket_of(hash)];
  if (!counted_.empty() && bucket.capacity() == 0) {
    const std::size_t counted = counted_[bucket_of(hash)];
    capacity_ += counted;
    bucket.reserve(counted);
  }
  make_room(bucket);  // more than counted
  bucket.push_back(Slot{hash, id});
  ++size_;
}

void KeyHashIndex::sort() {
  for (std::vector<Slot>& bucket : buckets_) std::sort(bucket.begin(), bucket.end(), before);
  counted_ = {};
}

std::span<const KeyHashIndex::Slot> KeyHashIndex::find(std::int64_t hash) const {
  const std::vector<Slot>& bucket = buckets_[bucket_of(hash)];
  auto range = std::equal_range(bucket.begin(), bucket.end(), Slot{hash, 0},
                                [](const Slot& a, const Slot& b) { return a.hash < b.hash; });
  return {range.first, range.second};
}

std::size_t KeyHashIndex::bytes() const {
  return capacity_ * sizeof(Slot) + buckets_.size() * sizeof(std::vector<Slot>);
}

}  // namespace pardner::ledger
