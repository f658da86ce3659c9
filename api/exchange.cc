// Answering a request, synchronously or from the writer's completion, and the request wrapper
// that turns an escaped exception into a 500 problem.
#include "api/exchange.h"

#include <cstdio>
#include <exception>

namespace pardner::api {

Exchange::Exchange(Request request, PathParams params, std::optional<Principal> principal,
                   Services& services, Post post, Reply reply)
    : request_(std::move(request)),
      params_(std::move(params)),
      principal_(principal),
      services_(services),
      post_(std::move(post)),
      reply_(std::move(reply)) {}

std::string_view Exchange::path_param(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  PARDNER_ASSERT(false && "the route has no such path parameter");
  return {};
}

void Exchange::reply(Response response) {
  PARDNER_ASSERT(!replied_);
  replied_ = true;
  awaiting_writer_ = false;
  reply_(std::move(response));
}

void Exchange::reply_json(int status, std::string body) {
  reply(Response{status, std::string(json_type), std::move(body), {}});
}

void Exchange::fail(const Problem& problem) { reply(to_response(problem)); }

void Exchange::fail(const ledger::Error& error) { fail(problem_from(error)); }

bool Exchange::begin_submit() {
  PARDNER_ASSERT(!replied_);
  PARDNER_ASSERT(!awaiting_writer_);
  if (services_.writer == nullptr) {
    fail(ledger::Error{ledger::Errc::unavailable, services_.read_only_reason.empty()
                                                      ? "this server takes no writes"
                                                      : services_.read_only_reason});
    return false;
  }
  awaiting_writer_ = true;
  return true;
}

void Exchange::submit(ledger::Command command, Then then) {
  if (!begin_submit()) return;
  // The completion runs on the writer thread (or at once, on this one, when the queue is
  // full): it only posts the result back to the session's I/O thread, never answers from there.
  auto self = shared_from_this();
  services_.writer->submit(std::move(command), [self, then = std::move(then)](
                                                   ledger::Result<ledger::Applied> done) mutable {
    self->post_([self, then = std::move(then), done = std::move(done)]() {
      self->end_kept_snapshot();
      run_guarded(*self, [&] { then(*self, done); });
      PARDNER_ASSERT(self->replied_);
    });
  });
}

ledger::Writer::GroupCompletion Exchange::post_back(ThenAll then) {
  // As in submit: the writer thread only posts; the answer is made on the session's I/O thread.
  auto self = shared_from_this();
  return [self, then = std::move(then)](std::vector<ledger::Result<ledger::Applied>> done) mutable {
    self->post_([self, then = std::move(then), done = std::move(done)]() {
      self->end_kept_snapshot();
      run_guarded(*self, [&] { then(*self, done); });
      PARDNER_ASSERT(self->replied_);
    });
  };
}

void Exchange::end_kept_snapshot() {
  // A snapshot this thread kept from before the commit would not show it to `then`.
  if (services_.keep_snapshots) services_.reader().end_kept_snapshot();
}

void Exchange::submit_each(std::vector<ledger::Command> commands, ThenAll then) {
  if (!begin_submit()) return;
  services_.writer->submit_each(std::move(commands), post_back(std::move(then)));
}

void Exchange::submit_atomic(std::vector<ledger::Command> commands, ThenAll then) {
  if (!begin_submit()) return;
  services_.writer->submit_atomic(std::move(commands), post_back(std::move(then)));
}

void run_guarded(Exchange& exchange, const std::function<void()>& step) {
  try {
    step();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pardner: request %s %s failed: %s\n", exchange.request().method.c_str(),
                 exchange.request().path.c_str(), e.what());
    // After a submit the writer's completion answers; answering here too would answer twice.
    if (!exchange.replied() && !exchange.awaiting_writer()) {
      exchange.fail(make_problem(ApiErrc::internal_error, "the server failed on this request"));
    }
  }
}

}  // namespace pardner::api
