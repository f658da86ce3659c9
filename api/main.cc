// The `pardner` binary: one executable, subcommands. Parses the command line and hands over to
// api/cli_commands.cc (api/serve_command.cc for `serve`). One of the two places that catch
// exceptions (the other is the request wrapper of the server).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "api/backup_command.h"
#include "api/cli_commands.h"
#include "api/serve_command.h"

namespace {

int run(int argc, char** argv) {
  using namespace pardner;
  CLI::App app{"Pardner: a community-finance ledger with a signed, verifiable log"};
  app.require_subcommand(1);

  std::string data_dir;
  ledger::Settings settings;
  std::string passphrase_file;
  auto* init = app.add_subcommand("init", "Create a new ledger and its log signing key");
  init->add_option("--data", data_dir, "Directory for the ledger")->required();
  init->add_option("--currency", settings.currency, "Default ISO 4217 currency")
      ->capture_default_str();
  init->add_option("--name", settings.name, "Ledger name")->capture_default_str();
  init->add_option("--origin", settings.log_origin,
                   "Log origin and key name (default pardner.local/NAME)");
  init->add_option("--value-date-days", settings.value_date_past_days,
                   "How many days back a value date may be")
      ->capture_default_str();
  init->add_option("--passphrase-file", passphrase_file,
                   "Seal the signing key with the passphrase in this file (or set "
                   "PARDNER_KEY_PASSPHRASE)");

  auto* rebuild = app.add_subcommand(
      "rebuild", "Replay the log and compare every derived table with the stored one");
  rebuild->add_option("--data", data_dir, "Ledger directory")->required();

  auto* key = app.add_subcommand("key", "The log's verifier key");
  auto* key_show = key->add_subcommand("show", "Print the verifier key line");
  key_show->add_option("--data", data_dir, "Ledger directory")->required();
  key->require_subcommand(1);

  // Where `export --url` and `verify --url` read a live log, and how they authenticate.
  api::RemoteLogOptions remote;
  auto add_remote_options = [&remote](CLI::App* command) {
    auto* url = command->add_option("--url", remote.url, "A live server: https://HOST:PORT");
    auto* token_file =
        command
            ->add_option("--token-file", remote.token_file,
                         "File holding an auditor's or admin's token (or set PARDNER_TOKEN)")
            ->needs(url);
    command
        ->add_option("--token", remote.token,
                     "The token itself (shows in ps and shell history: prefer --token-file)")
        ->needs(url)
        ->excludes(token_file);
    command
        ->add_option("--cacert", remote.ca_file,
                     "PEM certificate(s) to trust for the server (default: the system's CAs)")
        ->needs(url);
    return url;
  };

  std::string out_dir;
  auto* export_command = app.add_subcommand(
      "export", "Write an auditor's export directory, from a ledger or a live server");
  auto* export_data = export_command->add_option("--data", data_dir, "Ledger directory");
  auto* export_url = add_remote_options(export_command);
  export_data->excludes(export_url);
  export_command->add_option("--out", out_dir, "New or empty directory")->required();

  api::VerifyCommand verify_command;
  std::string key_text, since_file;
  auto* verify = app.add_subcommand("verify", "Verify an export offline, or a live log");
  auto* verify_dir = verify->add_option("export", verify_command.export_dir, "Export directory");
  auto* verify_url = add_remote_options(verify);
  verify_dir->excludes(verify_url);
  verify->add_option("--key", key_text, "Pinned verifier key line (or a file holding it)");
  verify->add_option("--since", since_file, "A checkpoint kept from an earlier verification");
  verify->add_flag("--quiet", verify_command.quiet, "No progress output");
  verify
      ->add_option("--signatures", verify_command.signatures,
                   "Entry signatures checked: all, sample:N (N at random) or none; the "
                   "checkpoint's signature and every hash are checked either way")
      ->capture_default_str();
  verify
      ->add_option("--replay", verify_command.replay,
                   "full: every entry through the engine's projection; balances: the money "
                   "rules alone, in memory, faster (loan, pool and dividend rules unchecked)")
      ->capture_default_str();
  verify->add_option("--threads", verify_command.threads,
                     "Threads checking signatures beside the replay (default: one per core)");
  std::uint64_t sample_seed = 0;
  auto* verify_seed =
      verify->add_option("--sample-seed", sample_seed,
                         "With --signatures sample:N, the seed a report printed, to draw it again");

  std::int64_t seq = 0;
  auto* receipt = app.add_subcommand("receipt", "Print a receipt for one entry");
  receipt->add_option("--data", data_dir, "Ledger directory")->required();
  receipt->add_option("--seq", seq, "The entry's seq")->required();

  std::string receipt_file, later_file, consistency_file;
  auto* verify_receipt = app.add_subcommand("verify-receipt", "Verify a receipt offline");
  verify_receipt->add_option("receipt", receipt_file, "Receipt file")->required();
  verify_receipt->add_option("--key", key_text, "Pinned verifier key line (or a file)")->required();
  verify_receipt->add_option("--later", later_file, "A later signed checkpoint");
  verify_receipt->add_option("--consistency", consistency_file,
                             "Consistency proof JSON from the receipt's size to --later");

  std::uint64_t from = 0, to = 0;
  auto* proof = app.add_subcommand("proof", "Print log proofs");
  auto* consistency = proof->add_subcommand("consistency", "Consistency proof between sizes");
  consistency->add_option("--data", data_dir, "Ledger directory")->required();
  consistency->add_option("--from", from, "Older tree size")->required();
  consistency->add_option("--to", to, "Newer tree size (default: latest)");
  proof->require_subcommand(1);

  api::ServeCommand serve_command;
  auto* serve = app.add_subcommand("serve", "Serve the HTTPS API until SIGTERM or SIGINT");
  serve->add_option("--data", serve_command.data_dir, "Ledger directory")->required();
  serve
      ->add_option("--listen", serve_command.listen,
                   "HOST:PORT to listen on; port 0 picks a free one (printed on stdout)")
      ->capture_default_str();
  serve->add_option("--cert", serve_command.cert_file,
                    "PEM certificate chain (default DIR/tls.crt)");
  serve->add_option("--key", serve_command.key_file,
                    "PEM private key, mode 0600 (default DIR/tls.key)");
  serve->add_option("--passphrase-file", serve_command.passphrase_file,
                    "The signing key's passphrase (or set PARDNER_KEY_PASSPHRASE)");
  serve->add_option("--max-connections", serve_command.max_connections,
                    "Concurrent connections served (default and maximum 256)");
  serve->add_option("--max-handshakes-per-address", serve_command.max_handshakes_per_address,
                    "Connections one client address (an IPv6 /64) may have in their TLS "
                    "handshake at once; more are closed (default 16)");
  serve
      ->add_option("--idle-timeout-ms", serve_command.idle_timeout_ms,
                   "Close a connection idle this long (default 30000)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{3'600'000}));
  serve
      ->add_option("--scheduled-work-interval-ms", serve_command.scheduled_work_interval_ms,
                   "Run the scheduled work (late fees, closing ended rounds) this often "
                   "(default 600000)")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{86'400'000}));
  serve
      ->add_option("--body-timeout-ms", serve_command.body_timeout_ms,
                   "Close a connection whose request body has not arrived whole this long after "
                   "its headers (default 30000)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{3'600'000}));
  serve
      ->add_option("--postings-merge-entries", serve_command.postings_merge_entries,
                   "Entries the recent postings span before they are merged into the table "
                   "clustered by account (default 65536)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 24));
  serve
      ->add_option("--postings-merge-step", serve_command.postings_merge_step,
                   "Postings one step of a merge moves at most, one step between two batches "
                   "(default 8192)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 24));
  serve->add_flag("--skip-startup-check", serve_command.skip_startup_check,
                  "Do not check the ledger's integrity before serving (run `pardner check`)");

  std::string check_key, check_since;
  auto* check = app.add_subcommand(
      "check", "Check a ledger directory's integrity: SQLite, the signed log, derived tables");
  check->add_option("--data", data_dir, "Ledger directory")->required();
  check->add_option("--key", check_key, "Pinned verifier key line (or a file holding it)");
  check->add_option("--since", check_since, "A checkpoint kept from before");

  std::string backup_out;
  auto* backup = app.add_subcommand(
      "backup", "Copy a ledger's database, live, to one file, and verify the copy");
  backup->add_option("--data", data_dir, "Ledger directory")->required();
  backup->add_option("--out", backup_out, "The backup file (must not exist)")->required();

  api::RestoreCommand restore_command;
  auto* restore = app.add_subcommand(
      "restore", "Verify a backup's whole log, then make it DIR's ledger (DIR holds the keys)");
  restore->add_option("--from", restore_command.backup_file, "The backup file")->required();
  restore->add_option("--data", restore_command.data_dir, "Ledger directory")->required();
  restore->add_option("--since", restore_command.since_file,
                      "A checkpoint kept from before: an older backup is refused");
  restore->add_flag("--force", restore_command.force,
                    "Replace the ledger DIR holds (it is moved to DIR/replaced-TIME/)");

  CLI11_PARSE(app, argc, argv);
  if (serve->parsed()) return api::run_serve(serve_command);
  if (init->parsed()) return api::run_init(data_dir, settings, passphrase_file);
  if (rebuild->parsed()) return api::run_rebuild(data_dir);
  if (check->parsed()) return api::run_check(data_dir, check_key, check_since);
  if (backup->parsed()) return api::run_backup(data_dir, backup_out);
  if (restore->parsed()) return api::run_restore(restore_command);
  if (key_show->parsed()) return api::run_key_show(data_dir);
  if (export_command->parsed()) {
    if (export_url->count() > 0) return api::run_export_url(remote, out_dir);
    if (export_data->count() == 0) {
      std::fprintf(stderr, "pardner export: give --data DIR or --url URL\n");
      return 1;
    }
    return api::run_export(data_dir, out_dir);
  }
  if (verify->parsed()) {
    if (verify_url->count() > 0) {
      verify_command.remote = remote;
    } else if (verify_dir->count() == 0) {
      std::fprintf(stderr, "pardner verify: give an export directory or --url URL\n");
      return 1;
    }
    if (!key_text.empty()) verify_command.key = key_text;
    if (!since_file.empty()) verify_command.since_file = since_file;
    if (verify_seed->count() > 0) verify_command.sample_seed = sample_seed;
    return api::run_verify(verify_command);
  }
  if (receipt->parsed()) return api::run_receipt(data_dir, seq);
  if (verify_receipt->parsed()) {
    return api::run_verify_receipt(receipt_file, key_text, later_file, consistency_file);
  }
  if (consistency->parsed()) return api::run_consistency_proof(data_dir, from, to);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pardner: unexpected error: %s\n", e.what());
    return 70;
  }
}
