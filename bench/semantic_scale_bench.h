// The semantic scale benchmark of one database size (issue 5): a fresh ServiceStack with the
// built-in embedding model (USE-Lite), the vector index and the background EmbeddingWorker, as
// `memex serve` runs them.
//
//   1. Ingest: the synthetic corpus (synthetic.h) written through MemoryService::RememberBatch
//      while the worker embeds in the background; timed from the first write until every
//      memory has its vector in the store (writes/s and embedded/s reported separately).
//   2. Index build: the first recall after that, which waits for the index to catch up (read
//      the vectors, build the HNSW graph past vector.hnsw_threshold); also a fresh SemanticIndex
//      caught up over the whole store (what a restarted server pays).
//   3. Recall latency: RunRecall's query classes with semantic recall on, so each query is also
//      embedded; the recall cache is off so that every measured query pays for its embedding.
//
// Errors: kNotFound when the model is missing (run scripts/fetch-model or set MEMEX_MODEL_DIR);
// the store's or embedder's errors; kUnavailable when embedding stalls.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "results.h"

namespace memex::bench {

struct SemanticScaleOptions {
  int batch_size = 100;         // memories per RememberBatch while the worker embeds
  int threads = 2;              // embedding threads (UseLiteEmbedder)
  int queries_per_class = 500;  // as the lexical recall part: the same queries
  int warmup = 200;
  // Give up when no memory was embedded for this long (a stuck worker).
  double stall_seconds = 300;
  uint64_t seed = 42;
  std::string tmp_parent;  // where temporary databases go ("" = system temp dir)
  Config config;           // --set settings; the recall cache is turned off regardless
};

Result<SemanticScaleResult> RunSemanticScale(int64_t size, const SemanticScaleOptions& opts);

}  // namespace memex::bench
