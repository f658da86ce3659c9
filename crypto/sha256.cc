// SHA-256 via OpenSSL 3 EVP with an explicitly fetched digest. Owns the process-wide EVP_MD and
// per-object contexts. Never falls back to another library: an EVP failure here is a broken
// process (no memory, no default provider), so it stops rather than returning a wrong hash.
#include "crypto/sha256.h"

#include <openssl/evp.h>

#include "crypto/invariant.h"

namespace pardner::crypto {
namespace {

// EVP_MD_fetch once: the implicit EVP_sha256() lookup repeats a provider search on every init.
// A function-local static is initialised once, thread-safely, and lives to process exit.
const EVP_MD* sha256_digest() {
  static EVP_MD* const digest = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  PARDNER_ASSERT(digest != nullptr);
  return digest;
}

EVP_MD_CTX* as_context(void* context) { return static_cast<EVP_MD_CTX*>(context); }

// One context per thread for the one-shot functions, kept for the thread's life.
Sha256& thread_hasher() {
  thread_local Sha256 hasher;
  return hasher;
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  PARDNER_ASSERT(context_ != nullptr);
  const int initialised = EVP_DigestInit_ex2(as_context(context_), sha256_digest(), nullptr);
  PARDNER_ASSERT(initialised == 1);
}

Sha256::~Sha256() { EVP_MD_CTX_free(as_context(context_)); }

void Sha256::update(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  const int updated = EVP_DigestUpdate(as_context(context_), bytes.data(), bytes.size());
  PARDNER_ASSERT(updated == 1);
}

void Sha256::update(std::string_view text) {
  if (text.empty()) return;
  const int updated = EVP_DigestUpdate(as_context(context_), text.data(), text.size());
  PARDNER_ASSERT(updated == 1);
}

Hash Sha256::finish() {
  Hash out{};
  unsigned int out_bytes = 0;
  const int finished = EVP_DigestFinal_ex(as_context(context_), out.data(), &out_bytes);
  PARDNER_ASSERT(finished == 1);
  PARDNER_ASSERT(out_bytes == hash_bytes);
  // Passing the same digest again reuses the context's allocations: no free and malloc per hash.
  const int initialised = EVP_DigestInit_ex2(as_context(context_), sha256_digest(), nullptr);
  PARDNER_ASSERT(initialised == 1);
  return out;
}

Hash sha256(std::span<const std::uint8_t> bytes) {
  Sha256& hasher = thread_hasher();
  hasher.update(bytes);
  return hasher.finish();
}

Hash sha256(std::string_view text) {
  Sha256& hasher = thread_hasher();
  hasher.update(text);
  return hasher.finish();
}

Hash sha256(std::initializer_list<std::span<const std::uint8_t>> parts) {
  Sha256& hasher = thread_hasher();
  for (const std::span<const std::uint8_t> part : parts) hasher.update(part);
  return hasher.finish();
}

}  // namespace pardner::crypto
