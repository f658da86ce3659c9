// The Prometheus text exposition format, version 0.0.4: HELP and TYPE lines, samples with
// escaped label values, histograms as cumulative _bucket lines, +Inf, _sum and _count. Only
// writes text; what is measured lives in api/metrics.h and ledger/histogram.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ledger/histogram.h"

namespace pardner::api {

inline constexpr std::string_view prometheus_text_type = "text/plain; version=0.0.4; charset=utf-8";

struct Label {
  std::string_view name;   // one of ours: [a-zA-Z_][a-zA-Z0-9_]* (asserted)
  std::string_view value;  // any text; escaped when written
};

class PrometheusText {
 public:
  // Starts a metric family with its "# HELP" and "# TYPE" lines; its samples follow. `type` is
  // "counter", "gauge" or "histogram"; `name` a metric name of ours (asserted).
  void family(std::string_view name, std::string_view type, std::string_view help);
  // One line: name{labels} value, the value divided by `divisor` (a power of ten) as in
  // histogram().
  void sample(std::string_view name, std::span<const Label> labels, std::uint64_t value,
              std::uint64_t divisor = 1);
  // A family with one unlabelled sample: family() and sample() under one name.
  void single(std::string_view name, std::string_view type, std::string_view help,
              std::uint64_t value, std::uint64_t divisor = 1);
  // One histogram series: name_bucket{labels,le="..."} for each bound, then le="+Inf" (equal to
  // the count), name_sum and name_count. Bounds and the sum are divided by `divisor`, a power of
  // ten, when written (1'000'000 turns microseconds into seconds), exactly, without floating
  // point.
  void histogram(std::string_view name, std::span<const Label> labels,
                 const ledger::HistogramSnapshot& snapshot, std::uint64_t divisor);

  const std::string& text() const { return text_; }

 private:
  void series(std::string_view name, std::span<const Label> labels, std::string_view le);
  std::string text_;
};

// A label value with backslash, double quote and newline escaped (\\, \", \n).
std::string escape_label_value(std::string_view value);
// HELP text with backslash and newline escaped.
std::string escape_help(std::string_view help);
// `value / divisor` in decimal, exactly: 500 / 1'000'000 -> "0.0005", 2'000'000 / 1'000'000 ->
// "2". `divisor` must be a power of ten (asserted).
std::string format_scaled(std::uint64_t value, std::uint64_t divisor);

}  // namespace pardner::api
