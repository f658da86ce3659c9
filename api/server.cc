// Server start and shutdown. TLS settings follow Mozilla's "intermediate" profile: TLS 1.2 and
// 1.3, ECDHE with AEAD ciphers only, no compression, no renegotiation.
#include "api/server.h"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <csignal>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "api/connection_tracker.h"
#include "api/listener.h"
#include "api/metrics.h"
#include "api/routes.h"
#include "ledger/thread_name.h"

namespace pardner::api {
namespace {

namespace net = boost::asio;

// Each I/O thread's own Reader (a Reader is single-threaded).
thread_local ledger::Reader* this_thread_reader = nullptr;

constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* tls13_ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

bool configure_tls(net::ssl::context& tls, const ServerOptions& options, std::string& error) {
  SSL_CTX* native = tls.native_handle();
  // tls_server allows every version; the floor is set here, explicitly (not tlsv12_server,
  // which would also forbid TLS 1.3).
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    error = "cannot set the minimum TLS version";
    return false;
  }
  SSL_CTX_set_options(
      native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(native, tls13_ciphersuites) != 1) {
    error = "cannot set the TLS ciphers";
    return false;
  }
  boost::system::error_code ec;
  tls.use_certificate_chain(net::buffer(options.cert_chain_pem), ec);
  if (ec) {
    error = "cannot use the TLS certificate: " + ec.message();
    return false;
  }
  tls.use_private_key(net::buffer(options.private_key_pem), net::ssl::context::pem, ec);
  if (ec) {
    error = "cannot use the TLS private key: " + ec.message();
    return false;
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    error = "the TLS private key does not match the certificate";
    return false;
  }
  return true;
}

// Runs `context` until it is stopped, as io_context::run would. A request may leave its read
// snapshot open for the next (Reader::enter_request); whenever nothing is ready to run, it is
// ended before the thread waits, so a thread with no requests never holds back the WAL.
void run_io_thread(net::io_context& context, ledger::Reader& reader) {
  while (!context.stopped()) {
    context.poll();
    reader.end_kept_snapshot();
    context.run_one();
  }
  reader.end_kept_snapshot();
}

std::string host_port(const net::ip::tcp::endpoint& endpoint) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace

int run_server(const ServerOptions& options, Services& services,
               std::vector<ledger::Reader> readers) {
  PARDNER_ASSERT(!readers.empty());
  // A client or log reader that goes away must not kill the server with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  net::ssl::context tls(net::ssl::context::tls_server);
  std::string error;
  if (!configure_tls(tls, options, error)) {
    std::fprintf(stderr, "pardner: %s\n", error.c_str());
    return 1;
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(options.listen_host, ec);
  if (ec) {
    std::fprintf(stderr, "pardner: --listen needs an IP address, not '%s'\n",
                 options.listen_host.c_str());
    return 1;
  }

  Router router(api_routes());
  // Built from the router's own table: a request is counted by its row, without a lock.
  HttpMetrics http_metrics(router.routes());
  // Declared before the io_context, so it outlives every session the io_context destroys.
  ConnectionTracker tracker({.serve_max = options.max_connections,
                             .refuse_max = refused_connections_max,
                             .handshakes_per_source_max = options.max_handshakes_per_address,
                             .evictions_pending_max = evicted_connections_max});
  std::atomic<bool> stopping{false};
  services.stopping = [&stopping] { return stopping.load(); };
  services.http_metrics = &http_metrics;
  services.connections_open = [&tracker] { return tracker.served() + tracker.refused(); };
  services.connections_evicted = [&tracker] { return tracker.evicted_total(); };
  services.reader = []() -> ledger::Reader& {
    PARDNER_ASSERT(this_thread_reader != nullptr);
    return *this_thread_reader;
  };
  // Each I/O thread ends its reader's kept snapshot before it waits (run_io_thread).
  services.keep_snapshots = services.writer != nullptr;

  // One io_context per I/O thread, run by that thread alone, and each connection on one of
  // them: the writer's completion for a request wakes the thread that owns the connection,
  // and no two threads take one scheduler's lock for every handler, as they did sharing one
  // io_context (docs/performance.md, "One io_context per I/O thread").
  std::vector<std::unique_ptr<net::io_context>> owned;
  std::vector<net::io_context*> contexts;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  for (std::size_t i = 0; i < readers.size(); ++i) {
    owned.push_back(std::make_unique<net::io_context>(1));
    contexts.push_back(owned.back().get());
    work.push_back(net::make_work_guard(*owned.back()));
  }
  net::io_context& io = *contexts.front();  // the listener's and the signals'
  SessionOptions session_options{std::chrono::milliseconds(options.idle_timeout_ms),
                                 std::chrono::milliseconds(options.body_timeout_ms)};
  auto listener = std::make_shared<Listener>(contexts, tls,
                                             net::ip::tcp::endpoint(address, options.listen_port),
                                             router, services, tracker, session_options, ec);
  if (ec) {
    std::fprintf(stderr, "pardner: cannot listen on %s:%u: %s\n", options.listen_host.c_str(),
                 static_cast<unsigned>(options.listen_port), ec.message().c_str());
    return 1;
  }

  std::promise<void> stop_requested;
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& wait_ec, int) {
    if (wait_ec) return;
    stopping = true;
    listener->stop();
    tracker.stop_all();
    stop_requested.set_value();
    // A second signal: stop waiting for slow clients.
    signals.async_wait([&tracker](const boost::system::error_code& again_ec, int) {
      if (!again_ec) tracker.abort_all();
    });
  });
  listener->start();
  std::printf("{\"listening\":\"%s\"}\n", host_port(listener->local_endpoint()).c_str());
  std::fflush(stdout);

  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < readers.size(); ++i) {
    threads.emplace_back([context = contexts[i], reader = &readers[i]] {
      this_thread_reader = reader;
      run_io_thread(*context, *reader);
      this_thread_reader = nullptr;
    });
    ledger::name_thread(threads.back(), ("pardner-io-" + std::to_string(i)).c_str());
  }

  stop_requested.get_future().wait();
  auto grace_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(shutdown_grace_ms);
  if (!tracker.wait_idle_until(grace_end)) {
    std::fprintf(stderr, "pardner: closing %zu connections still open after %lld ms\n",
                 tracker.served() + tracker.refused(), static_cast<long long>(shutdown_grace_ms));
    tracker.abort_all();
    (void)tracker.wait_idle_until(std::chrono::steady_clock::now() +
                                  std::chrono::milliseconds(shutdown_abort_wait_ms));
  }
  // Every answered request is answered; the writer finishes whatever is still queued.
  if (services.writer != nullptr) services.writer->stop();
  signals.cancel(ec);
  work.clear();
  for (net::io_context* context : contexts) context->stop();
  for (std::thread& thread : threads) thread.join();
  readers.clear();  // closes the read connections
  services.reader = nullptr;
  services.keep_snapshots = false;
  services.stopping = [] { return true; };
  services.http_metrics = nullptr;
  services.connections_open = nullptr;
  services.connections_evicted = nullptr;
  if (services.flush_access_log) services.flush_access_log();
  std::fprintf(stderr, "pardner: stopped\n");
  return 0;
}

}  // namespace pardner::api
