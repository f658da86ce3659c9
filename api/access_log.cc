// Access-log lines and request ids. Every string goes through the canonical JSON string
// encoder, so a client-chosen method or address cannot break the line's JSON.
#include "api/access_log.h"

#include <sodium.h>

#include <atomic>

#include "crypto/base64.h"
#include "ledger/canonical_json.h"
#include "ledger/time.h"

namespace pardner::api {
namespace {

std::string random_prefix() {
  if (sodium_init() < 0) return "00000000";
  std::uint8_t bytes[4];
  randombytes_buf(bytes, sizeof bytes);
  return crypto::hex_encode(bytes);
}

}  // namespace

std::string access_log_line(const AccessRecord& record) {
  // Written field by field: a boost::json::object would allocate a table for every response.
  std::string line;
  line.reserve(256);
  auto field = [&line](std::string_view name, std::string_view value) {
    line += line.empty() ? "{\"" : ",\"";
    line += name;
    line += "\":";
    ledger::append_canonical_string(line, value);
  };
  field("ts", ledger::format_timestamp(ledger::SystemClock().now()));
  field("request_id", record.request_id);
  field("method", record.method);
  field("route", record.route);
  line += ",\"status\":";
  line += std::to_string(record.status);
  if (!record.role.empty()) field("role", record.role);
  if (!record.remote.empty()) field("remote", record.remote);
  // Milliseconds with three decimals, written by hand: integer arithmetic, so the text is exact.
  std::int64_t us = record.duration_us < 0 ? 0 : record.duration_us;
  line += ",\"duration_ms\":";
  line += std::to_string(us / 1000);
  const std::int64_t fraction = us % 1000;
  line += '.';
  line += static_cast<char>('0' + fraction / 100);
  line += static_cast<char>('0' + fraction / 10 % 10);
  line += static_cast<char>('0' + fraction % 10);
  line += '}';
  return line;
}

std::string new_request_id() {
  static const std::string prefix = random_prefix();
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t n = counter.fetch_add(1) + 1;
  // Sixteen hex digits, written by hand (this runs for every request).
  std::string id = prefix;
  id.resize(prefix.size() + 16);
  for (std::size_t i = id.size(); i-- > prefix.size(); n >>= 4) id[i] = "0123456789abcdef"[n & 15];
  return id;
}

}  // namespace pardner::api
