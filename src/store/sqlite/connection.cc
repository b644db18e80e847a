#include "store/sqlite/connection.h"

#include <mutex>
#include <string>
#include <utility>

namespace memex::sqlite {

Status SqliteStatus(int rc, sqlite3* db, std::string_view path, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += sqlite3_errstr(rc);
  if (db != nullptr) {
    const char* detail = sqlite3_errmsg(db);
    if (detail != nullptr && std::string_view(detail) != sqlite3_errstr(rc)) {
      msg += " (";
      msg += detail;
      msg += ")";
    }
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(msg + "; another writer held " + std::string(path) +
                         " longer than storage.busy_timeout_ms");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return FailedPrecondition(msg + "; check that " + std::string(path) +
                                " and its directory are writable");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(msg + ": " + std::string(path) +
                      " is damaged or not a memex database; run `memex doctor` or restore a "
                      "backup");
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return ResourceExhausted(msg);
    case SQLITE_CONSTRAINT:
      return InvalidArgument(msg);
    default:
      return Internal(msg);
  }
}

Result<ConnectionOptions> OptionsFromConfig(const StorageConfig& cfg) {
  if (cfg.durability != "normal" && cfg.durability != "full") {
    return InvalidArgument("storage.durability must be \"normal\" or \"full\", got \"" +
                           cfg.durability + "\"");
  }
  ConnectionOptions options;
  options.busy_timeout_ms = cfg.busy_timeout_ms;
  options.synchronous_full = cfg.durability == "full";
  options.cache_size_mb = cfg.cache_size_mb;
  options.mmap_size_mb = cfg.mmap_size_mb;
  return options;
}

// ---- Statement ----

Statement::Statement(sqlite3_stmt* stmt, sqlite3* db, std::string_view path)
    : stmt_(stmt), db_(db), path_(path) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteStatus(rc, db_, path_, "bind parameter " + std::to_string(index));
  }
}

void Statement::BindInt(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
}
void Statement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value), index);
}
void Statement::BindText(int index, std::string_view value) {
  // A non-null pointer even for "" so SQLite stores '' rather than NULL.
  const char* p = value.data() != nullptr ? value.data() : "";
  NoteBind(sqlite3_bind_text64(stmt_, index, p, value.size(), SQLITE_STATIC, SQLITE_UTF8), index);
}
void Statement::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index), index); }
void Statement::BindBlob(int index, std::string_view bytes) {
  // A non-null pointer even for no bytes so SQLite stores a zero-length BLOB rather than NULL.
  const char* p = bytes.data() != nullptr ? bytes.data() : "";
  NoteBind(sqlite3_bind_blob64(stmt_, index, p, bytes.size(), SQLITE_STATIC), index);
}

Result<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  std::string context = "sqlite step";
  if (sql != nullptr) context += " [" + std::string(sql).substr(0, 80) + "]";
  // sqlite3_step already reset nothing; the caller's StatementRef resets.
  return SqliteStatus(rc, db_, path_, context);
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string_view Statement::ColumnText(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::string_view Statement::ColumnBlob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  if (p == nullptr) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = Status::Ok();
}

// ---- Connection ----

namespace {

// Process-wide SQLite settings, applied once before the library initialises. Memory statistics
// off: with them on, every sqlite3_malloc takes one global mutex, which serialised concurrent
// readers and measured as a third of the server's CPU under load. Nothing in memex reads them.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE when something already initialised the library: the defaults then stay.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const ConnectionOptions& options) {
  ConfigureSqliteOnce();
  sqlite3* raw = nullptr;
  // NOMUTEX: the store guarantees one thread per connection, so SQLite's own locking is waste.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteStatus(rc, raw, path, "open " + path);
    sqlite3_close_v2(raw);
    return st;
  }
  std::unique_ptr<Connection> db(new Connection(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  if (sqlite3_db_readonly(raw, "main") == 1) {
    return FailedPrecondition("database " + path +
                              " can only be opened read-only; memex needs write access to the "
                              "file and its directory");
  }
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  pragmas += options.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  pragmas += "PRAGMA cache_size=-" + std::to_string(int64_t{options.cache_size_mb} * 1024) + ";";
  pragmas += "PRAGMA mmap_size=" + std::to_string(int64_t{options.mmap_size_mb} << 20) + ";";
  pragmas += "PRAGMA temp_store=MEMORY;";
  RETURN_IF_ERROR(db->Exec(pragmas));
  return db;
}

Connection::~Connection() {
  cache_.clear();  // finalise every statement before closing
  sqlite3_close_v2(db_);
}

Status Connection::Error(int rc, std::string_view context) const {
  return SqliteStatus(rc, db_, path_, context);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return Error(rc, "exec [" + text.substr(0, 80) + "]");
  return Status::Ok();
}

Result<StatementRef> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  bool nested = false;
  if (it != cache_.end()) {
    if (!it->second->in_use_) return StatementRef(it->second.get());
    nested = true;
  }
  if (!nested && cache_.size() >= kMaxCachedStatements) {
    // Dynamic SQL (IN lists of varying length) could grow the cache without bound.
    std::erase_if(cache_, [](const auto& entry) { return !entry.second->in_use_; });
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, "prepare [" + std::string(sql.substr(0, 120)) + "]");
  }
  auto owned = std::make_unique<Statement>(stmt, db_, path_);
  if (nested) return StatementRef(std::move(owned));
  Statement* ptr = owned.get();
  cache_.emplace(std::string(sql), std::move(owned));
  return StatementRef(ptr);
}

Result<int64_t> Connection::QueryInt(std::string_view sql) {
  ASSIGN_OR_RETURN(StatementRef stmt, Prepare(sql));
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return NotFound("no row for [" + std::string(sql) + "]");
  return stmt->ColumnInt(0);
}

// ---- Transaction ----

Result<Transaction> Transaction::Begin(Connection& db, Mode mode) {
  ASSIGN_OR_RETURN(StatementRef begin,
                   db.Prepare(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  RETURN_IF_ERROR(begin->Run());
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr && !sqlite3_get_autocommit(db_->raw())) {
    // Best effort: a failed rollback leaves SQLite to roll back on the next statement.
    Result<StatementRef> rollback = db_->Prepare("ROLLBACK");
    if (rollback.ok()) (void)(*rollback)->Run();
  }
}

Status Transaction::Commit() {
  if (db_ == nullptr) return Internal("commit of a finished transaction");
  ASSIGN_OR_RETURN(StatementRef commit, db_->Prepare("COMMIT"));
  RETURN_IF_ERROR(commit->Run());  // on failure the destructor rolls back
  db_ = nullptr;
  return Status::Ok();
}

}  // namespace memex::sqlite
