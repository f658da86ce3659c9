// SQLite connection and statement wrappers. The pragmas here are the durability contract:
// WAL with synchronous=FULL, so an answered commit survives power loss, not only a crash.
#include "ledger/sqlite.h"

#include <cstdio>
#include <memory>
#include <unordered_map>

#include "ledger/sqlite_setup.h"

namespace pardner::ledger {

// Statements prepared once per connection, keyed by the address of their SQL literal.
struct Database::Cache {
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements;
};

namespace {

Error sqlite_error(sqlite3* db, std::string_view what) {
  std::string detail(what);
  detail += ": ";
  detail += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return Error{Errc::storage_failed, std::move(detail)};
}

}  // namespace

void configure_sqlite_once() {
  // Memory statistics take a global mutex on every SQLite allocation; we never read them.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

Result<Database> Database::open(const std::string& path, Mode mode, const char* vfs) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
  switch (mode) {
    case Mode::read_write_create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case Mode::read_write: flags |= SQLITE_OPEN_READWRITE; break;
    case Mode::read_only: flags |= SQLITE_OPEN_READONLY; break;
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs);
  Database db(raw);
  if (rc != SQLITE_OK) return sqlite_error(raw, "cannot open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  std::string pragmas =
      "PRAGMA foreign_keys=ON;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA cache_size=-65536;"  // 64 MiB: keeps the idempotency and posting indexes hot
      "PRAGMA temp_store=MEMORY;"
      // An erased member profile must leave no copy in the file's free space. Debian builds
      // SQLite with this on already; SQLite's own default is off.
      "PRAGMA secure_delete=ON;";
  if (mode != Mode::read_only) pragmas = "PRAGMA journal_mode=WAL;" + pragmas;
  if (auto done = db.exec(pragmas); !done) return done.error();
  return db;
}

Database::Database(sqlite3* db) : db_(db), cache_(new Cache) {}

Database::Database(Database&& other) noexcept : db_(other.db_), cache_(other.cache_) {
  other.db_ = nullptr;
  other.cache_ = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = other.db_;
    cache_ = other.cache_;
    other.db_ = nullptr;
    other.cache_ = nullptr;
  }
  return *this;
}

Database::~Database() { close(); }

void Database::close() {
  if (cache_ != nullptr) {
    delete cache_;  // finalizes the cached statements before the connection closes
    cache_ = nullptr;
  }
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

Result<Ok> Database::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Error{Errc::storage_failed, detail};
  }
  return Ok{};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, "cannot prepare statement");
  return Statement(raw, db_);
}

Statement& Database::cached(const char* sql) {
  std::unique_ptr<Statement>& slot = cache_->statements[sql];
  if (!slot) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    // Our own SQL failing to compile is a bug, not a runtime condition.
    if (rc != SQLITE_OK) std::fprintf(stderr, "pardner: bad SQL: %s\n%s\n", sqlite3_errmsg(db_), sql);
    PARDNER_ASSERT(rc == SQLITE_OK);
    slot.reset(new Statement(raw, db_));
  }
  slot->reset();
  sqlite3_clear_bindings(slot->statement_);
  return *slot;
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }
std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
std::int64_t Database::total_changes() const { return sqlite3_total_changes64(db_); }

Error Database::error(std::string_view what) const { return sqlite_error(db_, what); }

Statement::Statement(sqlite3_stmt* statement, sqlite3* db) : statement_(statement), db_(db) {}

Statement::Statement(Statement&& other) noexcept
    : statement_(other.statement_), db_(other.db_), bind_failed_(other.bind_failed_) {
  other.statement_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (statement_ != nullptr) sqlite3_finalize(statement_);
    statement_ = other.statement_;
    db_ = other.db_;
    bind_failed_ = other.bind_failed_;
    other.statement_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (statement_ != nullptr) sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  bind_failed_ |= sqlite3_bind_int64(statement_, index, value) != SQLITE_OK;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  bind_failed_ |= sqlite3_bind_text64(statement_, index, text.data(), text.size(),
                                      SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK;
  return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  bind_failed_ |= sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(),
                                      SQLITE_TRANSIENT) != SQLITE_OK;
  return *this;
}

Statement& Statement::bind_null(int index) {
  bind_failed_ |= sqlite3_bind_null(statement_, index) != SQLITE_OK;
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Result<bool> Statement::step() {
  if (bind_failed_) return Error{Errc::storage_failed, "cannot bind statement parameter"};
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, "statement failed");
}

Result<Ok> Statement::run() {
  auto stepped = step();
  reset();
  if (!stepped) return stepped.error();
  return Ok{};
}

void Statement::reset() {
  sqlite3_reset(statement_);
  bind_failed_ = false;
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::optional<std::int64_t> Statement::column_optional_int(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_int(index);
}

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(statement_, index);
  int size = sqlite3_column_bytes(statement_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

std::span<const std::uint8_t> Statement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(statement_, index);
  int size = sqlite3_column_bytes(statement_, index);
  if (data == nullptr) return {};
  return {static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)};
}

int Statement::column_count() const { return sqlite3_column_count(statement_); }

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

ReadTransaction::ReadTransaction(Database& db) : db_(db) {
  if (db.in_transaction()) {
    ok_ = true;  // joins the transaction already open
    return;
  }
  ok_ = db.cached("BEGIN").run().has_value();
  owner_ = ok_;
}

ReadTransaction::~ReadTransaction() {
  if (!owner_) return;
  // A read transaction has nothing to lose; if COMMIT fails, ROLLBACK still ends it, so the
  // connection's next reader never joins a stale snapshot.
  if (!db_.cached("COMMIT").run()) (void)db_.cached("ROLLBACK").run();
}

}  // namespace pardner::ledger
