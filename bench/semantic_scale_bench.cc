#include "semantic_scale_bench.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "measure.h"
#include "queries.h"
#include "recall_bench.h"
#include "service_stack.h"
#include "synthetic.h"

namespace memex::bench {
namespace {

// How often the wait for the worker looks at its progress.
constexpr auto kPoll = std::chrono::milliseconds(10);
// Progress lines on stderr while waiting, for sizes where the wait is long.
constexpr double kProgressEverySeconds = 15;
// Hard bound on the wait, whatever the progress: 10 memories/s at least, plus a minute.
double MaxWaitSeconds(int64_t size) { return 60.0 + static_cast<double>(size) / 10.0; }

// Waits until the worker has embedded `stored` memories. Bounded by `stall_seconds` without
// progress and by MaxWaitSeconds(stored) in all.
Status WaitEmbedded(EmbeddingWorker& worker, int64_t stored, double stall_seconds,
                    const Stopwatch& since_first_write) {
  Stopwatch since_progress;
  Stopwatch since_report;
  int64_t last = -1;
  const double max_wait = MaxWaitSeconds(stored);
  for (;;) {
    const EmbeddingWorkerStats st = worker.stats();
    if (st.embedded >= stored) return Status::Ok();
    if (!st.last_error.empty()) {
      return Internal("embedding failed after " + std::to_string(st.embedded) +
                      " memories: " + st.last_error);
    }
    if (st.embedded != last) {
      last = st.embedded;
      since_progress.Restart();
    }
    if (since_progress.ElapsedSeconds() > stall_seconds) {
      return Unavailable("no memory embedded for " + std::to_string(stall_seconds) + " s (" +
                         std::to_string(st.embedded) + " of " + std::to_string(stored) + ")");
    }
    if (since_first_write.ElapsedSeconds() > max_wait) {
      return Unavailable("embedding " + std::to_string(stored) + " memories took over " +
                         std::to_string(static_cast<int64_t>(max_wait)) + " s");
    }
    if (since_report.ElapsedSeconds() >= kProgressEverySeconds) {
      since_report.Restart();
      std::cerr << "  embedded " << WithCommas(st.embedded) << " / " << WithCommas(stored) << ", "
                << static_cast<int>(since_first_write.ElapsedSeconds()) << " s elapsed\n";
    }
    std::this_thread::sleep_for(kPoll);
  }
}

// Times the query embedding and the vector search alone, for the same queries RunRecall
// measured (same corpus state, count and seed).
Status TimeStages(ServiceStack& stack, const Scope& scope, const SyntheticCorpus& corpus,
                  const SemanticScaleOptions& opts, SemanticScaleResult& r) {
  Embedder& embedder = *stack.embedder();
  SemanticIndex& index = *stack.index();
  SearchFilter filter;
  filter.scopes = {scope};
  const int k = stack.config().recall.vector_candidates;
  std::vector<double> embed_ms, search_ms;
  for (QueryClass c : kAllQueryClasses) {
    const QuerySet set = MakeQueries(corpus, c, opts.queries_per_class, opts.seed);
    for (const std::string& q : set.queries) {
      Stopwatch sw;
      Result<Embeddings> e = embedder.Embed({q});
      embed_ms.push_back(sw.ElapsedMs());
      if (!e.ok()) return e.status().WithContext("embedding the query '" + q + "'");
      std::vector<float> vec(e->row(0), e->row(0) + e->dim);
      sw.Restart();
      Result<std::vector<SemanticHit>> hits = index.Search(vec, filter, k);
      search_ms.push_back(sw.ElapsedMs());
      if (!hits.ok()) return hits.status().WithContext("vector search");
    }
  }
  r.embed_latency = Summarize(std::move(embed_ms));
  r.search_latency = Summarize(std::move(search_ms));
  return Status::Ok();
}

}  // namespace

Result<SemanticScaleResult> RunSemanticScale(int64_t size, const SemanticScaleOptions& opts) {
  SemanticScaleResult r;
  r.size = size;
  r.batch_size = opts.batch_size;
  r.embed_threads = opts.threads;
  ResetPeakRss();  // this size's peak alone (best effort)
  // The product's defaults, but no recall cache: every measured query embeds its text.
  Config config = opts.config;
  config.recall.cache_entries = 0;
  auto opened = ServiceStack::Open(opts.tmp_parent, config, /*semantic=*/true, opts.threads);
  if (!opened.ok()) {
    return opened.status().WithContext("semantic part");
  }
  std::unique_ptr<ServiceStack> stack = std::move(opened).value();
  EmbeddingWorker& worker = *stack->worker();
  SemanticIndex& index = *stack->index();
  r.model = stack->embedder()->model_id();
  r.dim = stack->embedder()->dim();

  const Scope scope{"bench", "main"};
  SyntheticCorpus corpus(opts.seed, scope);
  // Generated up front so that the timed part is only writing and embedding.
  std::vector<std::vector<RememberRequest>> batches;
  batches.reserve(static_cast<size_t>((size + opts.batch_size - 1) / opts.batch_size));
  for (int64_t done = 0; done < size;) {
    const int64_t n = std::min<int64_t>(opts.batch_size, size - done);
    std::vector<RememberRequest>& batch = batches.emplace_back();
    batch.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) batch.push_back({corpus.Next()});
    done += n;
  }

