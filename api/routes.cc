// The route table: the service's own endpoints and the signed log's here, then the ledger's and
// community lending's parts (api/route_table.h), in the order the OpenAPI document lists them.
#include "api/routes.h"

#include <iterator>

#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "api/route_table.h"

namespace pardner::api {
namespace {

using namespace route_table;  // the roles

constexpr ParamDoc entries_query[] = {
    {"start", "seq of the first entry (default 0)", false, true},
    {"limit", "entries per page, 1..1000 (default 100)", false, true},
};
constexpr ParamDoc inclusion_query[] = {
    {"seq", "the entry's seq", true, true},
    {"size", "tree size of a checkpoint (default: the latest)", false, true},
};
constexpr ParamDoc consistency_query[] = {
    {"from", "the older tree size", true, true},
    {"to", "the newer tree size, a checkpoint's (default: the latest)", false, true},
};
constexpr ParamDoc receipt_query[] = {
    {"seq", "the entry's seq", true, true},
};

}  // namespace

std::vector<Route> api_routes() {
  std::vector<Route> routes = {
      {"GET",
       "/healthz",
       public_route,
       &handlers::healthz,
       read_body_bytes_max,
       {"Liveness: the process answers", {}, "application/json", "Status"}},
      {"GET",
       "/readyz",
       public_route,
       &handlers::readyz,
       read_body_bytes_max,
       {"Readiness: the writer takes writes and the server is not stopping",
        {},
        "application/json",
        "Status"}},
      {"GET",
       "/v1/openapi.json",
       public_route,
       &handlers::openapi,
       read_body_bytes_max,
       {"This document", {}, "application/json", ""}},
      {"GET",
       "/metrics",
       readers,
       &handlers::metrics,
       read_body_bytes_max,
       {"Prometheus text exposition 0.0.4 of request, writer, log and connection metrics "
        "(admin and auditor tokens: it shows how busy the fund is)",
        {},
        "text/plain",
        ""}},
      {"GET",
       "/v1/log/checkpoint",
       public_route,
       &handlers::log_checkpoint,
       read_body_bytes_max,
       {"The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)",
        {},
        "text/plain",
        ""}},
      {"GET",
       "/v1/log/key",
       public_route,
       &handlers::log_key,
       read_body_bytes_max,
       {"The log's verifier key line (name+keyid+base64 key)", {}, "text/plain", ""}},
      {"GET",
       "/v1/log/entries",
       everyone_signed_in,
       &handlers::log_entries,
       read_body_bytes_max,
       {"Entries with their signatures; a member sees only entries touching their accounts",
        entries_query, "application/json", "Entries"}},
      {"GET",
       "/v1/log/proof/inclusion",
       everyone_signed_in,
       &handlers::log_inclusion_proof,
       read_body_bytes_max,
       {"RFC 9162 inclusion proof of an entry in a checkpointed tree", inclusion_query,
        "application/json", "InclusionProof"}},
      {"GET",
       "/v1/log/proof/consistency",
       everyone_signed_in,
       &handlers::log_consistency_proof,
       read_body_bytes_max,
       {"RFC 9162 consistency proof between two checkpointed tree sizes", consistency_query,
        "application/json", "ConsistencyProof"}},
      {"GET",
       "/v1/log/receipt",
       everyone_signed_in,
       &handlers::log_receipt,
       read_body_bytes_max,
       {"A receipt: the entry, its signature and a c2sp.org/tlog-proof@v1 proof", receipt_query,
        "application/json", "Receipt"}},
      {"GET",
       "/v1/me",
       everyone_signed_in,
       &handlers::who_am_i,
       read_body_bytes_max,
       {"The caller: role, token id, and the member record of a member's (or member admin's) token",
        {},
        "application/json",
        "Me"}},
  };
  for (auto part : {&route_table::ledger_routes, &route_table::lending_routes}) {
    std::vector<Route> rows = part();
    routes.insert(routes.end(), std::make_move_iterator(rows.begin()),
                  std::make_move_iterator(rows.end()));
  }
  return routes;
}

}  // namespace pardner::api
