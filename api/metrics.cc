// The request metrics registry and the one function that renders every metric. Families come
// in a fixed order and series in route-table order, so a scrape of the same state always reads
// the same.
#include "api/metrics.h"

#include <functional>

#include "api/prometheus_text.h"
#include "crypto/invariant.h"

namespace pardner::api {
namespace {

constexpr std::uint64_t micros_per_second = 1'000'000;

std::size_t unmatched_slot_of(std::string_view method) {
  constexpr std::size_t count = std::size(unmatched_methods);
  for (std::size_t i = 0; i + 1 < count; ++i) {
    if (unmatched_methods[i] == method) return i;
  }
  return count - 1;  // "other"
}

}  // namespace

HttpMetrics::HttpMetrics(std::span<const Route> routes) : routes_(routes) {
  slots_.reserve(routes.size() + std::size(unmatched_methods));
  for (const Route& route : routes) {
    slots_.push_back(std::make_unique<Slot>(route.method, route.pattern));
  }
  for (std::string_view method : unmatched_methods) {
    slots_.push_back(std::make_unique<Slot>(method, unmatched_route_label));
  }
}

void HttpMetrics::observe(const Route* route, std::string_view method, int status,
                          std::int64_t duration_us) {
  std::size_t index = 0;
  if (route != nullptr) {
    // std::less gives a total order even for pointers into different arrays; a route from
    // another table is our bug.
    PARDNER_ASSERT(!std::less<const Route*>()(route, routes_.data()));
    PARDNER_ASSERT(std::less<const Route*>()(route, routes_.data() + routes_.size()));
    index = static_cast<std::size_t>(route - routes_.data());
  } else {
    index = routes_.size() + unmatched_slot_of(method);
  }
  PARDNER_ASSERT(status >= status_min);
  PARDNER_ASSERT(status <= status_max);
  Slot& slot = *slots_[index];
  slot.statuses[static_cast<std::size_t>(status - status_min)].fetch_add(1,
                                                                         std::memory_order_relaxed);
  slot.duration_micros.observe(duration_us < 0 ? 0 : static_cast<std::uint64_t>(duration_us));
}

void HttpMetrics::render(PrometheusText& out) const {
  out.family("pardner_http_requests_total", "counter",
             "HTTP requests answered, by method, route pattern (\"unmatched\" when no route "
             "matched) and status.");
  for (const auto& slot : slots_) {
    for (std::size_t i = 0; i < slot->statuses.size(); ++i) {
      std::uint64_t count = slot->statuses[i].load(std::memory_order_relaxed);
      if (count == 0) continue;
      std::string status = std::to_string(static_cast<int>(i) + status_min);
      Label labels[] = {{"method", slot->method}, {"route", slot->route}, {"status", status}};
      out.sample("pardner_http_requests_total", labels, count);
    }
  }
  out.family("pardner_http_request_duration_seconds", "histogram",
             "Time from routing a request to handing its response to the connection, by method "
             "and route pattern.");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = *slots_[i];
    auto snapshot = slot.duration_micros.snapshot();
    // Every route is listed from the start, so rate() sees its first request; unmatched
    // methods only once seen.
    if (i >= routes_.size() && snapshot.count == 0) continue;
    Label labels[] = {{"method", slot.method}, {"route", slot.route}};
    out.histogram("pardner_http_request_duration_seconds", labels, snapshot, micros_per_second);
  }
}

std::string render_metrics(const ScrapeInputs& inputs) {
  PrometheusText out;
  if (inputs.http != nullptr) inputs.http->render(out);
  if (inputs.writer) {
    const ledger::WriterStats& writer = *inputs.writer;
    out.single("pardner_writer_batches_total", "counter",
               "Batches the writer committed (one SQLite transaction and fsync each).",
               writer.batches);
    out.single("pardner_writer_commands_total", "counter",
               "Commands in committed batches, accepted or refused.", writer.commands);
    out.family("pardner_writer_batch_commands", "histogram", "Commands per committed batch.");
    out.histogram("pardner_writer_batch_commands", {}, writer.batch_commands, 1);
    out.family("pardner_writer_commit_seconds", "histogram",
               "Time per committed batch from BEGIN to a durable COMMIT.");
    out.histogram("pardner_writer_commit_seconds", {}, writer.commit_micros, micros_per_second);
    out.single("pardner_writer_queue_depth", "gauge", "Commands waiting for the writer.",
               writer.queue_commands);
    out.single("pardner_writer_batch_reruns_total", "counter",
               "Batches run a second time, a savepoint per command, because a command was "
               "refused after it had written.",
               writer.batch_reruns);
    out.single("pardner_wal_checkpoints_total", "counter",
               "Checkpoints that copied the write-ahead log into the database file.",
               writer.checkpoints.checkpoints);
    out.single("pardner_wal_frames", "gauge", "Pages in the write-ahead log after the last commit.",
               writer.checkpoints.wal_frames);
    out.single("pardner_idempotency_keys_in_memory", "gauge",
               "Idempotency keys whose hashes the writer holds in memory: every key.",
               writer.idempotency_keys_in_memory);
    out.single("pardner_idempotency_index_bytes", "gauge",
               "Memory the writer's index of idempotency key hashes takes.",
               writer.idempotency_index_bytes);
    out.single("pardner_postings_merges_total", "counter",
               "Merges of a recent postings table into the table clustered by account, finished.",
               writer.postings_merges);
    out.single("pardner_postings_merge_steps_total", "counter",
               "Steps of postings merges, one between two batches at most.",
               writer.postings_merge_steps);
    out.single(
        "pardner_postings_last_merge_step_seconds", "gauge",
        "Time the last step of a postings merge took, during which the writer took no batch.",
        writer.last_postings_merge_step_micros, micros_per_second);
    out.single("pardner_wal_clears_total", "counter",
               "Write-ahead logs copied and truncated after a member profile was corrected or "
               "erased, so no old copy of it stays in the file.",
               writer.wal_clears);
    out.single("pardner_wal_clears_held_back_total", "counter",
               "Such truncations that readers held back; each is tried again after 10 s.",
               writer.wal_clears_held_back);
    out.single("pardner_published_accounts", "gauge",
               "Accounts the writer holds in memory for balance reads.", writer.published_accounts);
    out.single("pardner_accounts_published", "gauge",
               "1 while balance reads may come from the writer's memory; 0 after it stopped "
               "publishing (a storage failure, or a commit that bypassed the wal-index barrier).",
               writer.accounts_published ? 1 : 0);
  }
  out.single("pardner_writer_healthy", "gauge",
             "1 while the writer takes writes; 0 after it stopped on a storage failure, or when "
             "the server takes no writes.",
             inputs.writer_healthy ? 1 : 0);
  if (inputs.log_size) {
    out.single("pardner_log_size", "gauge", "Entries in the signed log.", *inputs.log_size);
  }
  if (inputs.connections_open) {
    out.single("pardner_connections_open", "gauge",
               "Connections open now, served or being refused at the connection cap.",
               *inputs.connections_open);
  }
  if (inputs.connections_evicted) {
    out.single("pardner_connections_evicted_total", "counter",
               "Connections closed in their TLS handshake to make room for a newcomer at the "
               "connection cap.",
               *inputs.connections_evicted);
  }
  return out.text();
}

}  // namespace pardner::api
