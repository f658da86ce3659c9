// Fuzzes the HTTP request path up to the router, with no network: bytes -> Beast's request parser
// with the server's limits (api/limits.h), in the order api/session.cc applies them (header
// bytes, then the route's body limit, then the early 401/403 for large bodies) -> the plain
// Request -> Router::dispatch over the real route table (api/routes.h): target and query parsing
// (api/target), route matching, body limit, bearer authentication, roles, media type and query
// names. Each route's handler is replaced by a stub that checks what the router handed it, parses
// the route's query parameters as handlers do (api/params) and answers 200, so nothing beyond
// the router and the parameter parsers runs. Several pipelined requests may follow
// each other, each with a fresh parser, as on one connection. A violation aborts.
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/limits.h"
#include "api/params.h"
#include "api/router.h"
#include "api/routes.h"

namespace {

namespace http = boost::beast::http;
namespace api = pardner::api;

[[noreturn]] void violated(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "http_request_fuzz: %s %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// Which stub the router called last, if any.
struct StubCall {
  bool called = false;
};
StubCall last_call;

const api::Router& router();

// Stands in for the handler of route `index`, and checks what the router handed it: the method
// is the route's, each path segment matches the pattern (a parameter is a whole, non-empty
// segment, and path_param gives it back), the caller holds one of the route's roles (none on a
// public route), the body fits the route's limit, and every query name is one the route takes.
template <std::size_t index>
void stub_handler(api::Exchange& ex) {
  last_call.called = true;
  const api::Route& route = router().routes()[index];
  const api::Request& request = ex.request();
  if (request.method != route.method) violated("handler of another method:", request.target);
  std::vector<std::string_view> pattern = api::split_path(route.pattern);
  std::vector<std::string_view> path = api::split_path(request.path);
  if (pattern.size() != path.size()) violated("path does not fit the pattern:", request.target);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i].starts_with('{')) {
      std::string_view name = pattern[i].substr(1, pattern[i].size() - 2);
      if (path[i].empty() || ex.path_param(name) != path[i]) {
        violated("bad path parameter:", request.target);
      }
    } else if (pattern[i] != path[i]) {
      violated("literal segment differs:", request.target);
    }
  }
  if (route.roles.is_public() != !ex.principal().has_value() ||
      (ex.principal() && !route.roles.contains(ex.principal()->role))) {
    violated("caller outside the route's roles:", request.target);
  }
  if (request.body.size() > route.body_bytes_max) violated("body over the route's limit");
  for (const auto& [name, value] : request.query) {
    bool taken = false;
    for (const api::ParamDoc& param : route.doc.query) taken = taken || param.name == name;
    if (!taken) violated("undocumented query parameter reached a handler:", request.target);
  }
  // What handlers do next with the query (api/params.h): each documented parameter parsed as
  // its row says. Strict decimal means an accepted number prints back as the text sent.
  for (const api::ParamDoc& param : route.doc.query) {
    std::optional<std::string_view> raw = request.query_param(param.name);
    if (param.integer) {
      auto number =
          api::query_integer(request, param.name, 0, std::numeric_limits<std::int64_t>::max());
      if (number && number.value() && (!raw || std::to_string(*number.value()) != *raw)) {
        violated("an accepted integer is not the text sent:", request.target);
      }
      if (number && !number.value() && raw) violated("a sent integer was lost:", request.target);
    } else {
      auto text = api::query_text(request, param.name, api::target_bytes_max);
      if (text && text.value() && (!raw || *text.value() != *raw || raw->empty())) {
        violated("accepted text is not the text sent:", request.target);
      }
    }
  }
  ex.reply_json(200, "{}");
}

constexpr std::size_t stubs_count = 64;
template <std::size_t... i>
constexpr std::array<api::Handler, sizeof...(i)> make_stubs(std::index_sequence<i...>) {
  return {&stub_handler<i>...};
}
constexpr auto stubs = make_stubs(std::make_index_sequence<stubs_count>{});

const api::Router& router() {
  static const api::Router instance = [] {
    std::vector<api::Route> routes = api::api_routes();
    if (routes.size() > stubs_count) violated("more routes than stubs: raise stubs_count");
    for (std::size_t i = 0; i < routes.size(); ++i) routes[i].handler = stubs[i];
    return api::Router(std::move(routes));
  }();
  return instance;
}

// Tokens the seeds use: "Bearer fuzz-admin", "fuzz-member" (member 5), "fuzz-auditor".
api::Services& services() {
  static api::InMemoryTokenStore tokens;
  static api::Services instance = [] {
    tokens.add(api::hash_token("fuzz-admin"), {.token_id = 1, .role = api::Role::admin});
    tokens.add(api::hash_token("fuzz-member"),
               {.token_id = 2, .role = api::Role::member, .member = 5});
    tokens.add(api::hash_token("fuzz-auditor"), {.token_id = 3, .role = api::Role::auditor});
    api::Services s;
    s.tokens = &tokens;
    return s;
  }();
  return instance;
}

