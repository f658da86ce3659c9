// The `pardner` subcommands other than `serve`: each takes parsed options, calls the ledger,
// prints the outcome, and returns the process exit code (0 ok, 1 refused or failed, 2 a check
// found a difference). Never decides anything about money.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/remote_log.h"
#include "ledger/settings.h"

namespace pardner::api {

int run_init(const std::string& data_dir, const ledger::Settings& settings,
             const std::string& passphrase_file);
int run_rebuild(const std::string& data_dir);
// Exit codes: 0 intact; 1 the check could not run; 2 problems found (each printed).
// `key` and `since_file` may be empty (the directory's own key; no kept checkpoint).
int run_check(const std::string& data_dir, const std::string& key, const std::string& since_file);
int run_key_show(const std::string& data_dir);
int run_export(const std::string& data_dir, const std::string& out_dir);
// The same export directory, downloaded from a live server.
int run_export_url(const RemoteLogOptions& remote, const std::string& out_dir);

// Exit codes: 0 verified; 1 verification failed, or the log could not be read; 2 (with a
// remote log) verified, but the server's trial balance differs from the replay's.
struct VerifyCommand {
  std::string export_dir;
  std::optional<RemoteLogOptions> remote;  // verify a live log instead of export_dir
  std::optional<std::string> key;         // a verifier key line, or a file holding one
  std::optional<std::string> since_file;  // a checkpoint kept from an earlier run
  bool quiet = false;
  std::string signatures = "all";  // all, sample:N (N entries picked at random) or none
  std::string replay = "full";     // full or balances (ledger/balance_replay.h)
  unsigned threads = 0;            // 0: one per core
  std::optional<std::uint64_t> sample_seed;  // draws a printed sample again
};
int run_verify(const VerifyCommand& command);

int run_receipt(const std::string& data_dir, std::int64_t seq);
// With `later_checkpoint_file` and `consistency_file`, also shows the entry is still there.
int run_verify_receipt(const std::string& receipt_file, const std::string& key,
                       const std::string& later_checkpoint_file,
                       const std::string& consistency_file);
// Prints {"from":M,"to":N,"hashes":[...]}; `to` 0 means the latest checkpoint.
int run_consistency_proof(const std::string& data_dir, std::uint64_t from, std::uint64_t to);

}  // namespace pardner::api
