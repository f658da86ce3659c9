// The HTTPS server: TLS (1.2 minimum, modern ciphers), a pool of I/O threads each with its own
// ledger::Reader, the listener and its sessions, and graceful shutdown on SIGTERM or SIGINT.
// No Beast or Asio type appears here; api/server.cc holds them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "api/exchange.h"
#include "api/limits.h"
#include "ledger/reader.h"

namespace pardner::api {

struct ServerOptions {
  std::string listen_host = "127.0.0.1";  // an IPv4 or IPv6 address, not a name
  std::uint16_t listen_port = 8443;       // 0: any free port (printed when listening)
  std::string cert_chain_pem;             // the server certificate, then any intermediates
  std::string private_key_pem;
  std::size_t max_connections = connections_max;
  std::size_t max_handshakes_per_address = handshakes_per_address_max;
  std::int64_t idle_timeout_ms = api::idle_timeout_ms;
  std::int64_t body_timeout_ms = api::body_timeout_ms;
};

// Serves until SIGTERM or SIGINT. Prints {"listening":"HOST:PORT"} on stdout once accepting.
// `readers` holds one Reader per I/O thread (their number is the pool's size); `services` must
// name the writer, which this stops during shutdown. Shutdown: stop accepting, let in-flight
// requests finish (at most shutdown_grace_ms, then close what is left), stop the writer (it
// drains its queue), stop the I/O threads, close the readers. Returns 0 after a clean
// shutdown, 1 when the server cannot start (the reason on stderr). A second signal during
// shutdown closes the remaining connections at once.
int run_server(const ServerOptions& options, Services& services,
               std::vector<ledger::Reader> readers);

}  // namespace pardner::api
