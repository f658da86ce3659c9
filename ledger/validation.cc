// Text and date validation. UTF-8 decoding follows RFC 3629 §4 (the well-formed byte table).
#include "ledger/validation.h"

#include <string>

#include "ledger/limits.h"

namespace pardner::ledger {
namespace {

Error invalid(std::string_view field, std::string_view why) {
  return Error{Errc::invalid_argument, std::string(field) + " " + std::string(why)};
}

// Returns the length of the well-formed UTF-8 sequence at text[i], or 0.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  auto continuation = [&](std::size_t k, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return k < text.size() && byte(k) >= low && byte(k) <= high;
  };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (lead == 0xE0) return continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : 0;
  if (lead == 0xED) return continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : 0;
  if (lead >= 0xE1 && lead <= 0xEF) return continuation(i + 1) && continuation(i + 2) ? 3 : 0;
  if (lead == 0xF0) {
    return continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  if (lead >= 0xF1 && lead <= 0xF3) {
    return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  if (lead == 0xF4) {
    return continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

}  // namespace

Result<Ok> check_text(std::string_view field, std::string_view text, std::size_t bytes_max) {
  if (text.size() > bytes_max) {
    return invalid(field, "is longer than " + std::to_string(bytes_max) + " bytes");
  }
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return invalid(field, "is not valid UTF-8");
    if (length == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7F)) {
      return invalid(field, "contains a control character");
    }
    i += length;
  }
  return Ok{};
}

Result<Ok> check_idempotency_key(std::string_view key) {
  if (key.empty()) return invalid("idempotency key", "is required for commands that move money");
  if (key.size() > idempotency_key_bytes_max) {
    return invalid("idempotency key",
                   "is longer than " + std::to_string(idempotency_key_bytes_max) + " characters");
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7E) return invalid("idempotency key", "is not printable ASCII");
  }
  return Ok{};
}

Result<Ok> check_account_code(std::string_view code) {
  if (code.empty()) return invalid("code", "is empty");
  if (code.size() > account_code_bytes_max) {
    return invalid("code", "is longer than " + std::to_string(account_code_bytes_max) + " bytes");
  }
  std::size_t segments = 1;
  char previous = ':';
  for (char c : code) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '-' || c == ':';
    if (!allowed) return invalid("code", "may hold only letters, digits, '_', '.', '-' and ':'");
    if (c == ':') {
      if (previous == ':') return invalid("code", "has an empty segment");
      ++segments;
    }
    previous = c;
  }
  if (previous == ':') return invalid("code", "has an empty segment");
  if (segments > account_code_segments_max) {
    return invalid("code", "has more than " + std::to_string(account_code_segments_max) +
                               " segments");
  }
  return Ok{};
}

Result<Ok> check_value_date(Date value_date, Timestamp now, const Settings& settings) {
  Date today = date_of(now);
  if (value_date > today) return invalid("value_date", "is in the future");
  if (today - value_date > settings.value_date_past_days) {
    return invalid("value_date", "is more than " + std::to_string(settings.value_date_past_days) +
                                     " days in the past");
  }
  return Ok{};
}

}  // namespace pardner::ledger
