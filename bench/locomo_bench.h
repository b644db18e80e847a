// LoCoMo retrieval-only benchmark: memex (MemoryService over a fresh SQLite database, one
// project per conversation) side by side with a plain FTS5 OR-of-words baseline, same scoring.
#pragma once

#include <string>

#include "base/status.h"
#include "eval_settings.h"
#include "results.h"

namespace memex::bench {

// Reads the dataset at `path`. A missing file is not an error: the result says it was skipped.
// The memex systems run with `settings.config`; with a dump directory, the semantic system's
// candidates go to <dir>/locomo.jsonl (see DumpQuestion in locomo_bench.cc for the format).
Result<LocomoResult> RunLocomo(const std::string& path, const std::string& tmp_parent,
                               const EvalSettings& settings);

}  // namespace memex::bench
