// RAII wrappers around one SQLite connection and its prepared statements, and the single place
// where SQLite result codes become memex Status values.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "config/config.h"

namespace memex::sqlite {

// Maps an SQLite result code to a Status: BUSY/LOCKED -> kUnavailable; READONLY/CANTOPEN/PERM ->
// kFailedPrecondition; CORRUPT/NOTADB -> kDataLoss (naming `path` and suggesting `memex doctor` or
// a backup); FULL/NOMEM -> kResourceExhausted; CONSTRAINT -> kInvalidArgument; else kInternal.
// `db` may be null; when set, its error message is appended.
Status SqliteStatus(int rc, sqlite3* db, std::string_view path, std::string_view context);

// One prepared statement. Bind errors are remembered and reported by the next Step().
// Thread-safety: not thread-safe; used by the thread that owns its Connection.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::string_view path);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameter indices start at 1.
  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  // The text must outlive the next Step() (SQLITE_STATIC binding: no copy on the hot path).
  void BindText(int index, std::string_view value);
  void BindNull(int index);
  // Binds bytes as a BLOB; like BindText, they must outlive the next Step() (no copy).
  void BindBlob(int index, std::string_view bytes);

  // Advances: true when a row is available, false when done. Errors map through SqliteStatus.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();

  int64_t ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  double ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
  // Valid until the next Step()/Reset().
  std::string_view ColumnText(int col) const;
  std::string_view ColumnBlob(int col) const;
  bool ColumnIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

  // Resets for re-execution and clears bindings.
  void Reset();
  sqlite3_stmt* raw() const { return stmt_; }

 private:
  friend class StatementRef;
  friend class Connection;
  void NoteBind(int rc, int index);

  sqlite3_stmt* stmt_;
  bool in_use_ = false;    // borrowed by a live StatementRef
  sqlite3* db_;            // not owned
  std::string_view path_;  // owned by the Connection
  Status bind_status_;
};

// A statement borrowed from a Connection's cache (or, when the cached one is already in use by an
// enclosing loop, a private one it owns); resets it and clears bindings when destroyed so the
// next user starts clean.
class StatementRef {
 public:
  explicit StatementRef(Statement* stmt) : stmt_(stmt) { stmt_->in_use_ = true; }
  explicit StatementRef(std::unique_ptr<Statement> owned)
      : stmt_(owned.get()), owned_(std::move(owned)) {}
  ~StatementRef() {
    if (stmt_ != nullptr) {
      stmt_->Reset();
      stmt_->in_use_ = false;
    }
  }
  StatementRef(StatementRef&& other) noexcept
      : stmt_(other.stmt_), owned_(std::move(other.owned_)) {
    other.stmt_ = nullptr;
  }
  StatementRef& operator=(StatementRef&&) = delete;
  StatementRef(const StatementRef&) = delete;
  StatementRef& operator=(const StatementRef&) = delete;

  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  Statement* stmt_;
  std::unique_ptr<Statement> owned_;
};

struct ConnectionOptions {
  bool create = true;  // create the file when missing
  int busy_timeout_ms = 5000;
  bool synchronous_full = false;  // synchronous=FULL instead of NORMAL (WAL)
  int cache_size_mb = 64;
  int mmap_size_mb = 256;
};

// Connection options for a StorageConfig: durability "normal" -> synchronous=NORMAL, "full" ->
// synchronous=FULL; busy timeout, cache and mmap sizes as configured.
// Errors: kInvalidArgument for an unknown durability value.
Result<ConnectionOptions> OptionsFromConfig(const StorageConfig& cfg);

// One open database connection with a cache of prepared statements keyed by SQL text.
// Thread-safety: not thread-safe; exactly one thread uses a connection at a time (the store's
// write mutex or its read pool guarantees it).
class Connection {
 public:
  // Opens `path` and applies the per-connection pragmas (busy timeout, foreign keys,
  // synchronous, cache and mmap sizes). Does not change the journal mode.
  // Errors: as SqliteStatus; kFailedPrecondition when the file can only be opened read-only.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows of interest.
  Status Exec(std::string_view sql);
  // Returns the cached statement for `sql`, preparing it on first use.
  Result<StatementRef> Prepare(std::string_view sql);
  // Runs a single-value query ("PRAGMA user_version") and returns column 0 of the first row.
  Result<int64_t> QueryInt(std::string_view sql);

  Status Error(int rc, std::string_view context) const;
  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }
  int64_t changes() const { return sqlite3_changes64(db_); }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  static constexpr size_t kMaxCachedStatements = 512;

  // Looks statements up by string_view: no std::string is built on the hot path.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_;  // owned; closed after every statement is finalised
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// A transaction on one connection; rolls back on destruction unless committed.
// Thread-safety: as its Connection.
class Transaction {
 public:
  enum class Mode { kRead, kWrite };
  // kWrite begins IMMEDIATE so a second writer (thread or process) waits on the busy timeout at
  // BEGIN instead of failing later on lock upgrade.
  static Result<Transaction> Begin(Connection& db, Mode mode);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;  // null once committed or rolled back
};

}  // namespace memex::sqlite
