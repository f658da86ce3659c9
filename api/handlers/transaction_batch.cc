// POST /v1/transactions/batch (admin): {"atomic"?, "transactions":[item, ...]}, 1 to
// batch_transactions_max items, each one transaction's body (api/handlers/transaction_body.h)
// with its own "idempotency_key". The whole body is decoded before anything is queued, so a
// malformed item or a key repeated within the batch refuses the request and writes nothing.
// Whether an atomic group applies is the writer's rule (Writer::submit_atomic); here it is only
// encoded.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/handlers/transaction_body.h"
#include "api/limits.h"
#include "ledger/limits.h"

namespace pardner::api::handlers {
namespace {

using Results = std::vector<ledger::Result<ledger::Applied>>;

struct Batch {
  bool atomic = false;
  std::vector<ledger::Command> commands;
};

// `problem` about item `index`: the detail names it, and so does an "index" member for programs.
Problem at_item(std::size_t index, Problem problem) {
  problem.detail = "transactions[" + std::to_string(index) + "]: " + problem.detail;
  problem.extensions["index"] = index;
  return problem;
}

Decoded<Batch> decode_batch(const Request& request) {
  // One header cannot name a thousand requests; a key there would be silently meaningless.
  if (!request.idempotency_key.empty()) {
    return invalid(R"(each transaction carries its own "idempotency_key"; )"
                   "the Idempotency-Key header is not taken here");
  }
  auto body = decode_body(request, batch_body_depth_max, {"atomic", "transactions"});
  if (!body) return body.error();
  auto atomic = optional_bool(body.value(), "atomic");
  if (!atomic) return atomic.error();
  const boost::json::value* list = body.value().if_contains("transactions");
  if (list == nullptr) return invalid(R"("transactions" is required)");
  if (!list->is_array()) return invalid(R"("transactions" must be an array)");
  const boost::json::array& items = list->get_array();
  if (items.empty() || items.size() > batch_transactions_max) {
    return invalid(R"("transactions" must hold 1 to )" + std::to_string(batch_transactions_max) +
                   " items");
  }
  Batch batch{atomic.value().value_or(false), {}};
  batch.commands.reserve(items.size());
  // Views into the body's own strings, which outlive the loop. A key repeated within one batch
  // is refused here: the ledger would answer the second as a replay (or conflict) of the first,
  // which no client sending both at once can mean.
  std::unordered_map<std::string_view, std::size_t> first_with_key;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) return at_item(i, invalid("a transaction must be an object"));
    const boost::json::object& fields = items[i].get_object();
    auto command = decode_transaction(fields);
    if (!command) return at_item(i, command.error());
    auto key = required_string(fields, "idempotency_key", ledger::idempotency_key_bytes_max);
    if (!key) return at_item(i, key.error());
    if (key.value().empty()) return at_item(i, invalid(R"("idempotency_key" must not be empty)"));
    const boost::json::string& text = fields.at("idempotency_key").get_string();
    auto [first, fresh] = first_with_key.emplace(std::string_view(text.data(), text.size()), i);
    if (!fresh) {
      return at_item(i, invalid(R"("idempotency_key" repeats that of transactions[)" +
                                std::to_string(first->second) + "]"));
    }
    command.value().idempotency_key = std::move(key.value());
    batch.commands.emplace_back(std::move(command.value()));
  }
  return batch;
}

// The writer took none of it, or its batch failed: a verdict on the writer, not on an item.
bool writer_refused(const ledger::Result<ledger::Applied>& done) {
  return !done && (done.error().code == ledger::Errc::unavailable ||
                   done.error().code == ledger::Errc::storage_failed);
}

// One item's answer, shaped as POST /v1/transactions would answer it alone.
boost::json::object item_result(std::size_t index, const ledger::Result<ledger::Applied>& done) {
  if (done) {
    return {{"index", index},
            {"status", done.value().replayed ? 200 : 201},
            {"id", done.value().id},
            {"seq", done.value().seq}};
  }
  Problem problem = problem_from(done.error());
  return {{"index", index}, {"status", problem.status}, {"problem", to_json(problem)}};
}

boost::json::array item_results(const Results& results) {
  boost::json::array out;
  out.reserve(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) out.emplace_back(item_result(i, results[i]));
  return out;
}

// Each item answered on its own: 200 with every result. Only when the writer took none of them
// (its queue is full or it has stopped) is the answer that one problem, so a client backs off.
void reply_each(Exchange& ex, const Results& results) {
  if (std::all_of(results.begin(), results.end(), writer_refused)) {
    return ex.fail(results.front().error());
  }
  ex.reply_json(200,
                boost::json::serialize(boost::json::object{{"results", item_results(results)}}));
}

// All or none. Applied: 201 with every result (200 when every item replayed an earlier answer).
// Refused: the first refused item's problem (its status and code), naming it in "index", with
// every result in "results" (the others 424 batch_rolled_back).
void reply_atomic(Exchange& ex, const Results& results) {
  auto refused = std::find_if(results.begin(), results.end(), [](const auto& done) {
    return !done && done.error().code != ledger::Errc::batch_rolled_back;
  });
  if (refused == results.end()) {
    bool all_replayed = std::all_of(results.begin(), results.end(),
                                    [](const auto& done) { return done.value().replayed; });
    return ex.reply_json(
        all_replayed ? 200 : 201,
        boost::json::serialize(boost::json::object{{"results", item_results(results)}}));
  }
  if (writer_refused(*refused)) return ex.fail(refused->error());
  auto index = static_cast<std::size_t>(refused - results.begin());
  Problem problem = at_item(index, problem_from(refused->error()));
  problem.extensions["results"] = item_results(results);
  ex.fail(problem);
}

}  // namespace

void create_transaction_batch(Exchange& ex) {
  auto batch = decode_batch(ex.request());
  if (!batch) return ex.fail(batch.error());
  if (batch.value().atomic) {
    return ex.submit_atomic(std::move(batch.value().commands), &reply_atomic);
  }
  ex.submit_each(std::move(batch.value().commands), &reply_each);
}

}  // namespace pardner::api::handlers
