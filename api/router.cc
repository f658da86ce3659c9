// Dispatch, in a fixed order: target, route (404, 405), body limit (413), token (401), role
// (403), media type (415), query parameter names (400), then the handler inside the request
// wrapper. Each refusal is a problem+json answer.
#include "api/router.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "api/access_log.h"
#include "api/limits.h"
#include "api/media_type.h"
#include "api/metrics.h"
#include "api/target.h"
#include "crypto/utf8.h"
#include "ledger/sqlite.h"
#include "ledger/writer.h"

namespace pardner::api {
namespace {

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  patterns_.reserve(routes_.size());
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    patterns_.push_back(split_path(route.pattern));
    PARDNER_ASSERT(route.handler != nullptr);
    PARDNER_ASSERT(!route.pattern.empty() && route.pattern.front() == '/');
    PARDNER_ASSERT(route.body_bytes_max <= body_bytes_max);
    for (std::string_view segment : split_path(route.pattern)) {
      bool has_brace = segment.find_first_of("{}") != std::string_view::npos;
      PARDNER_ASSERT(!has_brace || is_parameter(segment));
    }
    for (std::size_t j = 0; j < i; ++j) {
      PARDNER_ASSERT(!(routes_[j].method == route.method && routes_[j].pattern == route.pattern));
    }
  }
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  std::vector<std::string_view> segments = split_path(path);
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const std::vector<std::string_view>& pattern = patterns_[r];
    if (pattern.size() != segments.size()) continue;
    bool matched = true;
    for (std::size_t i = 0; i < pattern.size() && matched; ++i) {
      matched = is_parameter(pattern[i]) ? !segments[i].empty() : pattern[i] == segments[i];
    }
    if (!matched) continue;
    const Route& route = routes_[r];
    if (route.method == method) {
      result.route = &route;
      for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_parameter(pattern[i])) {
          result.params.emplace_back(pattern[i].substr(1, pattern[i].size() - 2), segments[i]);
        }
      }
      return result;
    }
    result.allowed.push_back(route.method);
  }
  return result;
}

std::size_t Router::body_limit(std::string_view method, std::string_view target) const {
  Request probe;
  probe.target = std::string(target);
  if (!parse_target(probe)) return unrouted_body_bytes_max;
  Match found = match(method, probe.path);
  return found.route != nullptr ? found.route->body_bytes_max : unrouted_body_bytes_max;
}

namespace {

// One read snapshot for the token check and the handler's synchronous reads: they see one
// state of the ledger, and SQLite takes the WAL's shared locks once per request, not per
// statement. In the server it may be the one an earlier request on this thread kept, while the
// writer has committed nothing since (Reader::enter_request); otherwise a transaction of its own.
class RequestSnapshot {
 public:
  explicit RequestSnapshot(Services& services) : services_(services) {
    if (!services.reader) return;
    ledger::Reader& reader = services.reader();
    if (services.keep_snapshots && services.writer != nullptr &&
        reader.enter_request(services.writer->snapshot_marks())) {
      kept_ = &reader;
    } else {
      own_.emplace(reader.db());
    }
  }
  ~RequestSnapshot() {
    if (kept_ != nullptr) kept_->leave_request(services_.writer->snapshot_epoch());
  }
  RequestSnapshot(const RequestSnapshot&) = delete;
  RequestSnapshot& operator=(const RequestSnapshot&) = delete;

 private:
  Services& services_;
  ledger::Reader* kept_ = nullptr;
  std::optional<ledger::ReadTransaction> own_;
};

// Who calls `route`: no principal on public routes; a refusal without a known token (401) or for
// a role the route does not admit (403), with the principal when the token was known.
struct Admission {
  std::optional<Principal> principal;
  std::optional<Problem> refusal;
};

Admission admit(const Route& route, const Request& request, Services& services) {
  Admission admitted;
  if (route.roles.is_public()) return admitted;
  PARDNER_ASSERT(services.tokens != nullptr);
  auto who = authenticate(request, *services.tokens);
  if (!who) {
    admitted.refusal = who.error();
    return admitted;
  }
  admitted.principal = who.value();
  if (!route.roles.contains(who.value().role)) {
    admitted.refusal =
        make_problem(ApiErrc::forbidden, "the " + std::string(wire_name(who.value().role)) +
                                             " role may not use this endpoint");
  }
  return admitted;
}

// What the access-log line and the metrics say about a request, filled in as dispatch learns it.
struct Facts {
  std::string method, route = "-", role, remote;
  const Route* matched = nullptr;
};

// Wraps `reply` so the response carries X-Request-Id, one access-log line is written and the
// request is counted: every answer, routed or refused, passes here exactly once.
Reply logged_reply(Services& services, std::shared_ptr<Facts> facts, Reply reply) {
  return [&services, started = std::chrono::steady_clock::now(), request_id = new_request_id(),
          facts = std::move(facts), reply = std::move(reply)](Response response) {
    response.headers.emplace_back("X-Request-Id", request_id);
    auto took_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count();
    if (services.access_log) {
      services.access_log(
          access_log_line(AccessRecord{request_id, facts->method, facts->route, response.status,
                                       took_us, facts->role, facts->remote}));
    }
    if (services.http_metrics != nullptr) {
      services.http_metrics->observe(facts->matched, facts->method, response.status, took_us);
    }
    reply(std::move(response));
  };
}

}  // namespace