  std::cerr << "[" << WithCommas(size) << "] semantic ingest: RememberBatch of " << opts.batch_size
            << " with the embedding worker running (" << r.model << ", " << opts.threads
            << " threads) into " << stack->dir() << "\n";
  worker.Start();
  Stopwatch since_first_write;
  int64_t written = 0;
  for (const std::vector<RememberRequest>& batch : batches) {
    auto results = stack->service().RememberBatch(batch);
    if (!results.ok()) {
      return results.status().WithContext("RememberBatch at memory " + std::to_string(written));
    }
    for (const auto& res : *results) r.stored += res.created ? 1 : 0;
    written += static_cast<int64_t>(batch.size());
  }
  r.write_seconds = since_first_write.ElapsedSeconds();
  batches.clear();
  RETURN_IF_ERROR(WaitEmbedded(worker, r.stored, opts.stall_seconds, since_first_write));
  r.embedded_seconds = since_first_write.ElapsedSeconds();
  Stopwatch since_embedded;
  r.embed_lag_seconds = r.embedded_seconds - r.write_seconds;
  const auto rate = [](int64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0; };
  r.writes_per_second = rate(r.stored, r.write_seconds);
  r.embedded_per_second = rate(r.stored, r.embedded_seconds);
  std::cerr << "[" << WithCommas(size) << "] " << WithCommas(r.stored) << " memories written in "
            << r.write_seconds << " s, all embedded after " << r.embedded_seconds << " s\n";

  // The first recall waits for the index to hold every vector (the worker's catch-up, or its
  // own), graph build included.
  RecallRequest first;
  first.filter.scopes = {scope};
  first.query = "how do we configure the build server";
  first.limit = 10;
  auto first_resp = stack->service().Recall(first);
  if (!first_resp.ok()) return first_resp.status().WithContext("first recall");
  r.index_build_seconds = since_embedded.ElapsedSeconds();
  if (!first_resp->plan.semantic) {
    return Internal("the first recall did not use the vector index: " +
                    first_resp->plan.semantic_note);
  }
  ASSIGN_OR_RETURN(std::vector<EmbeddingCounts> counts,
                   stack->embedding_store().EmbeddingStats(r.model));
  for (const EmbeddingCounts& c : counts) {
    if (c.model == r.model) r.pending_after = c.pending;
  }
  const SemanticStats ss = index.stats();
  r.index_vectors = ss.vectors;
  r.hnsw = ss.hnsw_scopes > 0;
  r.index_memory_bytes = static_cast<int64_t>(ss.memory_bytes);
  std::cerr << "[" << WithCommas(size) << "] index caught up " << r.index_build_seconds
            << " s after the last vector (" << WithCommas(r.index_vectors) << " vectors, "
            << (r.hnsw ? "HNSW" : "exact scan") << ")\n";

  std::cerr << "[" << WithCommas(size) << "] semantic recall: " << opts.warmup << " warm-up + 5 x "
            << opts.queries_per_class << " queries\n";
  RecallOptions ro;
  ro.per_class = opts.queries_per_class;
  ro.warmup = opts.warmup;
  ro.seed = opts.seed;
  ASSIGN_OR_RETURN(r.recall, RunRecall(*stack, scope, corpus, size, ro));
  r.recall.bar_p95_ms = SemanticRecallP95BarMs(size);
  std::cerr << "[" << WithCommas(size) << "] query embedding and vector search alone\n";
  RETURN_IF_ERROR(TimeStages(*stack, scope, corpus, opts, r));
  r.memory = ReadProcMemory();

  {
    std::cerr << "[" << WithCommas(size)
              << "] cold index build (a fresh SemanticIndex, no saved files)\n";
    const std::string saved_dir = stack->dir() + "/vectors";
    SemanticIndex cold(stack->embedding_store(), r.model, stack->config().vector, saved_dir);
    Stopwatch sw;
    RETURN_IF_ERROR(cold.CatchUp());
    r.cold_index_seconds = sw.ElapsedSeconds();
    std::cerr << "[" << WithCommas(size) << "] saving the index, then loading it\n";
    sw.Restart();
    RETURN_IF_ERROR(cold.Persist(SemanticIndex::SaveWhen::kAlways));
    r.save_seconds = sw.ElapsedSeconds();
    SemanticIndex warm(stack->embedding_store(), r.model, stack->config().vector, saved_dir);
    sw.Restart();
    RETURN_IF_ERROR(warm.CatchUp());
    r.load_seconds = sw.ElapsedSeconds();
    if (warm.stats().loaded != warm.stats().vectors ||
        warm.stats().vectors != cold.stats().vectors) {
      return Internal("the saved index was not used: " + std::to_string(warm.stats().loaded) +
                      " of " + std::to_string(warm.stats().vectors) + " vectors loaded");
    }
  }
  return r;
}

}  // namespace memex::bench
