// `pardner backup` and `pardner restore`: parse nothing, print what ledger/backup did, and
// return the exit code (0 done; 1 refused or failed; 2 the copy failed its integrity check,
// each problem printed). Never decides what a valid backup is: ledger/backup.h does.
#pragma once

#include <string>

namespace pardner::api {

int run_backup(const std::string& data_dir, const std::string& out_file);

struct RestoreCommand {
  std::string backup_file;
  std::string data_dir;
  std::string since_file;  // a checkpoint the operator kept; empty: none
  bool force = false;
};
int run_restore(const RestoreCommand& command);

}  // namespace pardner::api
