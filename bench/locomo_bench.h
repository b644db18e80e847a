// LoCoMo retrieval-only benchmark: memex (MemoryService over a fresh SQLite database, one
// project per conversation) side by side with a plain FTS5 OR-of-words baseline, same scoring.
#pragma once

#include <string>

#include "base/status.h"
#include "results.h"

namespace memex::bench {

// Reads the dataset at `path`. A missing file is not an error: the result says it was skipped.
Result<LocomoResult> RunLocomo(const std::string& path, const std::string& tmp_parent);

}  // namespace memex::bench
