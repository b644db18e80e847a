// Recall latency: MemoryService::Recall over one scope with a mix of query classes
// (queries.h), interleaved in a seeded random order after a warm-up, reported per class and
// overall.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "core/scope.h"
#include "results.h"
#include "service_stack.h"
#include "synthetic.h"

namespace memex::bench {

struct RecallOptions {
  int per_class = 500;  // measured queries per class
  int warmup = 200;     // unmeasured queries (all classes) first
  int limit = 10;
  uint64_t seed = 1;
  bool breakdown = false;  // also time each recall stage (breakdown.h)
};

// `corpus` must be the generator that filled `scope` (queries are drawn from its statistics).
Result<RecallResult> RunRecall(ServiceStack& stack, const Scope& scope,
                               const SyntheticCorpus& corpus, int64_t size,
                               const RecallOptions& opts);

}  // namespace memex::bench