// One answer, checked: exactly once, a status the router can give, a JSON body.
struct Answer {
  int count = 0;
  int status = 0;
  bool json = false;  // the body parses as JSON (so it is valid UTF-8, RFC 8259 §8.1)
};

void check(const Answer& answer, std::string_view target) {
  if (answer.count != 1) violated("not answered exactly once:", target);
  if (!answer.json) violated("the answer is not JSON:", target);
  switch (answer.status) {
    case 200:
      if (!last_call.called) violated("200 without reaching a handler:", target);
      break;
    case 400:
    case 401:
    case 403:
    case 404:
    case 405:
    case 413:
    case 414:
    case 415:
    case 431:
      if (last_call.called) violated("a handler ran for a refused request:", target);
      break;
    default:
      violated("unexpected status for", target);
  }
}

api::Reply recorder(Answer& answer) {
  return [&answer](api::Response response) {
    ++answer.count;
    answer.status = response.status;
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(response.body, ec);
    answer.json = !ec && body.is_object();
  };
}

// Refuses like Session::refuse_request: through the router's refuse, never dispatch.
void refuse(const http::request_parser<http::string_body>& parser, const api::Problem& problem) {
  api::Request request;
  if (parser.is_header_done()) {
    request.method = std::string(parser.get().method_string());
    request.target = std::string(parser.get().target());
  }
  Answer answer;
  last_call = {};
  router().refuse(request, problem, services(), recorder(answer));
  check(answer, request.target);
}

// Feeds `input` to a fresh parser as the session reads one request; removes what it consumed.
// False when the connection would end (an error, a refusal, end of input, no keep-alive).
bool one_request(std::string_view& input) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(api::header_bytes_max));
  parser.body_limit(api::body_bytes_max);
  boost::beast::error_code ec;
  std::size_t header_bytes = 0;
  while (!parser.is_header_done()) {
    std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    input.remove_prefix(used);
    header_bytes += used;
    // The client stopped mid-header: no answer (the session's idle deadline closes it).
    if (ec == http::error::need_more || (!ec && used == 0)) return false;
    if (ec == http::error::header_limit) {
      refuse(parser, api::make_problem(api::ApiErrc::header_too_large, "header"));
      return false;
    }
    if (ec) {
      refuse(parser, api::make_problem(api::ApiErrc::malformed_request, ec.message()));
      return false;
    }
  }
  if (header_bytes > api::header_bytes_max) {
    refuse(parser, api::make_problem(api::ApiErrc::header_too_large, "header"));
    return false;
  }
  const auto& header = parser.get();
  std::size_t limit = router().body_limit(header.method_string(), header.target());
  if (auto length = parser.content_length(); length && *length > limit) {
    refuse(parser, api::make_problem(api::ApiErrc::body_too_large, "body"));
    return false;
  }
  if (limit > api::unrouted_body_bytes_max) {
    api::Request headers;
    headers.method = std::string(header.method_string());
    headers.target = std::string(header.target());
    headers.authorization = std::string(header[http::field::authorization]);
    if (auto refused = router().refuse_before_body(headers, services())) {
      refuse(parser, *refused);
      return false;
    }
  }
  parser.body_limit(limit);
  while (!parser.is_done()) {
    std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    input.remove_prefix(used);
    // The client stopped mid-body (Beast asks for more, or, with the buffer used up, consumes
    // nothing and says nothing): the session would wait for it until body_timeout_ms.
    if (ec == http::error::need_more || (!ec && used == 0)) return false;
    if (ec == http::error::body_limit) {
      refuse(parser, api::make_problem(api::ApiErrc::body_too_large, "body"));
      return false;
    }
    if (ec) {
      refuse(parser, api::make_problem(api::ApiErrc::malformed_request, ec.message()));
      return false;
    }
  }
  if (parser.get().body().size() > limit) violated("body past the route's limit was read");

  api::Request request;
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  auto message = parser.release();
  request.authorization = std::string(message[http::field::authorization]);
  request.content_type = std::string(message[http::field::content_type]);
  request.idempotency_key = std::string(message["Idempotency-Key"]);
  request.body = std::move(message.body());
  std::string target = request.target;

  Answer answer;
  last_call = {};
  router().dispatch(
      std::move(request), services(), [](std::function<void()> task) { task(); }, recorder(answer));
  check(answer, target);
  return message.keep_alive() && message.method() != http::verb::head;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // At most a full response queue's worth of pipelined requests, as one connection holds.
  for (std::size_t i = 0; i < api::response_queue_max && !input.empty(); ++i) {
    if (!one_request(input)) break;
  }
  return 0;
}
