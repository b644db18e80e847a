// ServiceStack: the product's composition (SqliteStore + Redactor + MemoryService, a given Config)
// over a fresh database in a temporary directory that is removed when the stack is destroyed.
//
// Thread-safety: as MemoryService (safe for concurrent use); the stack itself is not shared.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "embed/embedder.h"
#include "measure.h"
#include "redact/redactor.h"
#include "service/embedding_worker.h"
#include "service/memory_service.h"
#include "service/semantic_index.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace memex::bench {

class ServiceStack {
  struct Key {
    explicit Key() = default;
  };

 public:
  // `tmp_parent`: where to create the temporary data directory ("" = system temp dir).
  // `config`: the configuration (its data_dir is replaced by the temporary directory).
  // `semantic`: also the built-in embedding model (found as the tests find it: $MEMEX_MODEL_DIR,
  // else the cache scripts/fetch-model fills), with `threads` embedding threads.
  static Result<std::unique_ptr<ServiceStack>> Open(const std::string& tmp_parent,
                                                    const Config& config = Config{},
                                                    bool semantic = false, int threads = 2);
  // Use Open(); public only for std::make_unique.
  ServiceStack(Key, TempDir dir);
  ~ServiceStack();
  ServiceStack(const ServiceStack&) = delete;
  ServiceStack& operator=(const ServiceStack&) = delete;

  MemoryService& service() { return *service_; }
  // Embeds every pending memory (semantic stacks; 0 otherwise). Returns how many.
  Result<int64_t> EmbedPending();
  bool semantic() const { return worker_ != nullptr; }
  // The semantic parts the service uses; null unless semantic().
  Embedder* embedder() { return embedder_.get(); }
  SemanticIndex* index() { return index_.get(); }
  EmbeddingWorker* worker() { return worker_.get(); }
  // The store's vector side (the same SqliteStore as store()).
  EmbeddingStore& embedding_store() { return *embedding_store_; }
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
  EmbeddingStore* embedding_store_ = nullptr;  // store_, seen as its vector side
  std::unique_ptr<Embedder> embedder_;
  std::unique_ptr<SemanticIndex> index_;
  std::unique_ptr<EmbeddingWorker> worker_;
  std::unique_ptr<MemoryService> service_;
};

}  // namespace memex::bench
