#include "coding_eval.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "base/clock.h"
#include "measure.h"
#include "service_stack.h"

namespace memex::bench {

std::string_view CodingQueryTypeName(CodingQueryType type) {
  switch (type) {
    case CodingQueryType::kParaphrase:
      return "paraphrase";
    case CodingQueryType::kIdentifier:
      return "identifier";
    case CodingQueryType::kError:
      return "error";
    case CodingQueryType::kLatest:
      return "latest";
    case CodingQueryType::kSibling:
      return "sibling";
    case CodingQueryType::kUnrelated:
      return "unrelated";
  }
  return "?";
}

bool CodingQueryAnswerable(CodingQueryType type) {
  return type != CodingQueryType::kSibling && type != CodingQueryType::kUnrelated;
}

namespace {

using json = nlohmann::json;

constexpr int kLimit = 10;  // what an agent asks for
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr size_t kTopShown = 3;

// Reports problems as "<path>:<line>: <field>: <what>" so a hand edit is easy to find.
class LineReader {
 public:
  LineReader(const std::string& path, int line, const json& record)
      : path_(path), line_(line), record_(record) {}

  Status Error(std::string_view field, const std::string& what) const {
    return InvalidArgument(path_ + ":" + std::to_string(line_) + ": " + std::string(field) + ": " +
                           what);
  }

  Status CheckFields(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : record_.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Error(key, "unknown field (expected one of " + list + ")");
      }
    }
    return Status::Ok();
  }

  bool Has(std::string_view field) const { return record_.contains(field); }

  Result<std::string> String(std::string_view field, bool required = true) const {
    auto it = record_.find(field);
    if (it == record_.end()) {
      if (required) return Error(field, "missing");
      return std::string();
    }
    if (!it->is_string()) return Error(field, "expected a string, got " + it->dump());
    std::string value = it->get<std::string>();
    if (required && value.empty()) return Error(field, "must not be empty");
    return value;
  }

