// A SQLite VFS for tests that can cut the power. It passes everything to the real (unix) VFS
// and, for the main database and WAL files, remembers what is durable: the contents as of the
// last xSync, plus the writes and truncations made since. Then:
//   * die_at(n): operation n (counting xWrite, xTruncate and xSync on those files) and every
//     one after it fails with an I/O error and changes nothing — the machine has lost power;
//   * fail_at(n): only operation n fails — a disk that refused one write or one sync;
//   * lose_power(seed): once every connection is closed, rewrites each file as a power cut
//     might leave it: the durable contents plus a seeded choice of the unsynced operations —
//     none of them, all of them, or some (in order, so later writes may survive while earlier
//     ones are lost, as a disk cache reorders them), with the last kept write possibly torn at
//     a 512-byte sector boundary — and deletes the -shm file (shared memory does not survive).
// Deleting a file is taken as durable at once (SQLite deletes only files it no longer needs in
// WAL mode). Installed as the process's default VFS, so the code under test opens databases
// exactly as it does in production.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pardner::testing {

class PowerCutVfs {
 public:
  // Registers the VFS as the default (once per process) and returns it.
  static PowerCutVfs& install();

  // Forgets every file's history and any pending failure; files opened from now on start
  // durable as they are on disk. Only while no tracked file is open.
  void reset();
  void die_at(std::uint64_t operation);
  void fail_at(std::uint64_t operation);
  // Operations counted since reset().
  std::uint64_t operations() const;
  bool dead() const;
  // Rewrites every tracked file as the power cut leaves it (see above); only once every
  // connection is closed. Returns how many unsynced operations were dropped in all.
  std::uint64_t lose_power(std::uint64_t seed);
};

}  // namespace pardner::testing
