#include "report.h"

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "server_report.h"

namespace memex::bench {
namespace {

using json = nlohmann::ordered_json;

std::string Fmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Fmt(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

const char* Verdict(bool pass) { return pass ? "PASS" : "FAIL"; }

bool IngestPasses(const IngestResult& r) { return r.per_second >= kIngestBarPerSecond; }

// The slowest class decides: the bar holds for common-term queries too.
double WorstP95(const RecallResult& r) {
  double worst = r.overall.latency.p95_ms;
  for (const auto& c : r.classes) worst = std::max(worst, c.latency.p95_ms);
  return worst;
}

bool RecallPasses(const RecallResult& r) {
  return r.bar_p95_ms <= 0 || WorstP95(r) <= r.bar_p95_ms;
}

bool SemanticIngestPasses(const SemanticScaleResult& r) {
  return r.embedded_per_second >= kSemanticIngestBarPerSecond;
}

const LocomoSystemResult* MemexLocomo(const BenchReport& report) {
  if (!report.locomo || !report.locomo->ran || report.locomo->systems.empty()) return nullptr;
  return &report.locomo->systems.front();
}

bool LocomoPasses(const LocomoSystemResult& m) {
  return m.categories_1_4.recall[2] >= kLocomoRecall10Bar &&
         m.categories_1_4.recall[1] >= kLocomoRecall5Bar &&
         m.nothing_elsewhere >= kLocomoNothingElsewhereBar;
}

double Mb(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

json LatencyJson(const LatencySummary& l) {
  return {{"n", l.n},           {"mean_ms", l.mean_ms}, {"p50_ms", l.p50_ms},
          {"p95_ms", l.p95_ms}, {"p99_ms", l.p99_ms},   {"max_ms", l.max_ms}};
}

json ClassJson(const ClassLatency& c) {
  return {{"class", c.name},
          {"note", c.note},
          {"errors", c.errors},
          {"first_error", c.first_error},
          {"mean_hits", c.mean_hits},
          {"empty_results", c.empty_results},
          {"latency", LatencyJson(c.latency)}};
}

json ScoresJson(const RetrievalScores& s) {
  json j = {{"questions", s.questions}, {"mrr", s.mrr}, {"ndcg_at_10", s.ndcg10}};
  for (size_t k = 0; k < kRecallDepths.size(); ++k) {
    j["recall_at_" + std::to_string(kRecallDepths[k])] = s.recall[k];
  }
  return j;
}

void PrintIngest(const BenchReport& report, std::ostream& out) {
  out << "\n== 1. Ingest: synthetic coding-agent memories, product defaults (durability normal) "
         "==\n";
  out << Fmt("%10s %14s %9s %10s %13s %22s   %s\n", "size", "batched mem/s", "build s", "stored",
             "single mem/s", "single p50/p95/p99 ms", "bar: batched >= 20,000/s");
  int64_t single_n = 0;
  int batch = 0;
  for (const auto& s : report.scales) {
    const IngestResult& r = s.ingest;
    single_n = std::max(single_n, r.single_n);
    batch = r.batch_size;
    std::string single = r.single_n ? WithCommas(static_cast<int64_t>(r.single_per_second)) : "-";
    std::string lat = r.single_n ? Fmt("%.2f / %.2f / %.2f", r.single_latency.p50_ms,
                                       r.single_latency.p95_ms, r.single_latency.p99_ms)
                                 : "-";
    out << Fmt("%10s %14s %9.2f %10s %13s %22s   %s\n", WithCommas(s.size).c_str(),
               WithCommas(static_cast<int64_t>(r.per_second)).c_str(), r.seconds,
               WithCommas(r.stored).c_str(), single.c_str(), lat.c_str(), Verdict(IngestPasses(r)));
  }
  for (const auto& s : report.scales) {
    if (s.ingest.tenth_per_second.empty() || s.size < 100000) continue;
    out << "Batched rate per tenth of the " << WithCommas(s.size) << " build (memories/s):";
    for (double r : s.ingest.tenth_per_second) out << " " << WithCommas(static_cast<int64_t>(r));
    out << "\n";
  }
  out << "Batched: RememberBatch in batches of " << batch
      << "; time inside the call only (validation, redaction, store).\n";
  if (single_n) {
    out << "Single: " << WithCommas(single_n)
        << " Remember calls (one transaction each) on top of each size; a full run of single\n"
           "writes (1M transactions) would take too long, so the rate is sampled.\n";
  }
}

void PrintRecall(const BenchReport& report, std::ostream& out) {
  const RecallResult* any = nullptr;
  for (const auto& s : report.scales) {
    if (s.recall) any = &*s.recall;
  }
  if (!any) return;
  out << "\n== 2. Recall latency: MemoryService::Recall, limit " << any->limit << ", one scope; "
      << any->warmup << " warm-up, " << any->per_class << " queries per class, interleaved ==\n";
  out << Fmt("%10s %-10s %6s %4s %6s %6s %8s %8s %8s %8s %8s   %s\n", "size", "class", "n", "err",
             "hits/q", "empty", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "bar p95");
  for (const auto& s : report.scales) {
    if (!s.recall) continue;
    const RecallResult& r = *s.recall;
    auto row = [&](const ClassLatency& c, bool first) {
      std::string bar = r.bar_p95_ms > 0 ? Fmt("<= %g ms %s", r.bar_p95_ms,
                                               Verdict(c.latency.p95_ms <= r.bar_p95_ms))
                                         : "-";
      out << Fmt("%10s %-10s %6lld %4lld %6.1f %6lld %8.3f %8.3f %8.3f %8.3f %8.3f   %s\n",
                 first ? WithCommas(s.size).c_str() : "", c.name.c_str(),
                 static_cast<long long>(c.latency.n), static_cast<long long>(c.errors), c.mean_hits,
                 static_cast<long long>(c.empty_results), c.latency.mean_ms, c.latency.p50_ms,
                 c.latency.p95_ms, c.latency.p99_ms, c.latency.max_ms, bar.c_str());
    };
    bool first = true;
    for (const auto& c : r.classes) {
      row(c, first);
      first = false;
    }
    row(r.overall, false);
  }
  const RecallResult& last = *any;
  out << "Query classes (at " << WithCommas(report.scales.back().size) << "):\n";
  for (const auto& c : last.classes) out << "  " << c.name << ": " << c.note << "\n";
  for (const auto& s : report.scales) {
    if (!s.recall) continue;
    for (const auto& c : s.recall->classes) {
      if (c.errors) {
        out << "  errors at " << WithCommas(s.size) << " (" << c.name << "): " << c.first_error
            << "\n";
      }
    }
  }
}

void PrintBreakdown(const BenchReport& report, std::ostream& out) {
  bool any = false;
  for (const auto& s : report.scales) any = any || (s.recall && !s.recall->stages.empty());
  if (!any) return;
  out << "\n== 2b. Recall stage breakdown (--breakdown): mean / p95 ms per stage ==\n";
  for (const auto& s : report.scales) {
    if (!s.recall || s.recall->stages.empty()) continue;
    const auto& first = s.recall->stages.front();
    out << Fmt("%10s %-10s", WithCommas(s.size).c_str(), "class");
    for (const auto& [stage, lat] : first.stages) out << Fmt(" %15s", stage.c_str());
    out << Fmt(" %9s %8s %8s\n", "text cand", "idents", "windowed");
    for (const auto& st : s.recall->stages) {
      out << Fmt("%10s %-10s", "", st.name.c_str());
      for (const auto& [stage, lat] : st.stages) {
        out << Fmt(" %15s", Fmt("%.3f / %.3f", lat.mean_ms, lat.p95_ms).c_str());
      }
      out << Fmt(" %9.0f %8.1f %8lld\n", st.mean_text_candidates, st.mean_ident_matches,
                 static_cast<long long>(st.windowed));
    }
  }
}

void PrintFootprint(const BenchReport& report, std::ostream& out) {
  out << "\n== 3. Footprint: database on disk after the build, process memory after recall ==\n";
  out << Fmt("%10s %14s %12s %10s %10s %10s %10s\n", "size", "db+wal bytes", "wal bytes",
             "bytes/mem", "live", "VmRSS MB", "VmHWM MB");
  bool reset = true;
  for (const auto& s : report.scales) {
    const Footprint& f = s.footprint;
    reset = reset && f.peak_reset;
    double per = s.size ? static_cast<double>(f.disk.total_bytes) / static_cast<double>(s.size) : 0;
    out << Fmt("%10s %14s %12s %10.0f %10s %10.1f %10.1f\n", WithCommas(s.size).c_str(),
               WithCommas(f.disk.total_bytes).c_str(), WithCommas(f.disk.wal_bytes).c_str(), per,
               WithCommas(f.live).c_str(), Mb(f.memory.rss_bytes), Mb(f.memory.hwm_bytes));
  }
  out << (reset ? "VmHWM is the peak of each size alone (reset through /proc/self/clear_refs).\n"
                : "VmHWM is the process peak so far (the kernel refused a reset).\n");
}

void PrintSemantic(const BenchReport& report, std::ostream& out) {
  if (report.semantic.empty()) return;
  const SemanticScaleResult& any = report.semantic.front();
  out << "\n== Semantic (issue 5): " << any.model << " (dim " << any.dim << ", "
      << any.embed_threads
      << " embedding threads) + vector index, product defaults, recall "
         "cache off ==\n";
  out << Fmt("%10s %10s %10s %11s %9s %10s %9s %9s %7s %7s %9s %10s   %s\n", "size", "stored",
             "writes/s", "embedded/s", "embed s", "lag s", "index s", "cold s", "save s", "load s",
             "vectors", "index MB", "bar: embedded >= 300/s");
  for (const auto& r : report.semantic) {
    out << Fmt("%10s %10s %10s %11s %9.1f %10.1f %9.2f %9.2f %7.2f %7.2f %9s %10.1f   %s%s\n",
               WithCommas(r.size).c_str(), WithCommas(r.stored).c_str(),
               WithCommas(static_cast<int64_t>(r.writes_per_second)).c_str(),
               WithCommas(static_cast<int64_t>(r.embedded_per_second)).c_str(), r.embedded_seconds,
               r.embed_lag_seconds, r.index_build_seconds, r.cold_index_seconds, r.save_seconds,
               r.load_seconds, WithCommas(r.index_vectors).c_str(), Mb(r.index_memory_bytes),
               Verdict(SemanticIngestPasses(r)),
               r.pending_after
                   ? Fmt(" (%lld still pending)", static_cast<long long>(r.pending_after)).c_str()
                   : "");
  }
  out << "Ingest: RememberBatch of " << any.batch_size
      << " with the background EmbeddingWorker running; writes/s over the writes alone,\n"
         "embedded/s = memories / wall time from the first write until every memory had its "
         "vector (lag: after the\nlast write). index s: from then until the first recall "
         "returned (the index catching up: vectors\nread, HNSW graph built past "
         "vector.hnsw_threshold); cold s: a fresh SemanticIndex over the whole store\n"
         "(a restart without saved files); save s / load s: SemanticIndex::Persist, then a fresh\n"
         "index loading the saved files (a restart with them)\n"
         "(a restarted server's first recall).\n";
  out << "Recall with the query embedded (" << any.recall.warmup << " warm-up, "
      << any.recall.per_class << " queries per class, interleaved):\n";
  out << Fmt("%10s %-10s %6s %4s %6s %6s %8s %8s %8s %8s %8s   %s\n", "size", "class", "n", "err",
             "hits/q", "empty", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "bar p95");
  for (const auto& s : report.semantic) {
    const RecallResult& r = s.recall;
    bool first = true;
    auto row = [&](const ClassLatency& c) {
      std::string bar = r.bar_p95_ms > 0 ? Fmt("<= %g ms %s", r.bar_p95_ms,
                                               Verdict(c.latency.p95_ms <= r.bar_p95_ms))
                                         : "-";
      out << Fmt("%10s %-10s %6lld %4lld %6.1f %6lld %8.3f %8.3f %8.3f %8.3f %8.3f   %s\n",
                 first ? WithCommas(s.size).c_str() : "", c.name.c_str(),
                 static_cast<long long>(c.latency.n), static_cast<long long>(c.errors), c.mean_hits,
                 static_cast<long long>(c.empty_results), c.latency.mean_ms, c.latency.p50_ms,
                 c.latency.p95_ms, c.latency.p99_ms, c.latency.max_ms, bar.c_str());
      first = false;
    };
    for (const auto& c : r.classes) row(c);
    row(r.overall);
    for (const auto& c : r.classes) {
      if (c.errors) {
        out << "  errors at " << WithCommas(s.size) << " (" << c.name << "): " << c.first_error
            << "\n";
      }
    }
  }
  out << "The semantic stages alone, same queries (mean / p50 / p95 ms):\n";
  for (const auto& s : report.semantic) {
    out << Fmt(
        "%10s  query embedding %.3f / %.3f / %.3f   vector search (%s vectors, %s) "
        "%.3f / %.3f / %.3f\n",
        WithCommas(s.size).c_str(), s.embed_latency.mean_ms, s.embed_latency.p50_ms,
        s.embed_latency.p95_ms, WithCommas(s.index_vectors).c_str(), s.hnsw ? "HNSW" : "exact",
        s.search_latency.mean_ms, s.search_latency.p50_ms, s.search_latency.p95_ms);
  }
}

void PrintLocomo(const BenchReport& report, std::ostream& out) {
  if (!report.locomo) return;
  const LocomoResult& l = *report.locomo;
  if (!l.ran) {
    out << "\n== 4. LoCoMo retrieval-only: skipped — " << l.skipped << " ==\n";
    return;
  }
  out << "\n== 4. LoCoMo retrieval-only: " << l.conversations << " conversations, "
      << WithCommas(l.turns) << " turns (" << WithCommas(l.memories) << " memories), "
      << l.questions_scored << " of " << l.questions_total << " questions scored ==\n";
  out << Fmt("%-18s %-14s %5s %6s %6s %6s %6s %6s %8s   %s\n", "system", "category", "n", "R@1",
             "R@5", "R@10", "R@20", "MRR", "nDCG@10", "bar: R@10 >= 0.80, R@5 >= 0.70");
  for (const auto& sys : l.systems) {
    auto row = [&](const std::string& cat, const RetrievalScores& s, const std::string& bar) {
      out << Fmt("%-18s %-14s %5lld %6.3f %6.3f %6.3f %6.3f %6.3f %8.3f   %s\n", sys.name.c_str(),
                 cat.c_str(), static_cast<long long>(s.questions), s.recall[0], s.recall[1],
                 s.recall[2], s.recall[3], s.mrr, s.ndcg10, bar.c_str());
    };
    for (int c = 1; c <= kLocomoCategories; ++c) {
      row(std::to_string(c) + " " + std::string(LocomoCategoryName(c)),
          sys.by_category[static_cast<size_t>(c - 1)], "");
    }
    bool is_memex = &sys == &l.systems.front();
    row("1-4", sys.categories_1_4,
        is_memex ? Verdict(sys.categories_1_4.recall[2] >= kLocomoRecall10Bar &&
                           sys.categories_1_4.recall[1] >= kLocomoRecall5Bar)
                 : "(reference)");
    row("all (1-5)", sys.all, "");
  }
  for (const auto& sys : l.systems) {
    if (sys.nothing_elsewhere >= 0) {
      out << Fmt(
          "%-18s false injection: asked in another conversation, %.1f%% of questions (1-4) "
          "got nothing (the relevance gate; bar >= %.0f%%) %s; embedding took %.1f s\n",
          sys.name.c_str(), 100.0 * sys.nothing_elsewhere, 100.0 * kLocomoNothingElsewhereBar,
          Verdict(sys.nothing_elsewhere >= kLocomoNothingElsewhereBar), sys.embed_seconds);
    }
  }
  out << "Latency per question:\n";
  for (const auto& sys : l.systems) {
    out << Fmt("  %-18s mean %.3f ms, p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.3f ms%s\n",
               sys.name.c_str(), sys.latency.mean_ms, sys.latency.p50_ms, sys.latency.p95_ms,
               sys.latency.p99_ms, sys.latency.max_ms,
               sys.errors ? Fmt(" — %lld errors, first: %s", static_cast<long long>(sys.errors),
                                sys.first_error.c_str())
                                .c_str()
                          : "");
  }
  out << "Evidence: " << l.questions_skipped << " questions skipped (no evidence left), "
      << l.evidence_dropped << " evidence ids dropped (not in their conversation). memex ingest "
      << Fmt("%.2f s", l.ingest_seconds) << ".\n";
}

void PrintCoding(const CodingResult& c, std::ostream& out) {
  if (!c.ran) {
    out << "\n== 5. Coding-memory eval: skipped — " << c.skipped << " ==\n";
    return;
  }
  out << "\n== 5. Coding-memory eval: " << c.memories << " memories in " << c.projects
      << " projects (" << c.updates << " stored through Update), "
      << c.answerable.queries + c.no_answer.queries << " queries, Recall in the query's project, "
      << "limit " << c.limit << "; no bars yet ==\n";
  out << Fmt("%-12s %5s %6s %6s %6s %6s %7s %6s %6s %6s %8s %8s %8s\n", "type", "n", "R@1", "R@5",
             "R@10", "MRR", "nothing", "stale", "FP", "hits/q", "top p50", "top p90", "top max");
  auto row = [&](const CodingTypeScores& t) {
    auto num = [](bool show, double v) { return show ? Fmt("%.3f", v) : std::string("-"); };
    const bool a = t.answerable;
    const bool latest = t.type == "latest";
    out << Fmt("%-12s %5lld %6s %6s %6s %6s %7s %6s %6s %6.1f %8.3f %8.3f %8.3f\n", t.type.c_str(),
               static_cast<long long>(t.queries), num(a, t.recall_at_1).c_str(),
               num(a, t.recall_at_5).c_str(), num(a, t.recall_at_10).c_str(), num(a, t.mrr).c_str(),
               num(a, t.nothing_returned).c_str(), num(latest, t.stale_rate).c_str(),
               num(!a, t.false_positive_rate).c_str(), t.mean_hits, t.top_score.p50,
               t.top_score.p90, t.top_score.max);
  };
  for (const auto& t : c.types) {
    if (t.answerable) row(t);
  }
  row(c.answerable);
  for (const auto& t : c.types) {
    if (!t.answerable) row(t);
  }
  row(c.no_answer);
  out << Fmt("Latency per query: p50 %.3f ms, p95 %.3f ms, max %.3f ms. Ingest %.2f s.",
             c.latency.p50_ms, c.latency.p95_ms, c.latency.max_ms, c.ingest_seconds);
  if (c.errors) {
    out << " " << c.errors << " recall errors, first: " << c.first_error;
  }
  if (c.redactions || c.collapsed) {
    out << Fmt(" %lld redactions, %lld memories collapsed into others.",
               static_cast<long long>(c.redactions), static_cast<long long>(c.collapsed));
  }
  out << "\nR@k: an expected memory in the top k; nothing: answerable queries with no hit; stale: "
         "an outdated\nmemory of the chain ranked above the current one; FP: queries that should "
         "return nothing and\nreturned something; top: score of the first hit (0 when none). "
         "Per-query ranks are in the JSON.\n";
}

}  // namespace

bool AllBarsPass(const BenchReport& report) {
  for (const auto& s : report.scales) {
    if (!IngestPasses(s.ingest)) return false;
    if (s.recall && !RecallPasses(*s.recall)) return false;
  }
  for (const auto& s : report.semantic) {
    if (!SemanticIngestPasses(s) || !RecallPasses(s.recall)) return false;
  }
  if (const auto* m = MemexLocomo(report); m && !LocomoPasses(*m)) return false;
  if (report.server && !ServerPasses(*report.server)) return false;
  if (report.hook && !HookPasses(*report.hook)) return false;
  return true;
}

void PrintReport(const BenchReport& report, std::ostream& out) {
  const MachineInfo& m = report.machine;
  out << "memex_bench " << report.started_utc << "  commit "
      << (m.git_commit.empty() ? "unknown" : m.git_commit.substr(0, 12))
      << (m.git_dirty ? " (dirty)" : "") << "  " << m.build_type << "  " << m.compiler << "\n"
      << m.nproc << " cpus (" << m.cpu_model << "), "
      << Fmt("%.1f GB", Mb(m.mem_total_bytes) / 1024) << " RAM, " << m.kernel << ", SQLite "
      << m.sqlite_version << "\n";
  if (m.build_type != "release")
    out << "WARNING: not a release build; numbers are not meaningful\n";
  if (!report.scales.empty()) {
    PrintIngest(report, out);
    PrintRecall(report, out);
    PrintBreakdown(report, out);
    PrintFootprint(report, out);
  }
  PrintSemantic(report, out);
  PrintLocomo(report, out);
  if (report.coding) PrintCoding(*report.coding, out);
  if (report.server) PrintServer(*report.server, out);
  if (report.hook) {
    out << "\n== Hook ==\n";
    PrintHookBench(*report.hook, out);
  }

  out << "\n== Bars ==\n";
  for (const auto& s : report.scales) {
    out << Fmt("  ingest  %9s  batched %s memories/s  >= 20,000/s     %s\n",
               WithCommas(s.size).c_str(),
               WithCommas(static_cast<int64_t>(s.ingest.per_second)).c_str(),
               Verdict(IngestPasses(s.ingest)));
    if (s.recall && s.recall->bar_p95_ms > 0) {
      out << Fmt("  recall  %9s  worst class p95 %.3f ms  <= %g ms     %s\n",
                 WithCommas(s.size).c_str(), WorstP95(*s.recall), s.recall->bar_p95_ms,
                 Verdict(RecallPasses(*s.recall)));
    }
  }
  for (const auto& s : report.semantic) {
    out << Fmt("  semantic ingest %9s  with embeddings %s memories/s  >= %s/s     %s\n",
               WithCommas(s.size).c_str(),
               WithCommas(static_cast<int64_t>(s.embedded_per_second)).c_str(),
               WithCommas(static_cast<int64_t>(kSemanticIngestBarPerSecond)).c_str(),
               Verdict(SemanticIngestPasses(s)));
    if (s.recall.bar_p95_ms > 0) {
      out << Fmt(
          "  semantic recall %9s  incl. query embedding, worst class p95 %.3f ms (overall "
          "%.3f ms)  <= %g ms     %s\n",
          WithCommas(s.size).c_str(), WorstP95(s.recall), s.recall.overall.latency.p95_ms,
          s.recall.bar_p95_ms, Verdict(RecallPasses(s.recall)));
    }
  }
  if (const auto* mx = MemexLocomo(report)) {
    out << Fmt(
        "  locomo  %s: recall@10 (categories 1-4) %.3f >= %.2f, recall@5 %.3f >= %.2f, "
        "nothing elsewhere %.1f%% >= %.0f%%     %s\n",
        mx->name.c_str(), mx->categories_1_4.recall[2], kLocomoRecall10Bar,
        mx->categories_1_4.recall[1], kLocomoRecall5Bar, 100.0 * mx->nothing_elsewhere,
        100.0 * kLocomoNothingElsewhereBar, Verdict(LocomoPasses(*mx)));
  }
  if (report.server) PrintServerBars(*report.server, out);
  if (report.hook) {
    out << Fmt("  hook    p99 %.2f ms (server up) <= %g ms, %.2f ms (spooling) <= %g ms     %s\n",
               report.hook->server_up.latency.p99_ms, kHookBarUpP99Ms,
               report.hook->spooling.latency.p99_ms, kHookBarSpoolP99Ms,
               Verdict(HookPasses(*report.hook)));
  }
  out << Fmt("Total %.1f s. Overall: %s\n", report.total_seconds,
             AllBarsPass(report) ? "all bars PASS" : "some bars FAIL");
}

nlohmann::ordered_json ReportToJson(const BenchReport& report) {
  const MachineInfo& m = report.machine;
  json j;
  j["started_utc"] = report.started_utc;
  j["total_seconds"] = report.total_seconds;
  j["args"] = report.args;
  j["seed"] = report.seed;
  j["machine"] = {{"nproc", m.nproc},
                  {"cpu_model", m.cpu_model},
                  {"mem_total_bytes", m.mem_total_bytes},
                  {"kernel", m.kernel},
                  {"compiler", m.compiler},
                  {"build_type", m.build_type},
                  {"sqlite_version", m.sqlite_version},
                  {"git_commit", m.git_commit},
                  {"git_dirty", m.git_dirty}};
  j["bars"] = {{"ingest_batched_per_second_min", kIngestBarPerSecond},
               {"recall_p95_ms_max_up_to_100k", kRecallP95BarMsUpTo100k},
               {"recall_p95_ms_max_up_to_1m", kRecallP95BarMsUpTo1M},
               {"semantic_recall_p95_ms_max_up_to_100k", kSemanticRecallP95BarMs},
               {"semantic_ingest_embedded_per_second_min", kSemanticIngestBarPerSecond},
               {"locomo_recall_at_10_cat_1_4_min", kLocomoRecall10Bar},
               {"locomo_recall_at_5_cat_1_4_min", kLocomoRecall5Bar},
               {"locomo_nothing_elsewhere_min", kLocomoNothingElsewhereBar},
               {"server_overhead_p50_ms_max", kServerOverheadP50BarMs},
               {"server_throughput_per_second_min", kServerThroughputBarPerSecond},
               {"all_pass", AllBarsPass(report)}};
  j["scales"] = json::array();
  for (const auto& s : report.scales) {
    const IngestResult& in = s.ingest;
    json sj;
    sj["size"] = s.size;
    sj["ingest"] = {{"batch_size", in.batch_size},
                    {"requested", in.requested},
                    {"stored", in.stored},
                    {"seconds", in.seconds},
                    {"per_second", in.per_second},
                    {"generate_seconds", in.generate_seconds},
                    {"tenth_per_second", in.tenth_per_second},
                    {"pass", IngestPasses(in)},
                    {"single_n", in.single_n},
                    {"single_seconds", in.single_seconds},
                    {"single_per_second", in.single_per_second},
                    {"single_latency", LatencyJson(in.single_latency)}};
    const Footprint& f = s.footprint;
    sj["footprint"] = {
        {"disk_total_bytes", f.disk.total_bytes},
        {"disk_wal_bytes", f.disk.wal_bytes},
        {"disk_shm_bytes", f.disk.shm_bytes},
        {"bytes_per_memory",
         s.size ? static_cast<double>(f.disk.total_bytes) / static_cast<double>(s.size) : 0.0},
        {"live", f.live},
        {"vm_rss_bytes", f.memory.rss_bytes},
        {"vm_hwm_bytes", f.memory.hwm_bytes},
        {"peak_reset", f.peak_reset}};
    if (s.recall) {
      const RecallResult& r = *s.recall;
      json classes = json::array();
      for (const auto& c : r.classes) classes.push_back(ClassJson(c));
      json stages = json::array();
      for (const auto& st : r.stages) {
        json sj2 = {{"class", st.name},
                    {"queries", st.queries},
                    {"mean_text_candidates", st.mean_text_candidates},
                    {"mean_ident_matches", st.mean_ident_matches},
                    {"windowed", st.windowed},
                    {"pruned", st.pruned}};
        for (const auto& [stage, lat] : st.stages) sj2["stages"][stage] = LatencyJson(lat);
        stages.push_back(std::move(sj2));
      }
      sj["recall_stages"] = std::move(stages);
      sj["recall"] = {{"limit", r.limit},
                      {"warmup", r.warmup},
                      {"per_class", r.per_class},
                      {"classes", classes},
                      {"overall", ClassJson(r.overall)},
                      {"bar_p95_ms", r.bar_p95_ms},
                      {"worst_p95_ms", WorstP95(r)},
                      {"pass", RecallPasses(r)}};
    }
    j["scales"].push_back(std::move(sj));
  }
  if (!report.semantic.empty()) {
    json sem = json::array();
    for (const auto& s : report.semantic) {
      const RecallResult& r = s.recall;
      json classes = json::array();
      for (const auto& c : r.classes) classes.push_back(ClassJson(c));
      sem.push_back({{"size", s.size},
                     {"model", s.model},
                     {"dim", s.dim},
                     {"embed_threads", s.embed_threads},
                     {"batch_size", s.batch_size},
                     {"stored", s.stored},
                     {"write_seconds", s.write_seconds},
                     {"writes_per_second", s.writes_per_second},
                     {"embedded_seconds", s.embedded_seconds},
                     {"embedded_per_second", s.embedded_per_second},
                     {"embed_lag_seconds", s.embed_lag_seconds},
                     {"pending_after", s.pending_after},
                     {"ingest_pass", SemanticIngestPasses(s)},
                     {"index_build_seconds", s.index_build_seconds},
                     {"cold_index_seconds", s.cold_index_seconds},
                     {"save_seconds", s.save_seconds},
                     {"load_seconds", s.load_seconds},
                     {"index_vectors", s.index_vectors},
                     {"hnsw", s.hnsw},
                     {"index_memory_bytes", s.index_memory_bytes},
                     {"embed_latency", LatencyJson(s.embed_latency)},
                     {"search_latency", LatencyJson(s.search_latency)},
                     {"vm_rss_bytes", s.memory.rss_bytes},
                     {"vm_hwm_bytes", s.memory.hwm_bytes},
                     {"recall",
                      {{"limit", r.limit},
                       {"warmup", r.warmup},
                       {"per_class", r.per_class},
                       {"classes", classes},
                       {"overall", ClassJson(r.overall)},
                       {"bar_p95_ms", r.bar_p95_ms},
                       {"worst_p95_ms", WorstP95(r)},
                       {"pass", RecallPasses(r)}}}});
    }
    j["semantic"] = std::move(sem);
  }
  if (report.locomo) {
    const LocomoResult& l = *report.locomo;
    json lj = {{"ran", l.ran},
               {"skipped", l.skipped},
               {"path", l.path},
               {"conversations", l.conversations},
               {"turns", l.turns},
               {"memories", l.memories},
               {"questions_total", l.questions_total},
               {"questions_scored", l.questions_scored},
               {"questions_skipped", l.questions_skipped},
               {"evidence_dropped", l.evidence_dropped},
               {"ingest_seconds", l.ingest_seconds}};
    lj["systems"] = json::array();
    for (const auto& sys : l.systems) {
      json cats = json::object();
      for (int c = 1; c <= kLocomoCategories; ++c) {
        json cj = ScoresJson(sys.by_category[static_cast<size_t>(c - 1)]);
        cj["name"] = LocomoCategoryName(c);
        cats[std::to_string(c)] = std::move(cj);
      }
      lj["systems"].push_back({{"name", sys.name},
                               {"by_category", cats},
                               {"categories_1_4", ScoresJson(sys.categories_1_4)},
                               {"all", ScoresJson(sys.all)},
                               {"latency", LatencyJson(sys.latency)},
                               {"semantic", sys.semantic},
                               {"embed_seconds", sys.embed_seconds},
                               {"nothing_elsewhere", sys.nothing_elsewhere},
                               {"errors", sys.errors},
                               {"first_error", sys.first_error}});
    }
    if (const auto* mx = MemexLocomo(report)) {
      lj["pass"] = LocomoPasses(*mx);
    }
    j["locomo"] = std::move(lj);
  }
  if (report.coding) {
    const CodingResult& c = *report.coding;
    auto type_json = [](const CodingTypeScores& t) {
      json tj = {{"type", t.type}, {"answerable", t.answerable}, {"queries", t.queries}};
      if (t.answerable) {
        tj["recall_at_1"] = t.recall_at_1;
        tj["recall_at_5"] = t.recall_at_5;
        tj["recall_at_10"] = t.recall_at_10;
        tj["mrr"] = t.mrr;
        tj["nothing_returned_rate"] = t.nothing_returned;
        if (t.type == "latest") tj["stale_rate"] = t.stale_rate;
      } else {
        tj["false_positive_rate"] = t.false_positive_rate;
      }
      tj["mean_hits"] = t.mean_hits;
      tj["top_score"] = {{"mean", t.top_score.mean},
                         {"p50", t.top_score.p50},
                         {"p90", t.top_score.p90},
                         {"max", t.top_score.max}};
      return tj;
    };
    json cj = {{"ran", c.ran},
               {"skipped", c.skipped},
               {"path", c.path},
               {"projects", c.projects},
               {"memories", c.memories},
               {"updates", c.updates},
               {"collapsed", c.collapsed},
               {"redactions", c.redactions},
               {"ingest_seconds", c.ingest_seconds},
               {"limit", c.limit}};
    if (c.ran) {
      json types = json::array();
      for (const auto& t : c.types) types.push_back(type_json(t));
      cj["types"] = std::move(types);
      cj["answerable"] = type_json(c.answerable);
      cj["no_answer"] = type_json(c.no_answer);
      cj["latency"] = LatencyJson(c.latency);
      cj["errors"] = c.errors;
      cj["first_error"] = c.first_error;
      json queries = json::array();
      for (const auto& o : c.outcomes) {
        queries.push_back({{"id", o.id},
                           {"type", o.type},
                           {"rank", o.rank},
                           {"hits", o.hits},
                           {"stale", o.stale},
                           {"top_score", o.top_score},
                           {"top", o.top}});
      }
      cj["queries"] = std::move(queries);
    }
    j["coding"] = std::move(cj);
  }
  if (report.server) j["server"] = ServerToJson(*report.server);
  if (report.hook) {
    const HookBenchResult& h = *report.hook;
    auto lat = [](const HookCase& c) {
      return json{{"runs", c.runs},
                  {"unexpected_output", c.unexpected_output},
                  {"p50_ms", c.latency.p50_ms},
                  {"p95_ms", c.latency.p95_ms},
                  {"p99_ms", c.latency.p99_ms},
                  {"max_ms", c.latency.max_ms}};
    };
    j["hook"] = {{"server_up", lat(h.server_up)},
                 {"spooling", lat(h.spooling)},
                 {"spooled_lines", h.spooled_lines},
                 {"drain_ms", h.drain_ms},
                 {"spool_left", h.spool_left},
                 {"bars",
                  {{"server_up_p99_ms_max", kHookBarUpP99Ms},
                   {"spooling_p99_ms_max", kHookBarSpoolP99Ms},
                   {"pass", HookPasses(h)}}}};
  }
  return j;
}

Result<std::string> WriteReportJson(const BenchReport& report, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return FailedPrecondition("cannot create " + dir + ": " + ec.message());
  std::string text = ReportToJson(report).dump(2) + "\n";
  std::string stamped =
      dir + "/" + (report.file_stamp.empty() ? UtcTimestamp(true) : report.file_stamp) + ".json";
  for (const std::string& path : {stamped, dir + "/latest.json"}) {
    std::ofstream f(path, std::ios::trunc);
    f << text;
    f.flush();
    if (!f) return FailedPrecondition("cannot write " + path);
  }
  return stamped;
}

}  // namespace memex::bench
