// Liveness (the process answers), readiness (the writer takes writes and the server is not
// stopping) and the OpenAPI document, built once from the route table itself.
#include <string>

#include "api/handlers/handlers.h"
#include "api/openapi.h"
#include "api/routes.h"

namespace pardner::api::handlers {

void healthz(Exchange& ex) { ex.reply_json(200, R"({"status":"ok"})"); }

void readyz(Exchange& ex) {
  if (ex.services().stopping()) {
    return ex.fail(make_problem(ApiErrc::shutting_down, "the server is stopping"));
  }
  if (ex.services().writer == nullptr || !ex.services().writer->healthy()) {
    // After a failed commit the writer takes no more writes (docs/ledger.md); a restart after
    // the storage is checked is the way back.
    // A ledger that failed its start-up check is served read-only, and says why.
    const std::string& reason = ex.services().read_only_reason;
    Problem problem = problem_from(ledger::Error{
        ledger::Errc::storage_failed, reason.empty() ? "the writer is not taking writes" : reason});
    return ex.fail(problem);
  }
  ex.reply_json(200, R"({"status":"ready"})");
}

void openapi(Exchange& ex) {
  // Thread-safe one-time initialisation (C++11 magic statics).
  static const std::string document = openapi_document(api_routes());
  ex.reply_json(200, document);
}

}  // namespace pardner::api::handlers
