// One request on its way to one response: what a handler sees (the request, its path
// parameters, the caller, the ledger) and how it answers, at once or after the writer commits.
// Never blocks: a write is submitted and answered from its completion, on the session's I/O thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/http_types.h"
#include "api/problem.h"
#include "ledger/commands.h"
#include "ledger/reader.h"
#include "ledger/writer.h"

namespace pardner::api {

class HttpMetrics;

// What every handler may use. Outlives every Exchange (the server owns it).
struct Services {
  TokenStore* tokens = nullptr;
  // The calling I/O thread's Reader: a Reader is single-threaded, so each thread has its own.
  std::function<ledger::Reader&()> reader;
  ledger::Writer* writer = nullptr;  // null when the ledger is served read-only
  // Whether a request may keep its read snapshot for the next one on the same thread
  // (Reader::enter_request). Set by run_server, whose I/O threads end a kept snapshot before
  // they wait for work; elsewhere (tests) every request has a snapshot of its own.
  bool keep_snapshots = false;
  // Why the ledger is served read-only, for the 503 a write gets and for /readyz: the
  // start-up check found the stored ledger damaged (api/serve_command.cc). Empty in tests.
  std::string read_only_reason;
  std::string verifier_key_line;  // DIR/verifier.key, read once at start
  // True once the server is stopping: /readyz turns red.
  std::function<bool()> stopping = [] { return false; };
  // Receives one JSON access-log line per response (no newline); null logs nothing.
  std::function<void(std::string_view)> access_log;
  // Writes out access-log lines still buffered; the server calls it once it has stopped.
  std::function<void()> flush_access_log;
  // Counts every response, built from the router's own table (api/metrics.h); null counts
  // nothing.
  HttpMetrics* http_metrics = nullptr;
  // Connections open now, for GET /metrics; null when there are no sockets (tests).
  std::function<std::size_t()> connections_open;
  // Connections closed in their handshake to make room at the cap, since the start; likewise.
  std::function<std::uint64_t()> connections_evicted;
};

// Runs `task` later on the session's I/O thread (tests may run it at once or queue it).
using Post = std::function<void(std::function<void()>)>;
// Receives the one response to a request, on the session's I/O thread.
using Reply = std::function<void(Response)>;

using PathParams = std::vector<std::pair<std::string, std::string>>;

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Then = std::function<void(Exchange&, const ledger::Result<ledger::Applied>&)>;
  using ThenAll =
      std::function<void(Exchange&, const std::vector<ledger::Result<ledger::Applied>>&)>;

  Exchange(Request request, PathParams params, std::optional<Principal> principal,
           Services& services, Post post, Reply reply);

  const Request& request() const { return request_; }
  // The value of `{name}` in the route's pattern; asserts the route has it.
  std::string_view path_param(std::string_view name) const;
  // Absent on public routes.
  const std::optional<Principal>& principal() const { return principal_; }
  Services& services() { return services_; }
  ledger::Reader& reader() { return services_.reader(); }

  // Answers the request. Exactly once per exchange (asserted).
  void reply(Response response);
  void reply_json(int status, std::string body);
  void fail(const Problem& problem);
  void fail(const ledger::Error& error);

  // Queues `command` for the writer; `then` runs on the session's I/O thread with its result and
  // must answer. The writer's completion runs on the writer thread and only posts.
  void submit(ledger::Command command, Then then);
  // As submit, for many commands queued together: each applied or refused on its own
  // (Writer::submit_each), or all or none (Writer::submit_atomic). `then` runs once, with one
  // result per command in order.
  void submit_each(std::vector<ledger::Command> commands, ThenAll then);
  void submit_atomic(std::vector<ledger::Command> commands, ThenAll then);

  bool replied() const { return replied_; }
  bool awaiting_writer() const { return awaiting_writer_; }

 private:
  // Marks the exchange as awaiting the writer; false (answered 503) when there is none.
  bool begin_submit();
  // On the I/O thread, before a writer's result is handled.
  void end_kept_snapshot();
  // The writer's completion for a group: posts `then` back to the session's I/O thread.
  ledger::Writer::GroupCompletion post_back(ThenAll then);

  Request request_;
  PathParams params_;
  std::optional<Principal> principal_;
  Services& services_;
  Post post_;
  Reply reply_;
  bool replied_ = false;
  bool awaiting_writer_ = false;
};

// THE request wrapper: runs `step` for `exchange`; an exception escaping it (a bug, or
// bad_alloc) answers 500 internal_error if nothing was answered yet. The only catch besides main.
void run_guarded(Exchange& exchange, const std::function<void()>& step);

}  // namespace pardner::api
