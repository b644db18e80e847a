#include "service/embedding_worker.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "base/log.h"

namespace memex {

EmbeddingWorker::EmbeddingWorker(EmbeddingStore& store, Embedder& embedder, SemanticIndex& index,
                                 Options options)
    : store_(store), embedder_(embedder), index_(index), options_(options) {}

EmbeddingWorker::~EmbeddingWorker() {
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
  }
}

Result<int64_t> EmbeddingWorker::RunOnce(int64_t max_docs) {
  std::lock_guard<std::mutex> run(run_mu_);
  const std::string model = embedder_.model_id();
  int64_t done = 0;
  Status failure = Status::Ok();
  while (max_docs == 0 || done < max_docs) {
    int limit = options_.batch_size;
    if (max_docs != 0) limit = static_cast<int>(std::min<int64_t>(limit, max_docs - done));
    Result<std::vector<PendingEmbed>> pending = store_.PendingEmbeddings(model, cursor_, limit);
    if (!pending.ok()) {
      failure = pending.status();
      break;
    }
    if (pending->empty()) break;
    if (Status st = EmbedAndStore(model, *pending); !st.ok()) {
      failure = st;
      break;
    }
    cursor_ = pending->back().doc;
    done += static_cast<int64_t>(pending->size());
    std::lock_guard<std::mutex> lock(mu_);
    stats_.embedded += static_cast<int64_t>(pending->size());
    stats_.batches += 1;
    stats_.last_error.clear();
  }
  // Whatever was stored is searchable now, even when a later batch failed.
  Status caught_up = index_.CatchUp();
  if (failure.ok()) failure = caught_up;
  // Saving the graph spares the next process its rebuild; failing to only costs that.
  if (done > 0) {
    if (Status saved = index_.Persist(); !saved.ok()) {
      LogWarn("vector index not saved: " + saved.ToString());
    }
  }
  if (!failure.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.failures += 1;
    stats_.last_error = failure.ToString();
    return failure;
  }
  return done;
}

Status EmbeddingWorker::EmbedDoc(DocId doc) {
  // Not under run_mu_: a background pass over a long queue holds it for as long as it runs, and
  // the caller waits for this memory alone. Embedding the same doc twice only replaces a vector.
  const std::string model = embedder_.model_id();
  // The first pending doc from `doc` on: `doc` itself when it still waits for its vector.
  ASSIGN_OR_RETURN(std::vector<PendingEmbed> pending, store_.PendingEmbeddings(model, doc - 1, 1));
  if (pending.empty() || pending.front().doc != doc) return Status::Ok();  // nothing to wait for
  Status st = EmbedAndStore(model, pending);
  if (st.ok()) st = index_.CatchUp();
  std::lock_guard<std::mutex> lock(mu_);
  if (!st.ok()) {
    stats_.failures += 1;
    stats_.last_error = st.ToString();
    return st;
  }
  stats_.embedded += 1;
  stats_.batches += 1;
  stats_.last_error.clear();
  return Status::Ok();
}

Status EmbeddingWorker::EmbedAndStore(const std::string& model,
                                      const std::vector<PendingEmbed>& pending) {
  std::vector<std::string> texts;
  std::vector<std::pair<DocId, int>> owners;  // (doc, chunk) of each text
  for (const PendingEmbed& p : pending) {
    std::vector<std::string> chunks = ChunkText(p.content, options_.chunks);
    for (size_t c = 0; c < chunks.size() && c < SemanticIndex::kMaxChunks; ++c) {
      texts.push_back(std::move(chunks[c]));
      owners.emplace_back(p.doc, static_cast<int>(c));
    }
  }
  ASSIGN_OR_RETURN(Embeddings vectors, embedder_.Embed(texts));
  if (vectors.dim != embedder_.dim() || vectors.size() != texts.size()) {
    return FailedPrecondition(
        "embedder '" + embedder_.model_id() + "' answered " + std::to_string(vectors.size()) +
        " vectors of " + std::to_string(vectors.dim) + " dimensions for " +
        std::to_string(texts.size()) + " texts of " + std::to_string(embedder_.dim()));
  }
  std::vector<NewVector> rows;
  rows.reserve(owners.size());
  for (size_t i = 0; i < owners.size(); ++i) {
    const float* v = vectors.row(i);
    rows.push_back({owners[i].first, owners[i].second, std::vector<float>(v, v + vectors.dim)});
  }
  return store_.PutEmbeddings(model, vectors.dim, rows);
}

void EmbeddingWorker::Start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { Loop(std::move(stop)); });
}

void EmbeddingWorker::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
  }
  wake_.notify_all();
}

void EmbeddingWorker::Rewind() {
  std::lock_guard<std::mutex> run(run_mu_);
  cursor_ = 0;
}

EmbeddingWorkerStats EmbeddingWorker::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void EmbeddingWorker::Loop(std::stop_token stop) {
  int64_t backoff_ms = 0;
  std::string logged;  // the last error logged, so a long outage is logged once
  while (!stop.stop_requested()) {
    Result<int64_t> ran = RunOnce();
    int64_t wait_ms = options_.idle_poll_ms;
    if (ran.ok()) {
      backoff_ms = 0;
      if (!logged.empty()) LogInfo("embeddings: the embedder answers again");
      logged.clear();
    } else {
      backoff_ms = std::clamp<int64_t>(backoff_ms * 2, 1000, options_.max_backoff_ms);
      wait_ms = backoff_ms;
      if (ran.status().message() != logged) {
        logged = std::string(ran.status().message());
        LogWarn("embeddings: " + ran.status().ToString() +
                " (memories stay pending; lexical recall still answers; retrying)");
      }
    }
    std::unique_lock<std::mutex> lock(mu_);
    // A write during a failure's backoff does not cut it short: the endpoint needs the rest.
    wake_.wait_for(lock, stop, std::chrono::milliseconds(wait_ms),
                   [this, &ran] { return notified_ && ran.ok(); });
    notified_ = false;
  }
}

}  // namespace memex
