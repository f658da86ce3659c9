// Calendar arithmetic with std::chrono's civil calendar; parsing is strict (fixed widths, 'T',
// 'Z'), because a timestamp that parses two ways cannot be canonical.
#include "ledger/time.h"

#include <chrono>
#include <cstdio>

namespace pardner::ledger {
namespace {

std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<Date> date_from_fields(int year, int month, int day) {
  std::chrono::year_month_day ymd{std::chrono::year{year},
                                  std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

Date date_of(Timestamp ts) { return floor_div(ts, micros_per_day); }

namespace {

// Writes `value` (0 <= value < 10^width) as exactly `width` digits, zero-padded. By hand, not
// snprintf: the access log formats a timestamp for every response.
void put_digits(char* out, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string format_date(Date date) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{date}}};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", year, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return text;
  }
  std::string text(10, '-');
  put_digits(text.data(), year, 4);
  put_digits(text.data() + 5, static_cast<unsigned>(ymd.month()), 2);
  put_digits(text.data() + 8, static_cast<unsigned>(ymd.day()), 2);
  return text;
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = digits(text, 0, 4);
  auto month = digits(text, 5, 2);
  auto day = digits(text, 8, 2);
  if (!year || !month || !day) return std::nullopt;
  return date_from_fields(*year, *month, *day);
}

std::string format_timestamp(Timestamp ts) {
  Date date = date_of(ts);
  std::int64_t micros_of_day = ts - date * micros_per_day;
  std::int64_t seconds = micros_of_day / micros_per_second;
  // 2026-11-22T19:31:00.123456Z: the date, then fixed-width fields.
  std::string text = format_date(date);
  const std::size_t at = text.size();
  text.append("T00:00:00.000000Z");
  put_digits(text.data() + at + 1, seconds / 3600, 2);
  put_digits(text.data() + at + 4, seconds / 60 % 60, 2);
  put_digits(text.data() + at + 7, seconds % 60, 2);
  put_digits(text.data() + at + 10, micros_of_day % micros_per_second, 6);
  return text;
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  // 0123456789012345678901234567
  // 2026-11-22T19:31:00.123456Z
  if (text.size() != 27 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || text[26] != 'Z') {
    return std::nullopt;
  }
  auto date = parse_date(text.substr(0, 10));
  auto hours = digits(text, 11, 2);
  auto minutes = digits(text, 14, 2);
  auto seconds = digits(text, 17, 2);
  auto micros = digits(text, 20, 6);
  if (!date || !hours || !minutes || !seconds || !micros) return std::nullopt;
  if (*hours > 23 || *minutes > 59 || *seconds > 59) return std::nullopt;
  return *date * micros_per_day +
         ((*hours * 3600LL + *minutes * 60LL + *seconds) * micros_per_second) + *micros;
}

Timestamp SystemClock::now() const {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
}

}  // namespace pardner::ledger