  Result<std::vector<std::string>> Strings(std::string_view field) const {
    std::vector<std::string> out;
    auto it = record_.find(field);
    if (it == record_.end()) return out;
    if (!it->is_array()) return Error(field, "expected an array of strings, got " + it->dump());
    for (const json& v : *it) {
      if (!v.is_string() || v.get<std::string>().empty()) {
        return Error(field, "expected non-empty strings, got " + v.dump());
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  Result<int64_t> Integer(std::string_view field) const {
    auto it = record_.find(field);
    if (it == record_.end()) return int64_t{0};
    if (!it->is_number_integer()) return Error(field, "expected an integer, got " + it->dump());
    return it->get<int64_t>();
  }

  Result<Scope> ScopeField(std::string_view field) const {
    ASSIGN_OR_RETURN(std::string text, String(field));
    if (text.find('/') == std::string::npos) {
      return Error(field, "expected workspace/project, got '" + text + "'");
    }
    auto scope = ParseScope(text);
    if (!scope.ok()) return Error(field, scope.status().message());
    return *scope;
  }

 private:
  const std::string& path_;
  int line_;
  const json& record_;
};

Result<CodingMemory> ParseMemory(const LineReader& r, int line) {
  RETURN_IF_ERROR(
      r.CheckFields({"record", "id", "scope", "kind", "tags", "days", "supersedes", "content"}));
  CodingMemory m;
  m.line = line;
  ASSIGN_OR_RETURN(m.id, r.String("id"));
  ASSIGN_OR_RETURN(m.scope, r.ScopeField("scope"));
  ASSIGN_OR_RETURN(std::string kind, r.String("kind"));
  auto parsed = ParseKind(kind);
  if (!parsed.ok()) return r.Error("kind", parsed.status().message());
  m.kind = *parsed;
  ASSIGN_OR_RETURN(m.tags, r.Strings("tags"));
  ASSIGN_OR_RETURN(m.content, r.String("content"));
  ASSIGN_OR_RETURN(m.days, r.Integer("days"));
  if (m.days > 0) return r.Error("days", "must be <= 0 (days before the run)");
  ASSIGN_OR_RETURN(m.supersedes, r.String("supersedes", false));
  if (!m.supersedes.empty() && r.Has("days")) {
    return r.Error("days", "not allowed with supersedes: an update is written at run time");
  }
  return m;
}

Result<CodingQueryType> ParseQueryType(const LineReader& r, const std::string& text) {
  for (CodingQueryType t : kCodingQueryTypes) {
    if (CodingQueryTypeName(t) == text) return t;
  }
  return r.Error("type",
                 "'" + text +
                     "' is not a query type (paraphrase, identifier, error, latest, sibling, "
                     "unrelated)");
}

Result<CodingQuery> ParseQuery(const LineReader& r, int line) {
  RETURN_IF_ERROR(
      r.CheckFields({"record", "id", "type", "scope", "text", "expected", "stale", "answer_in"}));
  CodingQuery q;
  q.line = line;
  ASSIGN_OR_RETURN(q.id, r.String("id"));
  ASSIGN_OR_RETURN(std::string type, r.String("type"));
  ASSIGN_OR_RETURN(q.type, ParseQueryType(r, type));
  ASSIGN_OR_RETURN(q.scope, r.ScopeField("scope"));
  ASSIGN_OR_RETURN(q.text, r.String("text"));
  if (!r.Has("expected")) return r.Error("expected", "missing (use [] for no answer)");
  ASSIGN_OR_RETURN(q.expected, r.Strings("expected"));
  ASSIGN_OR_RETURN(q.stale, r.Strings("stale"));
  ASSIGN_OR_RETURN(q.answer_in, r.Strings("answer_in"));
  if (CodingQueryAnswerable(q.type) && q.expected.empty()) {
    return r.Error("expected", "a " + type + " query needs at least one expected memory");
  }
  if (!CodingQueryAnswerable(q.type) && !q.expected.empty()) {
    return r.Error("expected", "a " + type + " query expects nothing: must be []");
  }
  if (q.type != CodingQueryType::kLatest && !q.stale.empty()) {
    return r.Error("stale", "only latest queries have stale memories");
  }
  if (q.type == CodingQueryType::kLatest && q.stale.empty()) {
    return r.Error("stale", "a latest query names the outdated memories of its chain");
  }
  if (q.type != CodingQueryType::kSibling && !q.answer_in.empty()) {
    return r.Error("answer_in", "only sibling queries name where the answer lives");
  }
  return q;
}

// Cross-record checks, once every record is read.
Status CheckReferences(const std::string& path, CodingDataset& ds) {
  std::unordered_map<std::string, CodingMemory*> by_id;
  for (auto& m : ds.memories) {
    auto bad = [&](std::string_view field, const std::string& what) {
      return InvalidArgument(path + ":" + std::to_string(m.line) + ": " + std::string(field) +
                             ": " + what);
    };
    if (!by_id.emplace(m.id, &m).second) {
      return bad("id",
                 "'" + m.id + "' already used on line " + std::to_string(by_id.at(m.id)->line));
    }
    if (m.supersedes.empty()) continue;
    auto it = by_id.find(m.supersedes);
    if (it == by_id.end() || it->second == &m) {
      return bad("supersedes", "'" + m.supersedes + "' is not a memory defined above this line");
    }
    CodingMemory& target = *it->second;
    if (target.scope != m.scope) {
      return bad("supersedes", "'" + m.supersedes + "' is in " + target.scope.ToString() +
                                   ", not " + m.scope.ToString());
    }
    if (target.superseded) {
      return bad("supersedes",
                 "'" + m.supersedes + "' is already superseded (chains do not branch)");
    }
    target.superseded = true;
  }
  std::set<std::pair<Scope, std::string>> contents;
  for (const auto& m : ds.memories) {
    if (!contents.emplace(m.scope, m.content).second) {
      return InvalidArgument(path + ":" + std::to_string(m.line) +
                             ": content: identical to an earlier memory in the same scope");
    }
  }
  std::unordered_set<std::string> query_ids;
  for (const auto& q : ds.queries) {
    auto bad = [&](std::string_view field, const std::string& what) {
      return InvalidArgument(path + ":" + std::to_string(q.line) + ": " + std::string(field) +
                             ": " + what);
    };
    if (!query_ids.insert(q.id).second) return bad("id", "'" + q.id + "' already used");
    auto lookup = [&](std::string_view field, const std::string& id) -> Result<CodingMemory*> {
      auto it = by_id.find(id);
      if (it == by_id.end()) return bad(field, "no memory '" + id + "'");
      return it->second;
    };
    for (const auto& id : q.expected) {
      ASSIGN_OR_RETURN(CodingMemory * m, lookup("expected", id));
      if (m->scope != q.scope) {
        return bad("expected", "'" + id + "' is in " + m->scope.ToString() +
                                   ", not in the query's " + q.scope.ToString());
      }
      if (m->superseded) {
        return bad("expected", "'" + id + "' is superseded; expect the newest version");
      }
    }
    for (const auto& id : q.stale) {
      ASSIGN_OR_RETURN(CodingMemory * m, lookup("stale", id));
      if (m->scope != q.scope) return bad("stale", "'" + id + "' is not in the query's scope");
      if (std::find(q.expected.begin(), q.expected.end(), id) != q.expected.end()) {
        return bad("stale", "'" + id + "' is also expected");
      }
    }
    for (const auto& id : q.answer_in) {
      ASSIGN_OR_RETURN(CodingMemory * m, lookup("answer_in", id));
      if (m->scope == q.scope) {
        return bad("answer_in", "'" + id + "' is in the query's own scope: not a sibling query");
      }
    }
  }
  if (ds.memories.empty()) return InvalidArgument(path + ": no memory records");
  if (ds.queries.empty()) return InvalidArgument(path + ": no query records");
  return Status::Ok();
}

// Nearest rank, as Summarize() in measure.h.
ScoreSpread Spread(std::vector<double> v) {
  ScoreSpread s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double p) {
    size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
  };
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  s.p50 = at(0.5);
  s.p90 = at(0.9);
  s.max = v.back();
  return s;
}

struct Tally {
  int64_t n = 0;
  int64_t at1 = 0, at5 = 0, at10 = 0;
  double reciprocal_ranks = 0;
  int64_t nothing = 0;
  int64_t stale = 0;
  int64_t hits = 0;
  std::vector<double> top_scores;

  void Add(const CodingQueryOutcome& o) {
    ++n;
    if (o.rank >= 1) {
      at1 += o.rank <= 1;
      at5 += o.rank <= 5;
      at10 += o.rank <= 10;
      reciprocal_ranks += 1.0 / o.rank;
    }
    nothing += o.hits == 0;
    stale += o.stale;
    hits += o.hits;
    top_scores.push_back(o.top_score);
  }

  CodingTypeScores Finish(std::string name, bool answerable, bool has_chains) const {
    CodingTypeScores s;
    s.type = std::move(name);
    s.answerable = answerable;
    s.queries = n;
    if (n == 0) return s;
    const double d = static_cast<double>(n);
    if (answerable) {
      s.recall_at_1 = static_cast<double>(at1) / d;
      s.recall_at_5 = static_cast<double>(at5) / d;
      s.recall_at_10 = static_cast<double>(at10) / d;
      s.mrr = reciprocal_ranks / d;
      s.nothing_returned = static_cast<double>(nothing) / d;
      if (has_chains) s.stale_rate = static_cast<double>(stale) / d;
    } else {
      s.false_positive_rate = static_cast<double>(n - nothing) / d;
    }
    s.mean_hits = static_cast<double>(hits) / d;
    s.top_score = Spread(top_scores);
    return s;
  }
};

// One line of the feature dump: {"id":..,"type":..,"cands":[[flag,text,coverage,exact,
// similarity,recency,bm25],...]} with flag 1 for an expected memory, 2 for a stale one, else 0.
void DumpQuery(std::ostream& out, const CodingQuery& q, const RecallResponse& resp,
               const std::unordered_map<std::string, std::vector<std::string>>& locals_of) {
  json line = {{"id", q.id}, {"type", CodingQueryTypeName(q.type)}};
  json cands = json::array();
  for (const RankedHit& h : resp.hits) {
    int flag = 0;
    if (auto it = locals_of.find(h.memory.id); it != locals_of.end()) {
      for (const auto& local : it->second) {
        if (std::find(q.expected.begin(), q.expected.end(), local) != q.expected.end()) flag = 1;
        if (flag == 0 && std::find(q.stale.begin(), q.stale.end(), local) != q.stale.end()) {
          flag = 2;
        }
      }
    }
    const ChannelScores& c = h.channels;
    cands.push_back({flag, c.text, c.coverage, c.exact, c.similarity, c.recency, c.bm25});
  }
  line["cands"] = std::move(cands);
  out << line.dump() << "\n";
}

}  // namespace

Result<CodingDataset> LoadCodingEval(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path);
  CodingDataset ds;
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json record;
    try {
      record = json::parse(text);
    } catch (const json::exception& e) {
      return InvalidArgument(path + ":" + std::to_string(line) + ": not JSON: " + e.what());
    }
    if (!record.is_object()) {
      return InvalidArgument(path + ":" + std::to_string(line) + ": expected a JSON object");
    }
    LineReader r(path, line, record);
    ASSIGN_OR_RETURN(std::string kind, r.String("record"));
    if (kind == "memory") {
      ASSIGN_OR_RETURN(CodingMemory m, ParseMemory(r, line));
      ds.memories.push_back(std::move(m));
    } else if (kind == "query") {
      ASSIGN_OR_RETURN(CodingQuery q, ParseQuery(r, line));
      ds.queries.push_back(std::move(q));
    } else if (kind == "dataset") {
      RETURN_IF_ERROR(r.CheckFields({"record", "name", "version", "description"}));
      ASSIGN_OR_RETURN(int64_t version, r.Integer("version"));
      if (version != 1) return r.Error("version", "this reader knows version 1 only");
    } else {
      return r.Error("record", "'" + kind + "' is not memory, query or dataset");
    }
  }
  if (in.bad()) return DataLoss("error reading " + path);
  RETURN_IF_ERROR(CheckReferences(path, ds));
  return ds;
}

