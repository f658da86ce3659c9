// A thin RAII layer over the SQLite C API: a connection, prepared statements, savepoints.
// Never decides what SQL means; every failure comes back as a storage_failed Error value.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ledger/error.h"

namespace pardner::ledger {

class Statement;

class Database {
 public:
  enum class Mode { read_write_create, read_write, read_only };

  // Opens the file with the settings every Pardner connection needs: WAL, synchronous=FULL,
  // foreign keys on, a busy timeout. read_only connections are for readers. `vfs` names the
  // SQLite VFS to open it through (nullptr: the default; see ledger/wal_index_watch.h).
  static Result<Database> open(const std::string& path, Mode mode, const char* vfs = nullptr);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return no rows.
  Result<Ok> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // Prepares once per connection and reuses it, reset and unbound; `sql` must be a string
  // literal (its address is the cache key).
  Statement& cached(const char* sql);

  std::int64_t changes() const;
  // The rowid of the last row this connection inserted (sqlite3_last_insert_rowid).
  std::int64_t last_insert_rowid() const;
  // Rows inserted, updated or deleted since the connection opened, triggers' included; a
  // statement that failed and was undone adds nothing (sqlite3_total_changes64).
  std::int64_t total_changes() const;
  sqlite3* handle() const { return db_; }
  // A transaction is open on this connection (it is not in autocommit mode).
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  Error error(std::string_view what) const;

 private:
  explicit Database(sqlite3* db);
  void close();

  sqlite3* db_ = nullptr;
  struct Cache;
  Cache* cache_ = nullptr;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind(int index, const std::optional<std::string>& value);

  // true: a row is ready; false: done. Errors are storage_failed.
  Result<bool> step();
  // Steps a statement that returns no rows, then resets it.
  Result<Ok> run();
  void reset();

  std::int64_t column_int(int index) const;
  std::optional<std::int64_t> column_optional_int(int index) const;
  std::string column_text(int index) const;
  std::optional<std::string> column_optional_text(int index) const;
  std::span<const std::uint8_t> column_blob(int index) const;
  bool column_is_null(int index) const;
  int column_count() const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* statement, sqlite3* db);

  sqlite3_stmt* statement_ = nullptr;
  sqlite3* db_ = nullptr;
  bool bind_failed_ = false;
};

// A read transaction: every read inside it sees one snapshot of the database. Opened where a
// transaction is already open on the connection, it joins that one and ends nothing: the server
// opens one around each request, so the token check and the handler's reads share a snapshot
// and the WAL's shared locks (an fcntl each) are taken once per request, not per statement.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  bool ok() const { return ok_; }

 private:
  Database& db_;
  bool owner_ = false;
  bool ok_ = false;
};

}  // namespace pardner::ledger
