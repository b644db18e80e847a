#include "ingest_bench.h"

#include <algorithm>
#include <iostream>
#include <vector>

#include "measure.h"

namespace memex::bench {

Status BuildBatched(MemoryService& service, SyntheticCorpus& corpus, int64_t size, int batch_size,
                    IngestResult& out) {
  out.batch_size = batch_size;
  std::vector<RememberRequest> batch;
  batch.reserve(static_cast<size_t>(batch_size));
  const int64_t tenth = size / 10;
  const bool tenths = size >= 10LL * batch_size;
  int64_t next_tenth = tenth, tenth_ns = 0, tenth_done = 0;
  Stopwatch wall;
  int64_t write_ns = 0, generate_ns = 0;
  for (int64_t done = 0; done < size;) {
    Stopwatch gen;
    batch.clear();
    int64_t n = std::min<int64_t>(batch_size, size - done);
    for (int64_t i = 0; i < n; ++i) batch.push_back({corpus.Next()});
    generate_ns += gen.ElapsedNs();

    Stopwatch write;
    auto results = service.RememberBatch(batch);
    const int64_t ns = write.ElapsedNs();
    write_ns += ns;
    tenth_ns += ns;
    if (!results.ok()) {
      return results.status().WithContext("RememberBatch at memory " + std::to_string(done));
    }
    for (const auto& r : *results) out.stored += r.created ? 1 : 0;
    done += n;
    if (tenths && (done >= next_tenth || done == size)) {
      const double rate = static_cast<double>(done - tenth_done) * 1e9 /
                          static_cast<double>(std::max<int64_t>(1, tenth_ns));
      out.tenth_per_second.push_back(rate);
      tenth_ns = 0;
      tenth_done = done;
      next_tenth += tenth;
      if (size >= 100000) {
        std::cerr << "  ingest " << WithCommas(done) << " / " << WithCommas(size) << ": "
                  << WithCommas(static_cast<int64_t>(rate)) << " memories/s over the last tenth, "
                  << static_cast<int>(wall.ElapsedSeconds()) << " s elapsed\n";
      }
    }
  }
  out.requested = size;
  out.seconds = static_cast<double>(write_ns) / 1e9;
  out.generate_seconds = static_cast<double>(generate_ns) / 1e9;
  out.per_second = out.seconds > 0 ? static_cast<double>(size) / out.seconds : 0;
  return Status::Ok();
}

Status SingleWrites(MemoryService& service, SyntheticCorpus& corpus, int64_t n, IngestResult& out) {
  std::vector<double> latencies_ms;
  latencies_ms.reserve(static_cast<size_t>(n));
  int64_t total_ns = 0;
  for (int64_t i = 0; i < n; ++i) {
    RememberRequest req{corpus.Next()};
    Stopwatch sw;
    auto r = service.Remember(req);
    int64_t ns = sw.ElapsedNs();
    if (!r.ok()) return r.status().WithContext("Remember #" + std::to_string(i));
    total_ns += ns;
    latencies_ms.push_back(static_cast<double>(ns) / 1e6);
  }
  out.single_n = n;
  out.single_seconds = static_cast<double>(total_ns) / 1e9;
  out.single_per_second = out.single_seconds > 0 ? static_cast<double>(n) / out.single_seconds : 0;
  out.single_latency = Summarize(std::move(latencies_ms));
  return Status::Ok();
}

}  // namespace memex::bench
