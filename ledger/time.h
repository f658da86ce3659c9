// Instants and calendar days, and the clocks that produce them. The engine never reads the
// system clock itself: the writer owns a Clock, so tests can move time.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pardner::ledger {

// Microseconds since 1970-01-01T00:00:00Z (leap seconds ignored, as in POSIX time).
using Timestamp = std::int64_t;
// Days since 1970-01-01 (a proleptic Gregorian day number).
using Date = std::int64_t;

inline constexpr std::int64_t micros_per_second = 1'000'000;
inline constexpr std::int64_t micros_per_day = 86'400 * micros_per_second;

// "2026-11-22T19:31:00.123456Z": RFC 3339, UTC, always six fractional digits, so entries'
// timestamps sort as text in the same order as in time.
std::string format_timestamp(Timestamp ts);
// Accepts exactly the form format_timestamp writes.
std::optional<Timestamp> parse_timestamp(std::string_view text);

// "2026-11-22" (RFC 3339 full-date).
std::string format_date(Date date);
std::optional<Date> parse_date(std::string_view text);
Date date_of(Timestamp ts);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// A clock tests set by hand; safe to move from one thread while the writer reads it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp now() const override { return now_.load(); }
  void set(Timestamp ts) { now_.store(ts); }
  void advance_micros(std::int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace pardner::ledger
