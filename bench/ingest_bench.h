// Ingest throughput: building a database with RememberBatch, and single Remember calls (one
// transaction each) on top of it.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "results.h"
#include "service/memory_service.h"
#include "synthetic.h"

namespace memex::bench {

// Writes the next `size` memories of `corpus` in batches of `batch_size`; fills the batched
// fields of `out`. Only the time inside RememberBatch counts. Progress goes to stderr.
Status BuildBatched(MemoryService& service, SyntheticCorpus& corpus, int64_t size, int batch_size,
                    IngestResult& out);

// Writes the next `n` memories of `corpus` one Remember call at a time; fills the single_*
// fields of `out`.
Status SingleWrites(MemoryService& service, SyntheticCorpus& corpus, int64_t n, IngestResult& out);

}  // namespace memex::bench