std::optional<Problem> Router::refuse_before_body(const Request& headers,
                                                  Services& services) const {
  Request probe = headers;
  if (!parse_target(probe)) return std::nullopt;
  Match found = match(probe.method, probe.path);
  if (found.route == nullptr || found.route->body_bytes_max <= unrouted_body_bytes_max) {
    return std::nullopt;
  }
  // Current, as in dispatch: a snapshot kept from before a token was created would refuse it.
  RequestSnapshot snapshot(services);
  return admit(*found.route, probe, services).refusal;
}

void Router::refuse(const Request& request, const Problem& problem, Services& services,
                    Reply reply) const {
  auto facts = std::make_shared<Facts>(Facts{request.method, "-", "", request.remote});
  logged_reply(services, std::move(facts), std::move(reply))(to_response(problem));
}

void Router::dispatch(Request request, Services& services, Post post, Reply reply) const {
  auto facts = std::make_shared<Facts>(Facts{request.method, "-", "", request.remote});
  Reply logged = logged_reply(services, facts, std::move(reply));

  if (auto parsed = parse_target(request); !parsed) return logged(to_response(parsed.error()));
  Match found = match(request.method, request.path);
  if (found.route == nullptr && found.allowed.empty()) {
    return logged(to_response(make_problem(ApiErrc::not_found, "no resource at this path")));
  }
  if (found.route == nullptr) {
    Problem problem =
        make_problem(ApiErrc::method_not_allowed, request.method + " is not allowed on this path");
    std::string allow;
    for (std::string_view method : found.allowed) {
      allow += (allow.empty() ? "" : ", ") + std::string(method);
    }
    problem.headers.emplace_back("Allow", allow);
    return logged(to_response(problem));
  }
  const Route& route = *found.route;
  facts->route = std::string(route.pattern);
  facts->matched = &route;
  // The session enforces this while reading; checked again for callers that build requests.
  if (request.body.size() > route.body_bytes_max) {
    return logged(to_response(make_problem(
        ApiErrc::body_too_large,
        "this endpoint takes at most " + std::to_string(route.body_bytes_max) + " body bytes")));
  }

  RequestSnapshot snapshot(services);
  Admission admitted = admit(route, request, services);
  if (admitted.principal) facts->role = std::string(wire_name(admitted.principal->role));
  if (admitted.refusal) return logged(to_response(*admitted.refusal));
  std::optional<Principal> principal = admitted.principal;
  if (!request.body.empty() && !is_json_media_type(request.content_type)) {
    return logged(to_response(
        make_problem(ApiErrc::unsupported_media_type, "send the body as application/json")));
  }

  // Each route's query parameters are the ones its row documents; anything else is refused, so a
  // misspelt filter cannot silently widen a list, nor a misspelt `as_of` silently read "now".
  for (const auto& query_param : request.query) {
    // Not a structured binding: clang 14 (the fuzzing build) cannot capture one in a lambda.
    const std::string& name = query_param.first;
    bool documented = std::ranges::any_of(
        route.doc.query, [&name](const ParamDoc& param) { return param.name == name; });
    if (!documented) {
      // Names come from the client: quote a bounded piece only.
      return logged(to_response(
          make_problem(ApiErrc::invalid_argument,
                       "unknown query parameter '" +
                           std::string(crypto::utf8_prefix(name, quoted_name_bytes_max)) + "'")));
    }
  }

  auto exchange = std::make_shared<Exchange>(std::move(request), std::move(found.params), principal,
                                             services, std::move(post), std::move(logged));
  run_guarded(*exchange, [&] { route.handler(*exchange); });
  // A handler answers or hands the exchange to the writer; anything else is our bug.
  PARDNER_ASSERT(exchange->replied() || exchange->awaiting_writer());
}

}  // namespace pardner::api
