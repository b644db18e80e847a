#include "scale_bench.h"

#include <iostream>

#include "ingest_bench.h"
#include "measure.h"
#include "recall_bench.h"
#include "service_stack.h"
#include "synthetic.h"

namespace memex::bench {

Result<ScaleResult> RunScale(int64_t size, const ScaleOptions& opts) {
  ScaleResult r;
  r.size = size;
  // Each size is measured on its own: drop the previous size's peak before building this one.
  r.footprint.peak_reset = ResetPeakRss();
  ASSIGN_OR_RETURN(std::unique_ptr<ServiceStack> stack, ServiceStack::Open(opts.tmp_parent));
  const Scope scope{"bench", "main"};
  SyntheticCorpus corpus(opts.seed, scope);

  std::cerr << "[" << WithCommas(size) << "] batched ingest (batches of " << opts.batch_size
            << ") into " << stack->dir() << "\n";
  RETURN_IF_ERROR(BuildBatched(stack->service(), corpus, size, opts.batch_size, r.ingest));
  r.footprint.disk = MeasureDir(stack->dir());
  SearchFilter all;
  all.all_scopes = true;
  if (auto stats = stack->service().Stats(all); stats.ok()) r.footprint.live = stats->live;

  if (opts.recall) {
    std::cerr << "[" << WithCommas(size) << "] recall: " << opts.warmup << " warm-up + 5 x "
              << opts.queries_per_class << " queries\n";
    RecallOptions ro;
    ro.per_class = opts.queries_per_class;
    ro.warmup = opts.warmup;
    ro.seed = opts.seed;
    ro.breakdown = opts.breakdown;
    ASSIGN_OR_RETURN(RecallResult recall, RunRecall(*stack, scope, corpus, size, ro));
    r.recall = std::move(recall);
  }
  // Serving memory: after the database was built and queried.
  r.footprint.memory = ReadProcMemory();

  if (opts.single_writes) {
    std::cerr << "[" << WithCommas(size) << "] " << opts.single_writes_n << " single writes\n";
    RETURN_IF_ERROR(SingleWrites(stack->service(), corpus, opts.single_writes_n, r.ingest));
  }
  return r;
}

}  // namespace memex::bench
