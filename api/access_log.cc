// Access-log lines and request ids. Lines are built with Boost.JSON, so a client-chosen method
// or address cannot break the line's JSON.
#include "api/access_log.h"

#include <sodium.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "crypto/base64.h"
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
  boost::json::object line;
  line["ts"] = ledger::format_timestamp(ledger::SystemClock().now());
  line["request_id"] = record.request_id;
  line["method"] = record.method;
  line["route"] = record.route;
  line["status"] = record.status;
  if (!record.role.empty()) line["role"] = record.role;
  if (!record.remote.empty()) line["remote"] = record.remote;
  // Milliseconds with three decimals, written by hand: Boost.JSON would write 2.37E-1. Integer
  // arithmetic, so the text is exact.
  std::int64_t us = record.duration_us < 0 ? 0 : record.duration_us;
  char duration[48];
  std::snprintf(duration, sizeof duration, ",\"duration_ms\":%lld.%03lld}",
                static_cast<long long>(us / 1000), static_cast<long long>(us % 1000));
  std::string text = boost::json::serialize(line);
  text.pop_back();  // the closing brace; the duration closes the object instead
  return text + duration;
}

std::string new_request_id() {
  static const std::string prefix = random_prefix();
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t n = counter.fetch_add(1) + 1;
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(n));
  return prefix + digits;
}

void write_access_log_line(std::string_view line) {
  std::string out(line);
  out.push_back('\n');
  // One write(2) per line: stderr is shared by the I/O threads, and a short write to a pipe of
  // under PIPE_BUF bytes is atomic.
  std::size_t written = 0;
  while (written < out.size()) {
    ssize_t n = ::write(STDERR_FILENO, out.data() + written, out.size() - written);
    if (n <= 0) return;  // nowhere to log to; the response still goes out
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace pardner::api
