// EmbeddingWorker: the embedding queue's consumer (docs/retrieval.md, "Embeddings"). It embeds
// the memories that have no vector for the current model (EmbeddingStore::PendingEmbeddings:
// the queue is a query, so it survives restarts and a model change re-embeds everything), stores
// the vectors and brings the SemanticIndex up to date.
//
// Writes never wait for it: MemoryService notifies it after a write and returns. A background
// thread (Start) serves `memex serve`; one-shot CLI commands call RunOnce. When the embedder
// fails (an endpoint down or slow, a wrong dimension), nothing is lost: the memories stay
// pending, lexical recall still answers, and the worker retries with a growing delay (1 s up to
// 60 s) while last_error() says why.
//
// Thread-safety: safe for concurrent use; RunOnce calls are serialised.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "base/status.h"
#include "embed/embedder.h"
#include "retrieval/chunker.h"
#include "service/semantic_index.h"
#include "store/embedding_store.h"

namespace memex {

struct EmbeddingWorkerStats {
  int64_t embedded = 0;  // memories embedded by this process
  int64_t batches = 0;
  int64_t failures = 0;    // failed embedder or store calls
  std::string last_error;  // "" after a success
};

class EmbeddingWorker {
 public:
  struct Options {
    int batch_size = 32;          // memories per embedder call (their chunks may be more texts)
    int64_t idle_poll_ms = 2000;  // how often an idle worker looks for other processes' writes
    int64_t max_backoff_ms = 60000;
    ChunkOptions chunks;
  };

  // Borrows everything; all must outlive the worker. `index` must be for embedder.model_id().
  EmbeddingWorker(EmbeddingStore& store, Embedder& embedder, SemanticIndex& index, Options options);
  ~EmbeddingWorker();  // stops the thread
  EmbeddingWorker(const EmbeddingWorker&) = delete;
  EmbeddingWorker& operator=(const EmbeddingWorker&) = delete;

  // Embeds pending memories until none is left or `max_docs` were embedded (0 = no bound), then
  // catches the index up. Returns how many memories were embedded. Errors: the embedder's or
  // the store's (what was stored before the error stays stored).
  Result<int64_t> RunOnce(int64_t max_docs = 0);

  // Embeds `doc` now when it is pending (a current version with no vector of the model), then
  // catches the index up: strong consistency for one write waits for that memory alone, not for
  // the whole queue (after an import, thousands may be pending), and not for a pass of the
  // background thread either (it runs beside one). OK when there was nothing to do. Errors: the
  // embedder's or the store's; the memory stays pending for the queue.
  Status EmbedDoc(DocId doc);

  // Starts the background thread (idempotent).
  void Start();
  // Wakes the background thread: memories were written.
  void Notify();
  // Forgets the queue position (after DropEmbeddings): the next pass starts from the first doc.
  void Rewind();

  EmbeddingWorkerStats stats() const;

 private:
  void Loop(std::stop_token stop);
  // Embeds the pending memories' chunks in one embedder call and stores the vectors.
  Status EmbedAndStore(const std::string& model, const std::vector<PendingEmbed>& pending);

  EmbeddingStore& store_;
  Embedder& embedder_;
  SemanticIndex& index_;
  const Options options_;

  std::mutex run_mu_;  // serialises RunOnce
  DocId cursor_ = 0;   // guarded by run_mu_: docs up to it were embedded or skipped
  mutable std::mutex mu_;
  std::condition_variable_any wake_;
  bool notified_ = false;       // guarded by mu_
  EmbeddingWorkerStats stats_;  // guarded by mu_
  std::jthread thread_;
};

}  // namespace memex
