#include "locomo_bench.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unordered_map>
#include <vector>

#include "core/scope.h"
#include "fts_baseline.h"
#include "locomo.h"
#include "measure.h"
#include "service_stack.h"

namespace memex::bench {
namespace {

constexpr int kDepth = 20;  // hits asked for: the deepest recall@k

struct Run {
  ScoreTable scores;
  std::vector<double> latencies_ms;
  int64_t errors = 0;
  std::string first_error;

  LocomoSystemResult Finish(std::string name) const {
    LocomoSystemResult r;
    r.name = std::move(name);
    for (int c = 1; c <= kLocomoCategories; ++c) {
      r.by_category[static_cast<size_t>(c - 1)] = scores.Category(c);
    }
    r.categories_1_4 = scores.Categories1To4();
    r.all = scores.All();
    r.latency = Summarize(latencies_ms);
    r.errors = errors;
    r.first_error = first_error;
    return r;
  }

  void Fail(const Status& st, const std::string& question) {
    if (errors++ == 0) first_error = st.ToString() + " (question: " + question + ")";
  }
};

// One line of the feature dump: a question and every candidate with its channels.
// {"conv":c,"q":i,"text":question,"cat":k,"elsewhere":0|1,"gold":n,"cands":[[mask,pos,text,coverage,exact,
//  similarity,recency,bm25,score,context,time],...]} where mask has bit j set when the candidate
//  covers gold[j]
// and pos is the candidate's turn index in its conversation (-1 when unknown).
void DumpQuestion(std::ostream& out, size_t conv, size_t qi, const LocomoQuestion& q,
                  bool elsewhere, const RecallResponse& resp,
                  const std::unordered_map<std::string, std::vector<std::string>>& dia_of,
                  const std::unordered_map<std::string, int64_t>& pos_of) {
  auto quoted = [](std::string_view text) {
    std::string s = "\"";
    for (char ch : text) {
      if (ch == '"' || ch == '\\') {
        s += '\\';
        s += ch;
      } else if (static_cast<unsigned char>(ch) < 0x20) {
        s += ' ';
      } else {
        s += ch;
      }
    }
    return s + "\"";
  };
  out << "{\"conv\":" << conv << ",\"q\":" << qi << ",\"text\":" << quoted(q.question)
      << ",\"cat\":" << q.category << ",\"elsewhere\":" << (elsewhere ? 1 : 0)
      << ",\"gold\":" << q.gold.size() << ",\"cands\":[";
  char buf[256];
  for (size_t i = 0; i < resp.hits.size(); ++i) {
    const RankedHit& h = resp.hits[i];
    int64_t mask = 0;
    int64_t pos = -1;
    if (auto it = dia_of.find(h.memory.id); it != dia_of.end() && !elsewhere) {
      for (const auto& dia : it->second) {
        for (size_t g = 0; g < q.gold.size() && g < 62; ++g) {
          if (q.gold[g] == dia) mask |= int64_t{1} << g;
        }
      }
    }
    if (auto it = pos_of.find(h.memory.id); it != pos_of.end()) pos = it->second;
    const ChannelScores& c = h.channels;
    std::snprintf(buf, sizeof buf, "%s[%lld,%lld,%.5f,%.5f,%.5f,%.5f,%.6f,%.4f,%.5f,%.5f,%.1f]",
                  i ? "," : "", static_cast<long long>(mask), static_cast<long long>(pos), c.text,
                  c.coverage, c.exact, c.similarity, c.recency, c.bm25, h.score, c.context, c.time);
    out << buf;
  }
  out << "]}\n";
}

Scope ConversationScope(const std::string& sample_id) {
  std::string project = SanitizeScopeName(sample_id);
  return Scope{"locomo", project.empty() ? "conv" : project};
}

Result<LocomoSystemResult> RunMemex(const LocomoDataset& ds, const std::string& tmp_parent,
                                    const EvalSettings& settings, LocomoResult& out,
                                    bool semantic) {
  std::ofstream dump;
  Config config = settings.config;
  if (semantic) RETURN_IF_ERROR(OpenDump(settings, "locomo", dump, config));
  ASSIGN_OR_RETURN(std::unique_ptr<ServiceStack> stack,
                   ServiceStack::Open(tmp_parent, config, semantic));
  out.memories = 0;
  // Memory id -> the dia_ids it stands for (identical turns collapse into one memory), and the
  // turn index of its first occurrence.
  std::unordered_map<std::string, std::vector<std::string>> dia_of;
  std::unordered_map<std::string, int64_t> pos_of;
  Stopwatch ingest;
  for (const auto& conv : ds.conversations) {
    std::vector<RememberRequest> reqs;
    reqs.reserve(conv.turns.size());
    for (const auto& t : conv.turns) {
      RememberRequest req;
      req.memory.scope = ConversationScope(conv.sample_id);
      req.memory.kind = Kind::kEpisode;
      req.memory.origin = Origin::kImport;
      req.memory.content = t.content;
      req.memory.created_ms = t.created_ms;
      // The speaker wrote the turn: memex's agent (author) field, which the agent channel reads.
      req.memory.agent = t.speaker;
      // Each LoCoMo session is a memex session ("D3:7" is turn 7 of session 3): recall's context
      // channel finds the turns around a hit. Turns share their session's time, so write order
      // decides which turn is next to which.
      req.memory.session = conv.sample_id + "-" + t.dia_id.substr(0, t.dia_id.find(':'));
      reqs.push_back(std::move(req));
    }
    ASSIGN_OR_RETURN(std::vector<RememberResult> results, stack->service().RememberBatch(reqs));
    for (size_t i = 0; i < results.size(); ++i) {
      auto& ids = dia_of[results[i].id];
      if (ids.empty()) ++out.memories;
      pos_of.emplace(results[i].id, static_cast<int64_t>(i));
      ids.push_back(conv.turns[i].dia_id);
    }
  }
  out.ingest_seconds = ingest.ElapsedSeconds();
  Stopwatch embed;
  ASSIGN_OR_RETURN(int64_t embedded, stack->EmbedPending());
  const double embed_seconds = embed.ElapsedSeconds();
  if (semantic) {
    std::cerr << "[locomo] embedded " << embedded << " memories in " << embed_seconds << " s\n";
  }

  const bool dumping = dump.is_open();
  Run run;
  for (size_t c = 0; c < ds.conversations.size(); ++c) {
    const LocomoConversation& conv = ds.conversations[c];
    RecallRequest req;
    req.filter.scopes = {ConversationScope(conv.sample_id)};
    req.limit = dumping ? kDumpLimit : kDepth;
    req.explain = dumping;
    for (size_t qi = 0; qi < conv.questions.size(); ++qi) {
      const LocomoQuestion& q = conv.questions[qi];
      req.query = q.question;
      Stopwatch sw;
      auto resp = stack->service().Recall(req);
      run.latencies_ms.push_back(sw.ElapsedMs());
      std::vector<std::vector<std::string>> ranked;
      if (resp.ok()) {
        for (const auto& hit : resp->hits) {
          auto it = dia_of.find(hit.memory.id);
          ranked.push_back(it == dia_of.end() ? std::vector<std::string>{} : it->second);
        }
        if (dumping) DumpQuestion(dump, c, qi, q, false, *resp, dia_of, pos_of);
      } else {
        run.Fail(resp.status(), q.question);
      }
      run.scores.Add(q.category, ScoreRanking(ranked, q.gold));
    }
  }
  LocomoSystemResult result = run.Finish(semantic ? "memex semantic" : "memex lexical");
  result.semantic = semantic;
  result.embed_seconds = embed_seconds;
  if (semantic && ds.conversations.size() > 1) {
    // False injection: each question asked where its answer is not (the next conversation).
    int64_t asked = 0, empty = 0;
    for (size_t c = 0; c < ds.conversations.size(); ++c) {
      RecallRequest req;
      req.filter.scopes = {
          ConversationScope(ds.conversations[(c + 1) % ds.conversations.size()].sample_id)};
      req.limit = dumping ? kDumpLimit : kDepth;
      req.explain = dumping;
      const auto& questions = ds.conversations[c].questions;
      for (size_t qi = 0; qi < questions.size(); ++qi) {
        const LocomoQuestion& q = questions[qi];
        if (q.category < 1 || q.category > 4) continue;
        req.query = q.question;
        auto resp = stack->service().Recall(req);
        ++asked;
        if (resp.ok() && resp->hits.empty()) ++empty;
        if (resp.ok() && dumping) DumpQuestion(dump, c, qi, q, true, *resp, dia_of, pos_of);
      }
    }
    result.nothing_elsewhere = asked == 0 ? -1 : static_cast<double>(empty) / asked;
  }
  return result;
}

Result<LocomoSystemResult> RunBaseline(const LocomoDataset& ds) {
  ASSIGN_OR_RETURN(std::unique_ptr<FtsBaseline> fts, FtsBaseline::Create());
  for (size_t c = 0; c < ds.conversations.size(); ++c) {
    std::vector<std::string> docs;
    for (const auto& t : ds.conversations[c].turns) docs.push_back(t.content);
    RETURN_IF_ERROR(fts->AddConversation(static_cast<int>(c), docs));
  }
  Run run;
  for (size_t c = 0; c < ds.conversations.size(); ++c) {
    const auto& conv = ds.conversations[c];
    for (const auto& q : conv.questions) {
      Stopwatch sw;
      auto rows = fts->Search(static_cast<int>(c), q.question, kDepth);
      run.latencies_ms.push_back(sw.ElapsedMs());
      std::vector<std::vector<std::string>> ranked;
      if (rows.ok()) {
        for (int64_t row : *rows) ranked.push_back({conv.turns[static_cast<size_t>(row)].dia_id});
      } else {
        run.Fail(rows.status(), q.question);
      }
      run.scores.Add(q.category, ScoreRanking(ranked, q.gold));
    }
  }
  return run.Finish("fts5 OR baseline");
}

}  // namespace

Result<LocomoResult> RunLocomo(const std::string& path, const std::string& tmp_parent,
                               const EvalSettings& settings) {
  LocomoResult out;
  out.path = path;
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) {
    out.skipped = "LoCoMo data not found at '" + path + "' (pass --locomo PATH)";
    return out;
  }
  ASSIGN_OR_RETURN(LocomoDataset ds, LoadLocomo(path));
  out.conversations = static_cast<int64_t>(ds.conversations.size());
  out.turns = ds.turns;
  out.questions_total = ds.questions_total;
  out.questions_skipped = ds.questions_skipped;
  out.evidence_dropped = ds.evidence_dropped;
  for (const auto& c : ds.conversations) {
    out.questions_scored += static_cast<int64_t>(c.questions.size());
  }
  std::cerr << "[locomo] " << out.conversations << " conversations, " << WithCommas(out.turns)
            << " turns, " << out.questions_scored << " questions\n";
  ASSIGN_OR_RETURN(LocomoSystemResult semantic, RunMemex(ds, tmp_parent, settings, out, true));
  out.systems.push_back(std::move(semantic));
  ASSIGN_OR_RETURN(LocomoSystemResult lexical, RunMemex(ds, tmp_parent, settings, out, false));
  out.systems.push_back(std::move(lexical));
  ASSIGN_OR_RETURN(LocomoSystemResult baseline, RunBaseline(ds));
  out.systems.push_back(std::move(baseline));
  out.ran = true;
  return out;
}

}  // namespace memex::bench
