// The route table and the dispatch of a plain Request to its handler: target parsing, route
// matching (404, 405), the body limit (413), authentication (401), roles (403), the body's
// media type (415), the request id and the access log. No sockets: tests/api/router_test.cc
// drives it directly.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/auth.h"
#include "api/exchange.h"
#include "api/http_types.h"

namespace pardner::api {

using Handler = void (*)(Exchange&);

// For the OpenAPI document.
struct ParamDoc {
  std::string_view name;
  std::string_view description;
  bool required = false;
  bool integer = true;  // else a string
};

struct RouteDoc {
  std::string_view summary;
  std::span<const ParamDoc> query;
  std::string_view response_type = "application/json";
  std::string_view response_schema;  // a schema in components, or "" for text/free-form
  bool may_create = true;  // a write that answers 201 when it makes something (else only 200)
};

struct Route {
  std::string_view method;   // "GET", "POST", ...
  std::string_view pattern;  // "/v1/accounts/{id}": literal segments and {name} parameters
  Roles roles;               // who may call it; empty means public
  Handler handler = nullptr;
  std::size_t body_bytes_max = 0;  // at most api::body_bytes_max
  RouteDoc doc;
};

class Router {
 public:
  // Asserts the table is well-formed: patterns start with "/", parameters are whole segments,
  // no two routes share method and pattern, no body limit passes body_bytes_max.
  explicit Router(std::vector<Route> routes);

  std::span<const Route> routes() const { return routes_; }

  // The body limit for a request whose headers say `method` and `target`: the route's, or
  // unrouted_body_bytes_max when no route matches (the request is read whole, then refused
  // 404/405).
  std::size_t body_limit(std::string_view method, std::string_view target) const;

  // For a request whose route takes a body larger than unrouted_body_bytes_max: the 401 or 403
  // that `headers` (method, target, authorization; no body yet) will get anyway, so only a
  // caller who may use the route can make the server read and hold a large body. nullopt to
  // read the body on; dispatch then checks everything again.
  std::optional<Problem> refuse_before_body(const Request& headers, Services& services) const;

  // Answers `request` through `reply`, exactly once: at once for reads and refusals, later
  // (through `post`) for writes. Adds X-Request-Id and writes the access-log line.
  void dispatch(Request request, Services& services, Post post, Reply reply) const;

  // Answers with `problem` without routing: for what the session refuses itself (a request it
  // cannot parse, a body over the limit, a connection over the cap). Adds X-Request-Id and
  // writes the access-log line like dispatch.
  void refuse(const Request& request, const Problem& problem, Services& services,
              Reply reply) const;

 private:
  struct Match {
    const Route* route = nullptr;
    PathParams params;
    std::vector<std::string_view> allowed;  // methods that exist for the path when none matched
  };
  Match match(std::string_view method, std::string_view path) const;

  std::vector<Route> routes_;
  // routes_[i].pattern split once, here, rather than on every request.
  std::vector<std::vector<std::string_view>> patterns_;
};

// The segments of a pattern or a path: "/v1/log/key" -> {"v1","log","key"}.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace pardner::api
