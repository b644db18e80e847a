// A pool of read connections to one database file.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/sqlite/connection.h"

namespace memex::sqlite {

// Hands out read connections and keeps them open for reuse, each with its warm page cache and
// prepared statements. At most `max_active` are leased at once: further callers wait for one to
// come back, because read work is CPU-bound and more concurrent readers than that only thrash
// caches. A thread that already holds a lease never waits (it gets another connection at once),
// so nested reads cannot deadlock. Each connection is prepared by `setup` once, when opened.
// Thread-safety: safe for concurrent use; each leased connection is used by one thread.
class ConnectionPool {
 public:
  using Setup = std::function<Status(Connection&)>;
  ConnectionPool(std::string path, ConnectionOptions options, size_t max_active, Setup setup);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A leased connection; returns to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> db);
    Lease(Lease&& other) noexcept;
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

  // Connections open now (leased or idle).
  size_t open_count() const;

 private:
  void Release(std::unique_ptr<Connection> db);

  const std::string path_;
  const ConnectionOptions options_;
  const size_t max_active_;
  const Setup setup_;
  mutable std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t leased_ = 0;                              // guarded by mu_
  size_t open_ = 0;                                // guarded by mu_
};

}  // namespace memex::sqlite
