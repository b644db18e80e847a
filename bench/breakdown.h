// Recall stage breakdown (diagnostic, --breakdown): replays a query workload through the same
// steps MemoryService::Recall takes — query analysis, Store::SearchText, Store::SearchIdents,
// channel fusion, Store::Hydrate, Store::RecordAccess — timing each, to show where recall
// latency goes. The service's own Recall is what the latency table measures; this only explains.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "core/scope.h"
#include "measure.h"
#include "store/store.h"

namespace memex::bench {

struct StageTimes {
  std::string name;  // query class
  int64_t queries = 0;
  // Per stage: mean and p95 in ms, in pipeline order.
  std::vector<std::pair<std::string, LatencySummary>> stages;
  double mean_text_candidates = 0;
  double mean_ident_matches = 0;
  int64_t windowed = 0;  // queries whose text search was windowed (a term too common)
  int64_t pruned = 0;
};

Result<StageTimes> MeasureStages(Store& store, const RecallConfig& config, const Scope& scope,
                                 const std::string& name, const std::vector<std::string>& queries,
                                 int limit);

}  // namespace memex::bench
