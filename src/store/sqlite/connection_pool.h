// A pool of read connections to one database file.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/sqlite/connection.h"

namespace memex::sqlite {

// Hands out read connections: an idle one when available, else a newly opened one (so a caller
// that needs a second connection while holding one never deadlocks). Keeps at most `max_idle`
// connections open when they come back. Each connection is prepared by `setup` once, when opened.
// Thread-safety: safe for concurrent use; each leased connection is used by one thread.
class ConnectionPool {
 public:
  using Setup = std::function<Status(Connection&)>;
  ConnectionPool(std::string path, ConnectionOptions options, size_t max_idle, Setup setup);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A leased connection; returns to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *db_; }
    Connection* operator->() const { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> db_;
  };

  // Errors: as Connection::Open and `setup`.
  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> db);

  const std::string path_;
  const ConnectionOptions options_;
  const size_t max_idle_;
  const Setup setup_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace memex::sqlite
