// `pardner serve`: opens the ledger (writer, one reader per I/O thread, the verifier key, the
// access tokens, the TLS files) and runs the HTTPS server until SIGTERM or SIGINT. Plain C++: the
// Beast and Asio parts are behind api/server.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pardner::api {

struct ServeCommand {
  std::string data_dir;
  std::string listen = "127.0.0.1:8443";       // HOST:PORT, [IPv6]:PORT; port 0 picks a free one
  std::string cert_file;                       // default DIR/tls.crt
  std::string key_file;                        // default DIR/tls.key (mode 0600 or stricter)
  std::string passphrase_file;                 // for a sealed signing key
  std::size_t max_connections = 0;             // 0: api::connections_max
  std::size_t max_handshakes_per_address = 0;  // 0: api::handshakes_per_address_max
  std::int64_t idle_timeout_ms = 0;            // 0: api::idle_timeout_ms
  // How often the scheduled work runs (late fees, ending rounds); 0: every ten minutes. Shorter
  // for a Soup evening whose round should close the moment its window ends, and for tests.
  std::int64_t scheduled_work_interval_ms = 0;
  std::int64_t body_timeout_ms = 0;  // 0: api::body_timeout_ms
  // The start-up integrity check (ledger/integrity_check.h) reads the whole ledger; a ledger too
  // large to check at every start can skip it and run `pardner check` on its own schedule.
  bool skip_startup_check = false;
  // The writer's postings merge (ledger::WriterOptions); 0: the defaults. Small values make
  // ops/crashtest kill the server inside and around its steps.
  std::int64_t postings_merge_entries = 0;
  std::int64_t postings_merge_step = 0;
};

// Splits "127.0.0.1:8443" or "[::1]:8443" into host and port; nullopt when malformed.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<HostPort> parse_listen_address(const std::string& text);

// Returns the exit code: 0 after a clean shutdown, 1 when the server cannot start.
int run_serve(const ServeCommand& command);

}  // namespace pardner::api
