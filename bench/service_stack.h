// ServiceStack: the product's composition (SqliteStore + Redactor + MemoryService, default Config)
// over a fresh database in a temporary directory that is removed when the stack is destroyed.
//
// Thread-safety: as MemoryService (safe for concurrent use); the stack itself is not shared.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "measure.h"
#include "redact/redactor.h"
#include "service/memory_service.h"
#include "store/store.h"

namespace memex::bench {

class ServiceStack {
  struct Key {
    explicit Key() = default;
  };

 public:
  // `tmp_parent`: where to create the temporary data directory ("" = system temp dir).
  static Result<std::unique_ptr<ServiceStack>> Open(const std::string& tmp_parent);
  // Use Open(); public only for std::make_unique.
  ServiceStack(Key, TempDir dir);
  ~ServiceStack();
  ServiceStack(const ServiceStack&) = delete;
  ServiceStack& operator=(const ServiceStack&) = delete;

  MemoryService& service() { return *service_; }
  Store& store() { return *store_; }
  const Config& config() const { return config_; }
  // The data directory (database and WAL live under it).
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_;  // declared first: removed after everything that uses it is closed
  Config config_;
  SystemClock clock_;
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MemoryService> service_;
};

}  // namespace memex::bench
