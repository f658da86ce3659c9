// Backup and restore subcommands. Output for people goes to stdout; errors to stderr.
#include "api/backup_command.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "crypto/base64.h"
#include "ledger/backup.h"

namespace pardner::api {
namespace {

int fail(const ledger::Error& error) {
  std::fprintf(stderr, "pardner: %s (%s)\n", error.detail.c_str(),
               std::string(ledger::wire_name(error.code)).c_str());
  return 1;
}

// The copy's problems, one a line, and exit code 2.
int damaged(const ledger::BackupSummary& summary, const char* what) {
  for (const std::string& problem : summary.check.problems) {
    std::fprintf(stderr, "problem: %s\n", problem.c_str());
  }
  std::fprintf(stderr, "pardner: %s\n", what);
  return 2;
}

void print_summary(const char* verb, const std::string& path,
                   const ledger::BackupSummary& summary) {
  const auto& root = summary.checkpoint.root_hash;
  std::printf("%s %s: %llu entries, checkpoint size %llu, root %s, %llu bytes, verified\n", verb,
              path.c_str(), static_cast<unsigned long long>(summary.check.entries),
              static_cast<unsigned long long>(summary.checkpoint.tree_size),
              crypto::base64_encode(root).c_str(), static_cast<unsigned long long>(summary.bytes));
}

}  // namespace

int run_backup(const std::string& data_dir, const std::string& out_file) {
  auto summary = ledger::backup_ledger(data_dir, out_file);
  if (!summary) return fail(summary.error());
  if (!summary.value().check.intact()) {
    return damaged(summary.value(),
                   "the copy failed its integrity check and was not kept: the live ledger needs "
                   "`pardner check`");
  }
  print_summary("wrote", out_file, summary.value());
  std::printf("%s", summary.value().checkpoint.note.c_str());
  return 0;
}

int run_restore(const RestoreCommand& command) {
  ledger::RestoreOptions options;
  options.force = command.force;
  if (!command.since_file.empty()) {
    std::ifstream in(command.since_file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "pardner: cannot read %s\n", command.since_file.c_str());
      return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    options.since_checkpoint = text.str();
  }
  auto summary = ledger::restore_ledger(command.backup_file, command.data_dir, options);
  if (!summary) return fail(summary.error());
  if (!summary.value().restored) {
    return damaged(summary.value().backup,
                   "the backup failed its integrity check: nothing was restored");
  }
  if (summary.value().replaced_dir) {
    std::printf("the ledger it replaced is in %s\n", summary.value().replaced_dir->c_str());
  }
  print_summary("restored", command.backup_file, summary.value().backup);
  return 0;
}

}  // namespace pardner::api
