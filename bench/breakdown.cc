#include "breakdown.h"

#include <algorithm>

#include "base/clock.h"
#include "retrieval/ranking.h"

namespace memex::bench {

Result<StageTimes> MeasureStages(Store& store, const RecallConfig& config, const Scope& scope,
                                 const std::string& name, const std::vector<std::string>& queries,
                                 int limit) {
  static constexpr const char* kStages[] = {"analyze", "search_text", "search_idents",
                                            "fuse",    "hydrate",     "record_access"};
  constexpr size_t kN = std::size(kStages);
  std::vector<std::vector<double>> ms(kN);
  SystemClock clock;
  SearchFilter filter;
  filter.scopes = {scope};
  StageTimes out;
  out.name = name;
  int64_t candidates = 0, matches = 0;
  for (const std::string& q : queries) {
    Stopwatch sw;
    auto lap = [&](size_t stage) {
      ms[stage].push_back(sw.ElapsedMs());
      sw.Restart();
    };
    QueryPlan plan = AnalyzeQuery(q, config);
    lap(0);
    TextResult text;
    if (!plan.terms.empty()) {
      ASSIGN_OR_RETURN(text, store.SearchText(TextQuery{plan.terms, filter, config.candidate_cap}));
    }
    lap(1);
    IdentResult idents;
    if (!plan.identifiers.empty()) {
      ASSIGN_OR_RETURN(idents,
                       store.SearchIdents(IdentQuery{plan.identifiers, filter, config.ident_cap}));
    }
    lap(2);
    std::vector<ScoredDoc> fused = FuseChannels(plan, text, idents, {}, clock.NowMs(), config);
    lap(3);
    std::vector<DocId> docs;
    for (size_t i = 0; i < fused.size() && i < static_cast<size_t>(limit); ++i) {
      docs.push_back(fused[i].doc);
    }
    ASSIGN_OR_RETURN(std::vector<Memory> hits, store.Hydrate(docs));
    lap(4);
    // The service batches these (AccessRecorder); one write per query is the unbatched cost.
    std::vector<AccessCount> accesses;
    for (const auto& m : hits) accesses.push_back({m.id, 1, clock.NowMs()});
    if (!accesses.empty()) RETURN_IF_ERROR(store.RecordAccess(accesses));
    lap(5);
    candidates += static_cast<int64_t>(text.candidates.size());
    matches += static_cast<int64_t>(idents.matches.size());
    out.windowed += text.windowed ? 1 : 0;
    out.pruned += text.pruned ? 1 : 0;
  }
  out.queries = static_cast<int64_t>(queries.size());
  for (size_t s = 0; s < kN; ++s) out.stages.emplace_back(kStages[s], Summarize(ms[s]));
  const double n = std::max<double>(1, static_cast<double>(queries.size()));
  out.mean_text_candidates = static_cast<double>(candidates) / n;
  out.mean_ident_matches = static_cast<double>(matches) / n;
  return out;
}

}  // namespace memex::bench
