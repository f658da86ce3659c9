// GET /metrics: the Prometheus exposition for operators. Admin and auditor tokens only: request
// counts and the log's size reveal how busy the fund is, which members should not read and
// the public should not either. Reads counters and the writer's stats; never waits for a write.
#include "api/metrics.h"

#include "api/handlers/handlers.h"
#include "api/prometheus_text.h"

namespace pardner::api::handlers {

void metrics(Exchange& ex) {
  Services& services = ex.services();
  ScrapeInputs inputs;
  inputs.http = services.http_metrics;
  if (services.writer != nullptr) {
    inputs.writer = services.writer->stats();
    inputs.writer_healthy = services.writer->healthy();
  }
  // The readers' view, the size /v1/log/checkpoint and the proofs answer for.
  auto size = ex.reader().log_size();
  if (!size) return ex.fail(size.error());
  inputs.log_size = static_cast<std::uint64_t>(size.value());
  if (services.connections_open) inputs.connections_open = services.connections_open();
  if (services.connections_evicted) inputs.connections_evicted = services.connections_evicted();
  ex.reply(Response{200, std::string(prometheus_text_type), render_metrics(inputs), {}});
}

}  // namespace pardner::api::handlers
