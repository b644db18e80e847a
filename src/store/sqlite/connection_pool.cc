#include "store/sqlite/connection_pool.h"

namespace memex::sqlite {

ConnectionPool::ConnectionPool(std::string path, ConnectionOptions options, size_t max_idle,
                               Setup setup)
    : path_(std::move(path)), options_(options), max_idle_(max_idle), setup_(std::move(setup)) {}

ConnectionPool::Lease::~Lease() {
  if (db_ != nullptr) pool_->Release(std::move(db_));
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  // Opened outside the lock: opening touches the file and may wait on the busy timeout.
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> db, Connection::Open(path_, options_));
  if (setup_ != nullptr) RETURN_IF_ERROR(setup_(*db));
  return Lease(this, std::move(db));
}

void ConnectionPool::Release(std::unique_ptr<Connection> db) {
  std::unique_ptr<Connection> surplus;  // closed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) {
    idle_.push_back(std::move(db));
  } else {
    surplus = std::move(db);
  }
}

}  // namespace memex::sqlite