Result<CodingResult> RunCoding(const std::string& path, const std::string& tmp_parent,
                               const EvalSettings& settings) {
  CodingResult out;
  out.path = path;
  out.limit = kLimit;
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) {
    out.skipped = "coding eval data not found at '" + path + "' (pass --coding PATH)";
    return out;
  }
  ASSIGN_OR_RETURN(CodingDataset ds, LoadCodingEval(path));
  std::set<Scope> scopes;
  for (const auto& m : ds.memories) scopes.insert(m.scope);
  out.projects = static_cast<int64_t>(scopes.size());
  out.memories = static_cast<int64_t>(ds.memories.size());
  std::cerr << "[coding] " << out.memories << " memories in " << out.projects << " projects, "
            << ds.queries.size() << " queries\n";

  std::ofstream dump;
  Config config = settings.config;
  RETURN_IF_ERROR(OpenDump(settings, "coding", dump, config));
  ASSIGN_OR_RETURN(std::unique_ptr<ServiceStack> stack,
                   ServiceStack::Open(tmp_parent, config, true));
  MemoryService& service = stack->service();
  const int64_t now_ms = SystemClock().NowMs();
  std::unordered_map<std::string, std::string> memex_of;                // local -> memex id
  std::unordered_map<std::string, std::vector<std::string>> locals_of;  // memex -> local ids
  std::vector<std::string> redacted;  // local ids whose content the redactor changed
  auto record = [&](const CodingMemory& m, const RememberResult& r) {
    memex_of[m.id] = r.id;
    auto& locals = locals_of[r.id];
    if (!locals.empty() || !r.created) ++out.collapsed;
    locals.push_back(m.id);
    out.redactions += r.redactions;
    if (r.redactions) redacted.push_back(m.id);
  };

  Stopwatch ingest;
  std::vector<RememberRequest> reqs;
  std::vector<const CodingMemory*> firsts;
  for (const auto& m : ds.memories) {
    if (!m.supersedes.empty()) continue;
    RememberRequest req;
    req.memory.scope = m.scope;
    req.memory.kind = m.kind;
    req.memory.tags = m.tags;
    req.memory.content = m.content;
    req.memory.origin = Origin::kManual;  // as an agent's remember call
    req.memory.created_ms = now_ms + m.days * kDayMs;
    reqs.push_back(std::move(req));
    firsts.push_back(&m);
  }
  ASSIGN_OR_RETURN(std::vector<RememberResult> stored, service.RememberBatch(reqs));
  for (size_t i = 0; i < stored.size(); ++i) record(*firsts[i], stored[i]);
  // File order: a chain's versions are applied oldest first (the loader checked the order).
  for (const auto& m : ds.memories) {
    if (m.supersedes.empty()) continue;
    UpdateRequest req;
    req.id = memex_of.at(m.supersedes);
    req.patch.content = m.content;
    req.patch.tags = m.tags;
    req.patch.kind = m.kind;
    auto r = service.Update(req);
    if (!r.ok()) {
      return r.status().WithContext("coding eval: updating '" + m.supersedes + "' with '" + m.id +
                                    "' (line " + std::to_string(m.line) + ")");
    }
    record(m, *r);
    ++out.updates;
  }
  RETURN_IF_ERROR(stack->EmbedPending().status());
  out.ingest_seconds = ingest.ElapsedSeconds();
  if (!redacted.empty()) {
    std::cerr << "[coding] warning: the redactor changed memories";
    for (const auto& id : redacted) std::cerr << " " << id;
    std::cerr << " (their stored text differs from the file)\n";
  }

  std::map<CodingQueryType, Tally> by_type;
  Tally answerable;
  Tally no_answer;
  std::vector<double> latencies_ms;
  for (const auto& q : ds.queries) {
    RecallRequest req;
    req.query = q.text;
    req.filter.scopes = {q.scope};
    req.limit = dump.is_open() ? kDumpLimit : kLimit;
    req.explain = dump.is_open();
    Stopwatch sw;
    auto resp = service.Recall(req);
    latencies_ms.push_back(sw.ElapsedMs());
    if (resp.ok() && dump.is_open()) DumpQuery(dump, q, *resp, locals_of);

    CodingQueryOutcome o;
    o.id = q.id;
    o.type = std::string(CodingQueryTypeName(q.type));
    if (!resp.ok()) {
      if (out.errors++ == 0) out.first_error = resp.status().ToString() + " (query " + q.id + ")";
    } else {
      const std::set<std::string> expected(q.expected.begin(), q.expected.end());
      const std::set<std::string> stale(q.stale.begin(), q.stale.end());
      o.hits = static_cast<int>(resp->hits.size());
      if (!resp->hits.empty()) o.top_score = resp->hits.front().score;
      for (size_t i = 0; i < resp->hits.size(); ++i) {
        auto it = locals_of.find(resp->hits[i].memory.id);
        static const std::vector<std::string> kUnknown = {"?"};
        const std::vector<std::string>& locals = it == locals_of.end() ? kUnknown : it->second;
        if (i < kTopShown) o.top.push_back(locals.front());
        if (o.rank != 0) continue;
        bool is_expected = false;
        bool is_stale = false;
        for (const auto& id : locals) {
          is_expected = is_expected || expected.contains(id);
          is_stale = is_stale || stale.contains(id);
        }
        if (is_expected) {
          o.rank = static_cast<int>(i) + 1;
        } else if (is_stale) {
          o.stale = true;  // an outdated version ranks above the current one (or it is absent)
        }
      }
    }
    by_type[q.type].Add(o);
    (CodingQueryAnswerable(q.type) ? answerable : no_answer).Add(o);
    out.outcomes.push_back(std::move(o));
  }

  for (CodingQueryType t : kCodingQueryTypes) {
    out.types.push_back(by_type[t].Finish(std::string(CodingQueryTypeName(t)),
                                          CodingQueryAnswerable(t), t == CodingQueryType::kLatest));
  }
  out.answerable = answerable.Finish("answerable", true, false);
  out.no_answer = no_answer.Finish("no answer", false, false);
  out.latency = Summarize(std::move(latencies_ms));
  out.ran = true;
  return out;
}

}  // namespace memex::bench
