// Subcommand bodies. Output for people goes to stdout; progress and errors to stderr.
#include "api/cli_commands.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/checkpoint.h"
#include "crypto/key_file.h"
#include "ledger/audit_export.h"
#include "ledger/audit_verify.h"
#include "ledger/integrity_check.h"
#include "ledger/journal.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/rebuild.h"
#include "ledger/receipt.h"

namespace pardner::api {
namespace {

int fail(const ledger::Error& error) {
  std::fprintf(stderr, "pardner: %s (%s)\n", error.detail.c_str(),
               std::string(ledger::wire_name(error.code)).c_str());
  return 1;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A key given on the command line may be the key line itself or a file holding it.
std::string key_line(const std::string& key_or_file) {
  if (key_or_file.find('+') == std::string::npos) {
    if (auto text = read_file(key_or_file)) return *text;
  }
  return key_or_file;
}

// A server may close the connection while we write; that must be an error we report, not a
// SIGPIPE that kills the command silently.
void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

// What went wrong talking to the server, as the CLI reports it.
int remote_failed(const std::string& url, const std::string& what) {
  std::fprintf(stderr, "pardner: %s: %s\n", url.c_str(), what.c_str());
  return 1;
}

void print_report(const ledger::VerifyReport& r, bool remote) {
  std::printf("OK: %llu entries, %llu signatures checked, root matches the checkpoint of %s\n",
              static_cast<unsigned long long>(r.entries),
              static_cast<unsigned long long>(r.signatures_checked), r.checkpoint.origin.c_str());
  switch (r.signatures) {
    case ledger::SignatureCheck::all:
      break;
    case ledger::SignatureCheck::sample:
      std::printf("signatures sampled (seed %llu); the signed checkpoint covers every leaf hash\n",
                  static_cast<unsigned long long>(r.sample_seed.value_or(0)));
      break;
    case ledger::SignatureCheck::none:
      std::printf("entry signatures not checked; the signed checkpoint covers every leaf hash\n");
      break;
  }
  if (r.replay == ledger::ReplayCheck::balances) {
    std::printf(
        "balances-only replay: the money rules checked; loan, pool and dividend rules were "
        "not (--replay full checks them)\n");
  }
  if (r.key_from_source) {
    std::printf("warning: the verifier key came from the %s itself; pin yours with --key\n",
                remote ? "server" : "export");
  }
  if (r.consistent_with_size) {
    std::printf("consistent with the earlier checkpoint of %llu entries\n",
                static_cast<unsigned long long>(*r.consistent_with_size));
  }
  std::printf("%lld accounts replayed; trial balance:\n", static_cast<long long>(r.accounts));
  for (const auto& line : r.trial_balance) {
    std::printf("  %s debits %lld = credits %lld (minor units)\n", line.currency.c_str(),
                static_cast<long long>(line.debits), static_cast<long long>(line.credits));
  }
}

// Asks the server for its trial balance just after the last entry verified (the log may have
// grown since) and compares it with the replay's: 0 when equal, 2 naming each difference.
int compare_trial_balance(RemoteLog& remote, const std::string& url,
                          const ledger::VerifyReport& report) {
  if (report.entries == 0) {
    std::printf("the verified log is empty: no trial balance to compare\n");
    return 0;
  }
  auto last_seq = static_cast<ledger::Seq>(report.entries - 1);
  auto served = remote.trial_balance_as_of(last_seq);
  if (!served) return remote_failed(url, served.error().detail);
  auto differences = ledger::trial_balance_differences(report.trial_balance, served.value());
  for (const auto& difference : differences) {
    std::printf("MISMATCH at seq %lld: %s\n", static_cast<long long>(last_seq), difference.c_str());
  }
  if (!differences.empty()) return 2;
  std::printf("the server's trial balance at seq %lld matches the replay\n",
              static_cast<long long>(last_seq));
  return 0;
}

}  // namespace

int run_init(const std::string& data_dir, const ledger::Settings& settings,
             const std::string& passphrase_file) {
  auto admin_token = ledger::init_ledger(data_dir, settings, passphrase_file);
  if (!admin_token) return fail(admin_token.error());
  auto opened = ledger::open_ledger(data_dir);
  if (!opened) return fail(opened.error());
  std::printf("created ledger %s (%s) in %s\nlog origin: %s\n", opened.value().name.c_str(),
              opened.value().currency.c_str(), data_dir.c_str(), opened.value().log_origin.c_str());
  std::printf("first admin token (shown once; also in %s, mode 0600):\n%s\nverifier key:\n",
              ledger::admin_token_path(data_dir).c_str(), admin_token.value().c_str());
  return run_key_show(data_dir);
}

int run_rebuild(const std::string& data_dir) {
  auto opened = ledger::open_ledger(data_dir);
  if (!opened) return fail(opened.error());
  auto report = ledger::rebuild(ledger::database_path(data_dir));
  if (!report) return fail(report.error());
  for (const auto& difference : report.value().differences) {
    std::printf("difference: %s\n", difference.c_str());
  }
  std::printf("replayed %lld entries: %s\n", static_cast<long long>(report.value().entries),
              report.value().differences.empty() ? "stored state matches the log"
                                                 : "STORED STATE DIFFERS FROM THE LOG");
  return report.value().differences.empty() ? 0 : 2;
}

int run_check(const std::string& data_dir, const std::string& key, const std::string& since_file) {
  ledger::IntegrityOptions options;
  if (!key.empty()) options.pinned_key = key_line(key);
  if (!since_file.empty()) {
    auto old = read_file(since_file);
    if (!old) {
      std::fprintf(stderr, "pardner: cannot read %s\n", since_file.c_str());
      return 1;
    }
    options.since_checkpoint = *old;
  }
  auto report = ledger::check_ledger_integrity(data_dir, options);
  if (!report) return fail(report.error());
  for (const std::string& problem : report.value().problems) {
    std::printf("problem: %s\n", problem.c_str());
  }
  std::printf("checked %llu entries and %llu checkpoints: %s\n",
              static_cast<unsigned long long>(report.value().entries),
              static_cast<unsigned long long>(report.value().checkpoints),
              report.value().intact() ? "intact" : "THE LEDGER IS DAMAGED OR ALTERED");
  return report.value().intact() ? 0 : 2;
}

int run_key_show(const std::string& data_dir) {
  auto key = crypto::load_verifier_key(ledger::verifier_key_path(data_dir));
  if (!key) return fail(ledger::from_crypto_error(key.error()));
  std::printf("%s\n", crypto::format_verifier_key(key.value()).c_str());
  return 0;
}

int run_export(const std::string& data_dir, const std::string& out_dir) {
  auto opened = ledger::open_ledger(data_dir);
  if (!opened) return fail(opened.error());
  auto summary = ledger::export_ledger(data_dir, out_dir);
  if (!summary) return fail(summary.error());
  std::printf("exported %llu entries to %s\n",
              static_cast<unsigned long long>(summary.value().entries), out_dir.c_str());
  return 0;
}

int run_export_url(const RemoteLogOptions& remote, const std::string& out_dir) {
  ignore_sigpipe();
  auto source = RemoteLog::open(remote);
  if (!source) return remote_failed(remote.url, source.error().detail);
  RemoteLog& log = *source.value();
  // The checkpoint fixes the snapshot: its tree size is how many entries are downloaded. It is
  // opened with the server's own key only to read that size; trusting it is verify's job.
  auto note = log.checkpoint();
  if (!note) return remote_failed(remote.url, note.error().detail);
  auto key = log.verifier_key();
  if (!key) return remote_failed(remote.url, key.error().detail);
  std::string key_text = key.value();
  while (!key_text.empty() && key_text.back() == '\n') key_text.pop_back();
  auto served_key = crypto::parse_verifier_key(key_text);
  if (!served_key) return fail(ledger::from_crypto_error(served_key.error()));
  auto checkpoint = crypto::open_checkpoint(note.value(), served_key.value());
  if (!checkpoint) {
    return remote_failed(remote.url, "the checkpoint does not open with the server's own key: " +
                                         checkpoint.error().detail);
  }
  auto summary = ledger::write_export(log, checkpoint.value().tree_size, out_dir);
  if (!summary) {
    if (log.remote_failure()) return remote_failed(remote.url, *log.remote_failure());
    return fail(summary.error());
  }
  std::printf("exported %llu entries from %s to %s\n",
              static_cast<unsigned long long>(summary.value().entries), remote.url.c_str(),
              out_dir.c_str());
  return 0;
}

int run_verify(const VerifyCommand& command) {
  ledger::VerifyOptions options;
  if (!ledger::parse_signature_check(command.signatures, options)) {
    std::fprintf(stderr, "pardner verify: --signatures takes all, sample:N or none\n");
    return 1;
  }
  if (!ledger::parse_replay_check(command.replay, options)) {
    std::fprintf(stderr, "pardner verify: --replay takes full or balances\n");
    return 1;
  }
  options.threads = command.threads;
  options.sample_seed = command.sample_seed;
  if (command.key) options.pinned_key = key_line(*command.key);
  if (command.since_file) {
    auto old = read_file(*command.since_file);
    if (!old) {
      std::fprintf(stderr, "pardner: cannot read %s\n", command.since_file->c_str());
      return 1;
    }
    options.since_checkpoint = *old;
  }
  auto started = std::chrono::steady_clock::now();
  if (!command.quiet) {
    options.progress = [started](std::uint64_t done, std::uint64_t total) {
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      std::fprintf(
          stderr, "\rverify: %llu/%llu entries (%.0f%%), %.0f entries/s",
          static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
          total == 0 ? 100.0 : 100.0 * static_cast<double>(done) / static_cast<double>(total),
          static_cast<double>(done) / took.count());
    };
  }
  // One verifier for both: a live log is read through the same AuditSource interface as an
  // export directory.
  std::unique_ptr<RemoteLog> remote;
  std::unique_ptr<ledger::AuditSource> directory;
  if (command.remote) {
    ignore_sigpipe();
    auto opened = RemoteLog::open(*command.remote);
    if (!opened) return remote_failed(command.remote->url, opened.error().detail);
    remote = std::move(opened.value());
  } else {
    directory = ledger::open_export_directory(command.export_dir);
  }
  ledger::AuditSource& source = remote ? static_cast<ledger::AuditSource&>(*remote) : *directory;
  auto report = ledger::verify_log(source, options);
  if (!command.quiet) std::fprintf(stderr, "\n");
  if (!report) {
    if (remote && remote->remote_failure()) {
      return remote_failed(command.remote->url, *remote->remote_failure());
    }
    std::printf("FAILED: %s\n", report.error().detail.c_str());
    return 1;
  }
  print_report(report.value(), remote != nullptr);
  if (remote) return compare_trial_balance(*remote, command.remote->url, report.value());
  return 0;
}

int run_receipt(const std::string& data_dir, std::int64_t seq) {
  auto reader = ledger::Reader::open(ledger::database_path(data_dir));
  if (!reader) return fail(reader.error());
  auto receipt = reader.value().receipt(seq);
  if (!receipt) return fail(receipt.error());
  std::fputs(receipt.value().c_str(), stdout);
  return 0;
}

int run_consistency_proof(const std::string& data_dir, std::uint64_t from, std::uint64_t to) {
  auto reader = ledger::Reader::open(ledger::database_path(data_dir));
  if (!reader) return fail(reader.error());
  if (to == 0) {
    auto latest = reader.value().latest_checkpoint();
    if (!latest) return fail(latest.error());
    to = latest.value().tree_size;
  }
  auto proof = reader.value().consistency_proof(from, to);
  if (!proof) return fail(proof.error());
  std::fputs(ledger::format_consistency_proof(from, to, proof.value()).c_str(), stdout);
  return 0;
}

int run_verify_receipt(const std::string& receipt_file, const std::string& key,
                       const std::string& later_checkpoint_file,
                       const std::string& consistency_file) {
  auto text = read_file(receipt_file);
  if (!text) {
    std::fprintf(stderr, "pardner: cannot read %s\n", receipt_file.c_str());
    return 1;
  }
  auto line = key_line(key);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  auto trusted = crypto::parse_verifier_key(line);
  if (!trusted) return fail(ledger::from_crypto_error(trusted.error()));
  auto receipt = ledger::parse_receipt(*text);
  if (!receipt) return fail(receipt.error());
  if (!later_checkpoint_file.empty() || !consistency_file.empty()) {
    auto later = read_file(later_checkpoint_file);
    auto proof = read_file(consistency_file);
    if (!later || !proof) {
      std::fprintf(stderr, "pardner: --later needs both a checkpoint and a consistency proof\n");
      return 1;
    }
    auto still =
        ledger::verify_receipt_still_included(receipt.value(), trusted.value(), *later, *proof);
    if (!still) {
      std::printf("FAILED: %s\n", still.error().detail.c_str());
      return 1;
    }
    std::printf("OK: entry %lld is still in %s at tree size %llu\n",
                static_cast<long long>(receipt.value().seq), still.value().origin.c_str(),
                static_cast<unsigned long long>(still.value().tree_size));
    return 0;
  }
  auto checkpoint = ledger::verify_receipt(receipt.value(), trusted.value());
  if (!checkpoint) {
    std::printf("FAILED: %s\n", checkpoint.error().detail.c_str());
    return 1;
  }
  std::printf("OK: entry %lld is signed and included in %s at tree size %llu\n",
              static_cast<long long>(receipt.value().seq), checkpoint.value().origin.c_str(),
              static_cast<unsigned long long>(checkpoint.value().tree_size));
  return 0;
}

}  // namespace pardner::api
