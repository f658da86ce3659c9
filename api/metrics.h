// What GET /metrics reports: the HTTP request counters and latency histograms (this registry,
// built once from the route table, so recording a request takes no lock and allocates
// nothing), and the writer's, the log's and the connections' numbers read when scraped. The
// whole exposition is rendered here, in one place. Labels carry route patterns, never raw
// paths: ids are member data and would make the label set unbounded.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"
#include "ledger/histogram.h"
#include "ledger/writer.h"

namespace pardner::api {

class PrometheusText;

// The route label of a request no route matched (404, 405, and what the session refuses
// before routing: 400, 413, 431, 503).
inline constexpr std::string_view unmatched_route_label = "unmatched";
// Request methods counted by name when no route matched; any other is counted as "other", so a
// client cannot grow the label set.
inline constexpr std::string_view unmatched_methods[] = {"GET",    "HEAD",  "POST",    "PUT",
                                                         "DELETE", "PATCH", "OPTIONS", "other"};
// Statuses are counted by exact code, 100..599 (asserted: every status is one of ours).
inline constexpr int status_min = 100;
inline constexpr int status_max = 599;

class HttpMetrics {
 public:
  // A slot per row of `routes`, then one per unmatched method. `routes` must outlive this.
  explicit HttpMetrics(std::span<const Route> routes);
  HttpMetrics(const HttpMetrics&) = delete;
  HttpMetrics& operator=(const HttpMetrics&) = delete;

  // Counts one answered request. `route` is the matched row of the table this was built from
  // (asserted), or nullptr when none matched, in which case `method` picks the slot. Thread-safe
  // and lock-free.
  void observe(const Route* route, std::string_view method, int status, std::int64_t duration_us);

  // Appends pardner_http_requests_total and pardner_http_request_duration_seconds to `out`.
  void render(PrometheusText& out) const;

 private:
  struct Slot {
    Slot(std::string_view method_label, std::string_view route_label)
        : method(method_label),
          route(route_label),
          duration_micros(ledger::latency_bounds_micros) {}
    std::string_view method, route;
    std::array<std::atomic<std::uint64_t>, status_max - status_min + 1> statuses{};
    ledger::Histogram duration_micros;
  };

  std::span<const Route> routes_;
  // Built once; never resized, so observe() reads it without a lock.
  std::vector<std::unique_ptr<Slot>> slots_;
};

// The numbers read when /metrics is scraped; absent ones are left out of the text.
struct ScrapeInputs {
  const HttpMetrics* http = nullptr;
  std::optional<ledger::WriterStats> writer;  // absent when the server takes no writes
  bool writer_healthy = false;
  std::optional<std::uint64_t> log_size;
  std::optional<std::uint64_t> connections_open;
  std::optional<std::uint64_t> connections_evicted;
};

// The whole exposition, every family with its HELP and TYPE lines, ending in a newline.
std::string render_metrics(const ScrapeInputs& inputs);

}  // namespace pardner::api
