// One replay step: decode, check seq and time, project.
#include "ledger/replay.h"

#include "ledger/migrations.h"
#include "ledger/projection.h"

namespace pardner::ledger {

Error entry_error(Seq seq, const std::string& what) {
  return Error{Errc::invalid_argument, "entry " + std::to_string(seq) + ": " + what};
}

Result<Replay> Replay::start() {
  auto db = Database::open(":memory:", Database::Mode::read_write_create);
  if (!db) return db.error();
  if (auto migrated = migrate(db.value()); !migrated) return migrated.error();
  if (auto begun = db.value().exec("BEGIN"); !begun) return begun.error();
  return Replay(std::move(db.value()));
}

Result<Entry> Replay::apply(Seq expected_seq, std::string_view leaf) {
  auto entry = decode_leaf(leaf);
  if (!entry) return entry_error(expected_seq, entry.error().detail);
  if (entry.value().seq != expected_seq) {
    return entry_error(expected_seq, "leaf names seq " + std::to_string(entry.value().seq));
  }
  if (entry.value().ts < last_ts_) return entry_error(expected_seq, "ts goes back in time");
  last_ts_ = entry.value().ts;
  if (auto projected = project(db_, entry.value()); !projected) {
    return Error{projected.error().code,
                 "entry " + std::to_string(expected_seq) + ": " +
                     std::string(wire_name(projected.error().code)) + ": " +
                     projected.error().detail};
  }
  return entry;
}

}  // namespace pardner::ledger
