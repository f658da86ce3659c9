// Wires the ledger to the server. Everything that can fail at start fails here, before the
// first connection: the TLS files, the ledger, its key, the readers, the writer.
#include "api/serve_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "api/auth.h"
#include "api/buffered_log.h"
#include "api/params.h"
#include "api/scheduled_work.h"
#include "api/server.h"
#include "crypto/key_file.h"
#include "crypto/secure_file.h"
#include "ledger/integrity_check.h"
#include "ledger/ledger_files.h"
#include "ledger/ledger_lock.h"
#include "ledger/log_key.h"
#include "ledger/writer.h"

namespace pardner::api {
namespace {

// How often the server runs its scheduled work (api/scheduled_work.h). Late fees are owed by
// the day; ten minutes keeps a fee that fell due overnight from waiting long after midnight.
constexpr std::chrono::minutes scheduled_work_interval{10};

// The access log's batches: written every 100 ms, or sooner once 64 KiB (about 250 lines)
// gather. Tail -f sees a line within a tenth of a second.
constexpr std::chrono::milliseconds access_log_flush_interval{100};
constexpr std::size_t access_log_flush_bytes = 64 * 1024;

// PEM certificate chains and keys are a few kilobytes; this bounds what a bad path can load.
constexpr std::size_t pem_file_bytes_max = 64 * 1024;

int fail(const std::string& what) {
  std::fprintf(stderr, "pardner: %s\n", what.c_str());
  return 1;
}

int fail(const ledger::Error& error) {
  return fail(error.detail + " (" + std::string(ledger::wire_name(error.code)) + ")");
}

// What the start-up check decided: serve normally, serve reads only (`read_only_reason` says
// why), or not start at all when the file itself is damaged (SQLite's own check failed, or the
// schema is not Pardner's: reads would fail too).
struct StartupVerdict {
  bool refuse_to_start = false;
  std::string read_only_reason;
};

// Runs the integrity check and prints what it found.
StartupVerdict startup_check(const ServeCommand& command) {
  if (command.skip_startup_check) {
    std::fprintf(stderr, "pardner: start-up check skipped (--skip-startup-check)\n");
    return {};
  }
  auto started = std::chrono::steady_clock::now();
  auto report = ledger::check_ledger_integrity(command.data_dir);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  if (!report) return {.refuse_to_start = true, .read_only_reason = report.error().detail};
  if (report.value().intact()) {
    std::fprintf(stderr,
                 "pardner: start-up check passed: %llu entries, %llu checkpoints, %lld ms\n",
                 static_cast<unsigned long long>(report.value().entries),
                 static_cast<unsigned long long>(report.value().checkpoints),
                 static_cast<long long>(millis));
    return {};
  }
  for (const std::string& problem : report.value().problems) {
    std::fprintf(stderr, "pardner: start-up check: %s\n", problem.c_str());
  }
  const std::string& first = report.value().problems.front();
  if (first.starts_with("sqlite:") || first.starts_with("schema:")) {
    return {.refuse_to_start = true, .read_only_reason = first};
  }
  std::fprintf(stderr, "pardner: the ledger failed its start-up check: serving reads only\n");
  return {.read_only_reason = "the ledger failed its start-up check (" + first +
                              "); writes are refused until it is repaired"};
}

}  // namespace

std::optional<HostPort> parse_listen_address(const std::string& text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return std::nullopt;  // an IPv6 address needs brackets
  }
  auto port = parse_decimal(std::string_view(text).substr(colon + 1), 0, 65535);
  if (!port) return std::nullopt;
  return HostPort{host, static_cast<std::uint16_t>(*port)};
}

