#include "recall_bench.h"

#include <string>
#include <utility>
#include <vector>

#include "breakdown.h"
#include "measure.h"
#include "queries.h"
#include "rng.h"

namespace memex::bench {
namespace {

struct Tally {
  std::vector<double> latencies_ms;
  int64_t errors = 0;
  std::string first_error;
  int64_t hits = 0;
  int64_t empty = 0;

  void Add(const Tally& other) {
    latencies_ms.insert(latencies_ms.end(), other.latencies_ms.begin(), other.latencies_ms.end());
    errors += other.errors;
    if (first_error.empty()) first_error = other.first_error;
    hits += other.hits;
    empty += other.empty;
  }

  ClassLatency Finish(std::string name, std::string note) const {
    ClassLatency c;
    c.name = std::move(name);
    c.note = std::move(note);
    c.errors = errors;
    c.first_error = first_error;
    c.empty_results = empty;
    c.mean_hits = latencies_ms.empty()
                      ? 0
                      : static_cast<double>(hits) / static_cast<double>(latencies_ms.size());
    c.latency = Summarize(latencies_ms);
    return c;
  }
};

// Runs one query; records its latency (errors included: a failing query still costs time).
void RunOne(MemoryService& service, const RecallRequest& base, const std::string& query,
            Tally* tally) {
  RecallRequest req = base;
  req.query = query;
  Stopwatch sw;
  auto resp = service.Recall(req);
  double ms = sw.ElapsedMs();
  if (tally == nullptr) return;
  tally->latencies_ms.push_back(ms);
  if (!resp.ok()) {
    if (tally->errors++ == 0)
      tally->first_error = resp.status().ToString() + " (query: " + query + ")";
    return;
  }
  tally->hits += static_cast<int64_t>(resp->hits.size());
  if (resp->hits.empty()) ++tally->empty;
}

}  // namespace

Result<RecallResult> RunRecall(ServiceStack& stack, const Scope& scope,
                               const SyntheticCorpus& corpus, int64_t size,
                               const RecallOptions& opts) {
  MemoryService& service = stack.service();
  RecallResult result;
  result.limit = opts.limit;
  result.warmup = opts.warmup;
  result.per_class = opts.per_class;
  result.bar_p95_ms = RecallP95BarMs(size);

  std::vector<QuerySet> sets;
  std::vector<QuerySet> warm;
  const int warm_per_class = (opts.warmup + 4) / 5;
  for (QueryClass c : kAllQueryClasses) {
    sets.push_back(MakeQueries(corpus, c, opts.per_class, opts.seed));
    warm.push_back(MakeQueries(corpus, c, warm_per_class, opts.seed + 1000));
  }

  // One interleaved, shuffled schedule so that no class benefits from running after another.
  std::vector<std::pair<size_t, size_t>> schedule;  // (class index, query index)
  for (size_t c = 0; c < sets.size(); ++c) {
    for (size_t q = 0; q < sets[c].queries.size(); ++q) schedule.emplace_back(c, q);
  }
  Rng rng(opts.seed ^ 0x9e3779b9ULL);
  for (size_t i = schedule.size(); i > 1; --i) std::swap(schedule[i - 1], schedule[rng.Below(i)]);

  RecallRequest base;
  base.filter.scopes = {scope};
  base.limit = opts.limit;

  for (size_t k = 0; k < static_cast<size_t>(warm_per_class); ++k) {
    for (const auto& w : warm) {
      if (k < w.queries.size()) RunOne(service, base, w.queries[k], nullptr);
    }
  }
  std::vector<Tally> tallies(sets.size());
  for (const auto& [c, q] : schedule) RunOne(service, base, sets[c].queries[q], &tallies[c]);

  Tally all;
  for (size_t c = 0; c < sets.size(); ++c) {
    result.classes.push_back(
        tallies[c].Finish(std::string(QueryClassName(sets[c].cls)), sets[c].note));
    all.Add(tallies[c]);
  }
  result.overall = all.Finish("overall", "all classes");
  if (opts.breakdown) {
    for (const auto& set : sets) {
      ASSIGN_OR_RETURN(StageTimes st, MeasureStages(stack.store(), stack.config().recall, scope,
                                                    std::string(QueryClassName(set.cls)),
                                                    set.queries, opts.limit));
      result.stages.push_back(std::move(st));
    }
  }
  return result;
}

}  // namespace memex::bench
