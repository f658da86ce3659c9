// Fuzzes the JSON request decoding of every endpoint that takes a body, the loan, pool, round and
// dividend endpoints included, by running the real handler: decode_body and its field
// decoders, decode_transaction, the batch decoder and the idempotency-key rules, exactly as
// the router calls them. The Exchange has no writer, so a body that decodes completely is
// answered 503 unavailable where the server would submit it; nothing touches a ledger.
// Input: "<endpoint>\n<Idempotency-Key header>\n<body>", endpoint one of the names below.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/exchange.h"
#include "api/handlers/handlers.h"
#include "api/router.h"

namespace {

using pardner::api::Exchange;
using pardner::api::Handler;
using pardner::api::Request;
using pardner::api::Response;

struct Endpoint {
  std::string_view name;
  Handler handler;
  bool takes_id;  // a /{id}/action route
};

namespace handlers = pardner::api::handlers;
constexpr Endpoint endpoints[] = {
    {"members", &handlers::create_member, false},
    {"accounts", &handlers::create_account, false},
    {"close", &handlers::close_account, true},
    {"transactions", &handlers::create_transaction, false},
    {"batch", &handlers::create_transaction_batch, false},
    {"post", &handlers::post_pending, true},
    {"void", &handlers::void_pending, true},
    {"reverse", &handlers::reverse_transaction, true},
    {"tokens", &handlers::create_token, false},
    {"revoke", &handlers::revoke_token, true},
    // Loans, as an admin: no member scope to look up, so no reader is needed.
    {"loan_funds", &handlers::create_loan_fund, false},
    {"loan_products", &handlers::create_loan_product, true},
    {"loans", &handlers::apply_for_loan, false},
    {"approve", &handlers::approve_loan, true},
    {"reject", &handlers::reject_loan, true},
    {"withdraw", &handlers::withdraw_loan, true},
    {"disburse", &handlers::disburse_loan, true},
    {"repay", &handlers::repay_loan, true},
    {"write_off", &handlers::write_off_loan, true},
    {"recoveries", &handlers::record_recovery, true},
    {"late_fees", &handlers::charge_late_fees, false},
    // Pools and rounds, as an admin (the handlers decode the same for any role; the router keeps
    // votes to members): contributions look up a member's scope only for a member.
    {"pools", &handlers::create_pool, false},
    {"contributions", &handlers::contribute_to_pool, true},
    {"policy", &handlers::set_pool_policy, true},
    {"distributions", &handlers::distribute_pool, true},
    {"rounds", &handlers::open_round, false},
    {"votes", &handlers::cast_vote, true},
    {"votes_mine", &handlers::change_vote, true},
    {"close_round", &handlers::close_round, true},
    // Dividends, as an admin: the one write route; no scope to look up.
    {"dividends", &handlers::declare_dividend, false},
};

// The text up to the next newline, removed from `input` with the newline; nullopt without one.
std::optional<std::string_view> take_line(std::string_view& input) {
  std::size_t end = input.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = input.substr(0, end);
  input.remove_prefix(end + 1);
  return line;
}

[[noreturn]] void violated(const char* what, const Response& response) {
  std::fprintf(stderr, "request_body_fuzz: %s (status %d, body %s)\n", what, response.status,
               response.body.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto name = take_line(input);
  if (!name) return 0;
  auto key = take_line(input);
  if (!key) return 0;
  const Endpoint* endpoint = nullptr;
  for (const Endpoint& candidate : endpoints) {
    if (candidate.name == *name) endpoint = &candidate;
  }
  if (endpoint == nullptr) return 0;

  Request request;
  request.method = "POST";
  request.content_type = "application/json";
  request.idempotency_key = std::string(*key);
  request.body = std::string(input);
  pardner::api::PathParams params;
  if (endpoint->takes_id) params.emplace_back("id", "7");
  pardner::api::Services services;  // no writer, no reader: decoding only
  std::optional<Response> answer;
  int answers = 0;
  auto exchange = std::make_shared<Exchange>(
      std::move(request), std::move(params),
      pardner::api::Principal{.token_id = 1, .role = pardner::api::Role::admin}, services,
      [](std::function<void()> task) { task(); },
      [&](Response response) {
        ++answers;
        answer = std::move(response);
      });
  pardner::api::run_guarded(*exchange, [&] { endpoint->handler(*exchange); });

  // Every body is answered exactly once, synchronously: refused as the client's fault (4xx), or
  // decoded completely and then refused for want of a writer (503 unavailable). A 500 would be an
  // exception escaping a decoder.
  if (answers != 1 || !answer) violated("not answered exactly once", Response{});
  const Response& response = *answer;
  bool client_error = response.status >= 400 && response.status < 500;
  if (!client_error && response.status != 503) violated("unexpected status", response);
  boost::system::error_code ec;
  boost::json::value problem = boost::json::parse(response.body, ec);
  if (ec || !problem.is_object()) violated("problem body is not a JSON object", response);
  const boost::json::value* code = problem.get_object().if_contains("code");
  if (code == nullptr || !code->is_string()) violated("problem without a code", response);
  if (response.status == 503 && code->get_string() != "unavailable") {
    violated("503 other than unavailable", response);
  }
  return 0;
}