int run_serve(const ServeCommand& command) {
  const std::string& dir = command.data_dir;
  auto listen = parse_listen_address(command.listen);
  if (!listen) return fail("--listen must be HOST:PORT or [IPv6]:PORT, not " + command.listen);
  std::size_t max_connections =
      command.max_connections == 0 ? connections_max : command.max_connections;
  if (max_connections > connections_max) {
    return fail("--max-connections is at most " + std::to_string(connections_max));
  }

  // The default is lowered with --max-connections; a bound given explicitly must fit it.
  std::size_t max_handshakes = command.max_handshakes_per_address == 0
                                   ? std::min(handshakes_per_address_max, max_connections)
                                   : command.max_handshakes_per_address;
  if (max_handshakes > max_connections) {
    return fail("--max-handshakes-per-address is at most --max-connections (" +
                std::to_string(max_connections) + ")");
  }

  ServerOptions options;
  options.listen_host = listen->host;
  options.listen_port = listen->port;
  options.max_connections = max_connections;
  options.max_handshakes_per_address = max_handshakes;
  options.idle_timeout_ms =
      command.idle_timeout_ms == 0 ? idle_timeout_ms : command.idle_timeout_ms;
  options.body_timeout_ms =
      command.body_timeout_ms == 0 ? body_timeout_ms : command.body_timeout_ms;
  std::string cert_file = command.cert_file.empty() ? dir + "/tls.crt" : command.cert_file;
  std::string key_file = command.key_file.empty() ? dir + "/tls.key" : command.key_file;
  auto cert = crypto::read_small_file(cert_file, pem_file_bytes_max);
  if (!cert) return fail(ledger::from_crypto_error(cert.error()));
  auto key = crypto::read_private_file(key_file, pem_file_bytes_max);
  if (!key) return fail(ledger::from_crypto_error(key.error()));
  options.cert_chain_pem = std::move(cert.value());
  options.private_key_pem = std::move(key.value());

  // Held until the server exits: `pardner restore` takes the same lock and refuses while a
  // server runs, and a server refuses to start while a restore is replacing the file.
  auto lock = ledger::LedgerLock::acquire(dir, "serve");
  if (!lock) return fail(lock.error());
  auto settings = ledger::open_ledger(dir, lock.value());  // applies pending migrations
  if (!settings) return fail(settings.error());
  auto log_key = ledger::load_log_key(dir, command.passphrase_file);
  if (!log_key) return fail(log_key.error());
  auto verifier = crypto::load_verifier_key(ledger::verifier_key_path(dir));
  if (!verifier) return fail(ledger::from_crypto_error(verifier.error()));

  std::vector<ledger::Reader> readers;
  for (std::size_t i = 0; i < io_threads_count; ++i) {
    auto reader = ledger::Reader::open(ledger::database_path(dir));
    if (!reader) return fail(reader.error());
    readers.push_back(std::move(reader.value()));
  }
  // Before the writer starts: it would sign a checkpoint over whatever the file holds.
  StartupVerdict verdict = startup_check(command);
  if (verdict.refuse_to_start) {
    return fail("the ledger failed its start-up check and is not served: " +
                verdict.read_only_reason);
  }
  std::string read_only_reason = std::move(verdict.read_only_reason);
  // Only speed is at stake: a ledger whose tree cannot be read is served (reads only, as the
  // check decided) and its proofs refused one by one.
  for (ledger::Reader& reader : readers) {
    if (auto loaded = reader.load_proof_cache(); !loaded) {
      std::fprintf(stderr, "pardner: the proof cache was not loaded: %s\n",
                   loaded.error().detail.c_str());
    }
  }
  ledger::SystemClock clock;
  std::unique_ptr<ledger::Writer> writer;
  if (read_only_reason.empty()) {
    ledger::WriterOptions writer_options;
    if (command.postings_merge_entries > 0) {
      writer_options.postings_merge_entries = command.postings_merge_entries;
    }
    if (command.postings_merge_step > 0) {
      writer_options.postings_merge_step = command.postings_merge_step;
    }
    auto starting = std::chrono::steady_clock::now();
    auto started =
        ledger::Writer::start(ledger::database_path(dir), clock, log_key.value(), writer_options);
    if (!started) return fail(started.error());
    writer = std::move(started.value());
    // Most of it, on a large ledger, is loading every idempotency key's hash (docs/ledger.md).
    const ledger::WriterStats at_start = writer->stats();
    std::fprintf(stderr, "pardner: writer started in %lld ms, %llu idempotency keys in %.1f MiB\n",
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - starting)
                                            .count()),
                 static_cast<unsigned long long>(at_start.idempotency_keys_in_memory),
                 static_cast<double>(at_start.idempotency_index_bytes) / (1024.0 * 1024.0));
    for (ledger::Reader& reader : readers) {
      reader.use_published_accounts(&writer->published_accounts());
    }
  }

  // Access-log lines leave in batches: a write(2) per response was a tenth of a read's system
  // calls. A SIGKILL loses at most the last interval's lines; a stop flushes them all.
  BufferedLog access_log(STDERR_FILENO, access_log_flush_interval, access_log_flush_bytes);
  Services services;
  // Tokens are looked up in the ledger through the calling I/O thread's own Reader.
  LedgerTokenStore tokens([&services]() -> ledger::Reader& { return services.reader(); });
  services.tokens = &tokens;
  services.writer = writer.get();
  services.read_only_reason = std::move(read_only_reason);
  services.verifier_key_line = crypto::format_verifier_key(verifier.value());
  services.access_log = [&access_log](std::string_view line) { access_log.write(line); };
  services.flush_access_log = [&access_log] { access_log.flush(); };
  // Late fees charged and ended rounds closed by the server's own clock: at start, then every
  // ten minutes (or --scheduled-work-interval-ms). Declared after the writer, so it stops before
  // the writer does.
  std::optional<ScheduledWork> scheduled;
  std::chrono::milliseconds interval = scheduled_work_interval;
  if (command.scheduled_work_interval_ms > 0) {
    interval = std::chrono::milliseconds(command.scheduled_work_interval_ms);
  }
  if (writer) scheduled.emplace(*writer, ledger::database_path(dir), interval);
  return run_server(options, services, std::move(readers));
}

}  // namespace pardner::api
