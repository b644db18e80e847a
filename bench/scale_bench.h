// The scale benchmark of one database size: build it (batched ingest), measure its footprint,
// time recalls, then time single writes on top. Each size gets its own fresh database.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "results.h"

namespace memex::bench {

struct ScaleOptions {
  bool recall = true;         // run the recall-latency part
  bool single_writes = true;  // run the single-write part (ingest)
  int batch_size = 1000;
  int64_t single_writes_n = 2000;
  int queries_per_class = 500;
  int warmup = 200;
  bool breakdown = false;
  uint64_t seed = 42;
  std::string tmp_parent;  // where temporary databases go ("" = system temp dir)
};

Result<ScaleResult> RunScale(int64_t size, const ScaleOptions& opts);

}  // namespace memex::bench
