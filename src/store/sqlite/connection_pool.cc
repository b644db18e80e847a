#include "store/sqlite/connection_pool.h"

#include <algorithm>

namespace memex::sqlite {
namespace {

// Leases the current thread holds, over all pools: a holder asking again must not wait.
thread_local int leases_held = 0;

}  // namespace

ConnectionPool::ConnectionPool(std::string path, ConnectionOptions options, size_t max_active,
                               Setup setup)
    : path_(std::move(path)),
      options_(options),
      max_active_(std::max<size_t>(1, max_active)),
      setup_(std::move(setup)) {}

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<Connection> db)
    : pool_(pool), db_(std::move(db)) {
  ++leases_held;
}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), db_(std::move(other.db_)) {}

ConnectionPool::Lease::~Lease() {
  if (db_ == nullptr) return;
  --leases_held;
  pool_->Release(std::move(db_));
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (leases_held == 0) {
      returned_.wait(lock, [&] { return leased_ < max_active_; });
    }
    ++leased_;
    if (!idle_.empty()) {
      std::unique_ptr<Connection> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++open_;
  }
  // Opened outside the lock: opening touches the file and may wait on the busy timeout.
  auto opened = [&]() -> Result<std::unique_ptr<Connection>> {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> db, Connection::Open(path_, options_));
    if (setup_ != nullptr) RETURN_IF_ERROR(setup_(*db));
    return db;
  }();
  if (!opened.ok()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --leased_;
      --open_;
    }
    returned_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void ConnectionPool::Release(std::unique_ptr<Connection> db) {
  std::unique_ptr<Connection> surplus;  // closed outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    --leased_;
    // Connections opened past the limit by nested leases are not kept.
    if (open_ > max_active_) {
      --open_;
      surplus = std::move(db);
    } else {
      idle_.push_back(std::move(db));
    }
  }
  returned_.notify_one();
}

size_t ConnectionPool::open_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

}  // namespace memex::sqlite
