#include "http/memory_wire.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/time_util.h"
#include "codec/memory_json.h"
#include "core/scope.h"

namespace memex::http {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& j) {
  // Content quoting invalid UTF-8 must not throw; the service never stores any.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json TimeOrNull(int64_t ms) { return ms == 0 ? Json(nullptr) : Json(FormatRfc3339Ms(ms)); }
Json StrOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Status FieldError(std::string_view field, std::string_view problem) {
  return InvalidArgument(std::string(field) + ": " + std::string(problem));
}

Result<Json> ParseObject(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("body is not valid JSON");
  if (!j.is_object()) return InvalidArgument("body must be a JSON object");
  return j;
}

// Each reader leaves `out` unchanged when the field is absent or null.
const Json* Field(const Json& o, const char* name) {
  auto it = o.find(name);
  return it == o.end() || it->is_null() ? nullptr : &*it;
}

Status ReadString(const Json& o, const char* name, std::string& out) {
  const Json* v = Field(o, name);
  if (v == nullptr) return Status::Ok();
  if (!v->is_string()) return FieldError(name, "must be a string");
  out = v->get<std::string>();
  return Status::Ok();
}

template <typename Int>
Status ReadInt(const Json& o, const char* name, Int& out) {
  const Json* v = Field(o, name);
  if (v == nullptr) return Status::Ok();
  if (!v->is_number_integer()) return FieldError(name, "must be an integer");
  out = v->get<Int>();
  return Status::Ok();
}

Status ReadDouble(const Json& o, const char* name, double& out) {
  const Json* v = Field(o, name);
  if (v == nullptr) return Status::Ok();
  if (!v->is_number()) return FieldError(name, "must be a number");
  out = v->get<double>();
  return Status::Ok();
}

Status ReadBool(const Json& o, const char* name, bool& out) {
  const Json* v = Field(o, name);
  if (v == nullptr) return Status::Ok();
  if (!v->is_boolean()) return FieldError(name, "must be true or false");
  out = v->get<bool>();
  return Status::Ok();
}

Status ReadStrings(const Json& o, const char* name, std::vector<std::string>& out) {
  const Json* v = Field(o, name);
  if (v == nullptr) return Status::Ok();
  if (!v->is_array()) return FieldError(name, "must be an array of strings");
  out.clear();
  for (const Json& e : *v) {
    if (!e.is_string()) return FieldError(name, "must be an array of strings");
    out.push_back(e.get<std::string>());
  }
  return Status::Ok();
}

Status ReadTime(const Json& o, const char* name, int64_t& out) {
  std::string text;
  RETURN_IF_ERROR(ReadString(o, name, text));
  if (text.empty()) return Status::Ok();
  Result<int64_t> ms = ParseTimestampMs(text);
  if (!ms.ok()) return FieldError(name, ms.status().message());
  out = *ms;
  return Status::Ok();
}

template <typename T>
Status ReadEnum(const Json& o, const char* name, T& out, Result<T> (*parse)(std::string_view)) {
  std::string text;
  RETURN_IF_ERROR(ReadString(o, name, text));
  if (text.empty()) return Status::Ok();
  Result<T> v = parse(text);
  if (!v.ok()) return FieldError(name, v.status().message());
  out = *v;
  return Status::Ok();
}

// A nested object, or nullptr when absent; an error when present but not an object.
Result<const Json*> ReadObject(const Json& o, const char* name) {
  const Json* v = Field(o, name);
  if (v != nullptr && !v->is_object()) return FieldError(name, "must be an object");
  return v;
}

Result<Memory> MemoryFrom(const Json& j, std::string_view field) {
  Result<Memory> m = DecodeMemory(Dump(j));
  if (!m.ok()) return m.status().WithContext(field);
  return m;
}

Result<std::vector<Memory>> MemoriesFrom(const Json& o, const char* name) {
  std::vector<Memory> out;
  const Json* v = Field(o, name);
  if (v == nullptr) return out;
  if (!v->is_array()) return FieldError(name, "must be an array of memories");
  for (const Json& e : *v) {
    ASSIGN_OR_RETURN(Memory m, MemoryFrom(e, name));
    out.push_back(std::move(m));
  }
  return out;
}

Json MemoryToJson(const Memory& m) { return Json::parse(EncodeMemory(m)); }

Json FilterJson(const SearchFilter& f) {
  Json scopes = Json::array();
  for (const Scope& s : f.scopes) scopes.push_back(s.ToString());
  Json kinds = Json::array();
  for (Kind k : f.kinds) kinds.push_back(KindName(k));
  return {{"scopes", std::move(scopes)},         {"all_scopes", f.all_scopes},
          {"kinds", std::move(kinds)},           {"tags", f.tags},
          {"since", TimeOrNull(f.since_ms)},     {"until", TimeOrNull(f.until_ms)},
          {"include_history", f.include_history}};
}

Result<SearchFilter> FilterFrom(const Json& o) {
  SearchFilter f;
  std::vector<std::string> scopes;
  RETURN_IF_ERROR(ReadStrings(o, "scopes", scopes));
  for (const std::string& s : scopes) {
    Result<Scope> scope = ParseScope(s);
    if (!scope.ok()) return FieldError("scopes", scope.status().message());
    f.scopes.push_back(*scope);
  }
  RETURN_IF_ERROR(ReadBool(o, "all_scopes", f.all_scopes));
  std::vector<std::string> kinds;
  RETURN_IF_ERROR(ReadStrings(o, "kinds", kinds));
  for (const std::string& k : kinds) {
    Result<Kind> kind = ParseKind(k);
    if (!kind.ok()) return FieldError("kinds", kind.status().message());
    f.kinds.push_back(*kind);
  }
  RETURN_IF_ERROR(ReadStrings(o, "tags", f.tags));
  RETURN_IF_ERROR(ReadTime(o, "since", f.since_ms));
  RETURN_IF_ERROR(ReadTime(o, "until", f.until_ms));
  RETURN_IF_ERROR(ReadBool(o, "include_history", f.include_history));
  return f;
}

Result<SearchFilter> NestedFilter(const Json& o) {
  ASSIGN_OR_RETURN(const Json* f, ReadObject(o, "filter"));
  if (f == nullptr) return FieldError("filter", "is required");
  Result<SearchFilter> filter = FilterFrom(*f);
  if (!filter.ok()) return filter.status().WithContext("filter");
  return filter;
}

}  // namespace

std::string_view WireCodeName(StatusCode code) { return StatusCodeSlug(code); }

std::optional<StatusCode> ParseWireCode(std::string_view name) { return StatusCodeFromSlug(name); }

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string EncodeFilter(const SearchFilter& filter) { return Dump(FilterJson(filter)); }

Result<SearchFilter> DecodeFilter(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  return FilterFrom(o);
}

std::string EncodeRememberRequest(const RememberRequest& req) {
  const NewMemory& m = req.memory;
  Json memory = {{"scope", m.scope.ToString()},
                 {"kind", KindName(m.kind)},
                 {"content", m.content},
                 {"tags", m.tags},
                 {"origin", OriginName(m.origin)},
                 {"agent", StrOrNull(m.agent)},
                 {"session", StrOrNull(m.session)},
                 {"status", StatusName(m.status)},
                 {"confidence", m.confidence},
                 {"created_at", TimeOrNull(m.created_ms)},
                 {"expires_at", TimeOrNull(m.expires_ms)},
                 {"idempotency_key", StrOrNull(m.idempotency_key)}};
  return Dump(Json{{"memory", std::move(memory)}, {"wait_for_vectors", req.wait_for_vectors}});
}

Result<RememberRequest> DecodeRememberRequest(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  ASSIGN_OR_RETURN(const Json* mp, ReadObject(o, "memory"));
  if (mp == nullptr) return FieldError("memory", "is required");
  const Json& j = *mp;
  RememberRequest req;
  NewMemory& m = req.memory;
  std::string scope;
  RETURN_IF_ERROR(ReadString(j, "scope", scope));
  if (scope.empty()) return FieldError("memory.scope", "is required");
  Result<Scope> parsed = ParseScope(scope);
  if (!parsed.ok()) return FieldError("memory.scope", parsed.status().message());
  m.scope = *parsed;
  RETURN_IF_ERROR(ReadEnum<Kind>(j, "kind", m.kind, ParseKind).WithContext("memory"));
  RETURN_IF_ERROR(ReadString(j, "content", m.content).WithContext("memory"));
  RETURN_IF_ERROR(ReadStrings(j, "tags", m.tags).WithContext("memory"));
  RETURN_IF_ERROR(ReadEnum<Origin>(j, "origin", m.origin, ParseOrigin).WithContext("memory"));
  RETURN_IF_ERROR(ReadString(j, "agent", m.agent).WithContext("memory"));
  RETURN_IF_ERROR(ReadString(j, "session", m.session).WithContext("memory"));
  RETURN_IF_ERROR(ReadEnum<MemoryStatus>(j, "status", m.status, ParseStatus).WithContext("memory"));
  RETURN_IF_ERROR(ReadDouble(j, "confidence", m.confidence).WithContext("memory"));
  RETURN_IF_ERROR(ReadTime(j, "created_at", m.created_ms).WithContext("memory"));
  RETURN_IF_ERROR(ReadTime(j, "expires_at", m.expires_ms).WithContext("memory"));
  RETURN_IF_ERROR(ReadString(j, "idempotency_key", m.idempotency_key).WithContext("memory"));
  RETURN_IF_ERROR(ReadBool(o, "wait_for_vectors", req.wait_for_vectors));
  return req;
}

namespace {

Json NearDuplicatesJson(const std::vector<NearDuplicate>& near) {
  Json out = Json::array();
  for (const NearDuplicate& d : near) {
    out.push_back({{"id", d.id}, {"similarity", d.similarity}, {"reason", d.reason}});
  }
  return out;
}

}  // namespace

std::string EncodeWriteResult(const RememberResult& r) {
  return Dump(Json{{"id", r.id},
                   {"version", r.version},
                   {"created", r.created},
                   {"redactions", r.redactions},
                   {"embedded", r.embedded},
                   {"near_duplicates", NearDuplicatesJson(r.near_duplicates)}});
}

Result<RememberResult> DecodeWriteResult(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  RememberResult r;
  RETURN_IF_ERROR(ReadString(o, "id", r.id));
  RETURN_IF_ERROR(ReadInt(o, "version", r.version));
  RETURN_IF_ERROR(ReadBool(o, "created", r.created));
  RETURN_IF_ERROR(ReadInt(o, "redactions", r.redactions));
  RETURN_IF_ERROR(ReadBool(o, "embedded", r.embedded));
  if (r.id.empty()) return FieldError("id", "is required");
  // Absent from servers older than near-duplicate detection.
  if (auto it = o.find("near_duplicates"); it != o.end() && !it->is_null()) {
    if (!it->is_array()) return FieldError("near_duplicates", "must be an array");
    for (const Json& e : *it) {
      if (!e.is_object()) return FieldError("near_duplicates", "must hold objects");
      NearDuplicate d;
      RETURN_IF_ERROR(ReadString(e, "id", d.id).WithContext("near_duplicates"));
      RETURN_IF_ERROR(ReadDouble(e, "similarity", d.similarity).WithContext("near_duplicates"));
      RETURN_IF_ERROR(ReadString(e, "reason", d.reason).WithContext("near_duplicates"));
      r.near_duplicates.push_back(std::move(d));
    }
  }
  return r;
}

std::string EncodeRecallRequest(const RecallRequest& req) {
  return Dump(Json{{"query", req.query},
                   {"filter", FilterJson(req.filter)},
                   {"limit", req.limit},
                   {"offset", req.offset},
                   {"explain", req.explain}});
}

Result<RecallRequest> DecodeRecallRequest(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  RecallRequest req;
  RETURN_IF_ERROR(ReadString(o, "query", req.query));
  ASSIGN_OR_RETURN(req.filter, NestedFilter(o));
  RETURN_IF_ERROR(ReadInt(o, "limit", req.limit));
  RETURN_IF_ERROR(ReadInt(o, "offset", req.offset));
  RETURN_IF_ERROR(ReadBool(o, "explain", req.explain));
  return req;
}

std::string EncodeRecallResponse(const RecallResponse& resp) {
  Json hits = Json::array();
  for (const RankedHit& h : resp.hits) {
    Json channels = Json::object();
    ForEachChannel(h.channels,
                   [&](const char* name, const auto& value) { channels[name] = value; });
    hits.push_back({{"score", h.score},
                    {"memory", MemoryToJson(h.memory)},
                    {"channels", std::move(channels)}});
  }
  const QueryPlan& p = resp.plan;
  Json stats = Json::array();
  for (const TermStat& t : p.term_stats) {
    stats.push_back({{"df", t.df}, {"estimated", t.estimated}, {"dropped", t.dropped}});
  }
  Json forms = Json::array();
  for (const auto& [term, form] : p.term_forms) {
    forms.push_back({{"term_index", term}, {"form", form}});
  }
  Json plan = {{"terms", p.terms},
               {"identifiers", p.identifiers},
               {"stop_words", p.stop_words},
               {"term_stats", std::move(stats)},
               {"ident_df", p.ident_df},
               {"doc_count", p.doc_count},
               {"windowed", p.windowed},
               {"pruned", p.pruned},
               {"semantic", p.semantic},
               {"semantic_note", p.semantic_note},
               {"relevance", p.relevance},
               {"relevance_bar", p.relevance_bar},
               {"names", p.names},
               {"missing_names", p.missing_names},
               {"gated", p.gated},
               {"context_added", p.context_added},
               {"time", p.time ? Json{{"phrase", p.time->phrase},
                                      {"start_ms", p.time->start_ms},
                                      {"end_ms", p.time->end_ms}}
                               : Json(nullptr)},
               {"weak_dropped", p.weak_dropped},
               {"diversified", p.diversified},
               {"asks_when", p.asks_when},
               {"term_forms", std::move(forms)}};
  return Dump(Json{{"hits", std::move(hits)},
                   {"total", resp.total_candidates},
                   {"plan", std::move(plan)},
                   {"elapsed_us", resp.elapsed_us}});
}

Result<RecallResponse> DecodeRecallResponse(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  RecallResponse resp;
  if (const Json* hits = Field(o, "hits")) {
    if (!hits->is_array()) return FieldError("hits", "must be an array");
    for (const Json& h : *hits) {
      if (!h.is_object()) return FieldError("hits", "must hold objects");
      RankedHit hit;
      RETURN_IF_ERROR(ReadDouble(h, "score", hit.score).WithContext("hits"));
      const Json* m = Field(h, "memory");
      if (m == nullptr) return FieldError("hits.memory", "is required");
      ASSIGN_OR_RETURN(hit.memory, MemoryFrom(*m, "hits.memory"));
      ASSIGN_OR_RETURN(const Json* cp, ReadObject(h, "channels"));
      if (cp != nullptr) {
        Status read;  // the first field that failed
        ForEachChannel(hit.channels, [&](const char* name, auto& value) {
          if (!read.ok()) return;
          if constexpr (std::is_same_v<std::decay_t<decltype(value)>, double>) {
            read = ReadDouble(*cp, name, value);
          } else {
            read = ReadStrings(*cp, name, value);
          }
        });
        RETURN_IF_ERROR(read);
      }
      resp.hits.push_back(std::move(hit));
    }
  }
  RETURN_IF_ERROR(ReadInt(o, "total", resp.total_candidates));
  RETURN_IF_ERROR(ReadInt(o, "elapsed_us", resp.elapsed_us));
  ASSIGN_OR_RETURN(const Json* pp, ReadObject(o, "plan"));
  if (pp != nullptr) {
    const Json& pj = *pp;
    QueryPlan& p = resp.plan;
    RETURN_IF_ERROR(ReadStrings(pj, "terms", p.terms));
    RETURN_IF_ERROR(ReadStrings(pj, "identifiers", p.identifiers));
    RETURN_IF_ERROR(ReadStrings(pj, "stop_words", p.stop_words));
    if (const Json* ts = Field(pj, "term_stats")) {
      if (!ts->is_array()) return FieldError("plan.term_stats", "must be an array");
      for (const Json& t : *ts) {
        if (!t.is_object()) return FieldError("plan.term_stats", "must hold objects");
        TermStat s;
        RETURN_IF_ERROR(ReadInt(t, "df", s.df));
        RETURN_IF_ERROR(ReadBool(t, "estimated", s.estimated));
        RETURN_IF_ERROR(ReadBool(t, "dropped", s.dropped));
        p.term_stats.push_back(s);
      }
    }
    if (const Json* df = Field(pj, "ident_df")) {
      if (!df->is_array()) return FieldError("plan.ident_df", "must be an array");
      for (const Json& d : *df) {
        if (!d.is_number_integer()) return FieldError("plan.ident_df", "must hold integers");
        p.ident_df.push_back(d.get<int64_t>());
      }
    }
    RETURN_IF_ERROR(ReadInt(pj, "doc_count", p.doc_count));
    RETURN_IF_ERROR(ReadBool(pj, "windowed", p.windowed));
    RETURN_IF_ERROR(ReadBool(pj, "pruned", p.pruned));
    RETURN_IF_ERROR(ReadBool(pj, "semantic", p.semantic));
    RETURN_IF_ERROR(ReadString(pj, "semantic_note", p.semantic_note));
    RETURN_IF_ERROR(ReadDouble(pj, "relevance", p.relevance));
    RETURN_IF_ERROR(ReadDouble(pj, "relevance_bar", p.relevance_bar));
    RETURN_IF_ERROR(ReadStrings(pj, "names", p.names));
    RETURN_IF_ERROR(ReadStrings(pj, "missing_names", p.missing_names));
    RETURN_IF_ERROR(ReadBool(pj, "gated", p.gated));
    RETURN_IF_ERROR(ReadInt(pj, "context_added", p.context_added));
    RETURN_IF_ERROR(ReadInt(pj, "weak_dropped", p.weak_dropped));
    RETURN_IF_ERROR(ReadInt(pj, "diversified", p.diversified));
    RETURN_IF_ERROR(ReadBool(pj, "asks_when", p.asks_when));
    if (const Json* forms = Field(pj, "term_forms"); forms != nullptr && forms->is_array()) {
      for (const Json& f : *forms) {
        int64_t term = 0;
        std::string form;
        RETURN_IF_ERROR(ReadInt(f, "term_index", term));
        RETURN_IF_ERROR(ReadString(f, "form", form));
        if (term < 0) return InvalidArgument("plan.term_forms: a negative term_index");
        p.term_forms.emplace_back(static_cast<size_t>(term), std::move(form));
      }
    }
    if (const Json* t = Field(pj, "time"); t != nullptr && t->is_object()) {
      TimeWindow w;
      RETURN_IF_ERROR(ReadString(*t, "phrase", w.phrase));
      RETURN_IF_ERROR(ReadInt(*t, "start_ms", w.start_ms));
      RETURN_IF_ERROR(ReadInt(*t, "end_ms", w.end_ms));
      p.time = std::move(w);
    }
  }
  return resp;
}

std::string EncodeMemoryPatch(const MemoryPatch& patch, bool wait_for_vectors) {
  Json j = Json::object();
  if (patch.content) j["content"] = *patch.content;
  if (patch.tags) j["tags"] = *patch.tags;
  if (patch.kind) j["kind"] = KindName(*patch.kind);
  if (patch.confidence) j["confidence"] = *patch.confidence;
  if (patch.expires_ms) j["expires_at"] = TimeOrNull(*patch.expires_ms);
  if (!patch.agent.empty()) j["agent"] = patch.agent;
  if (!patch.session.empty()) j["session"] = patch.session;
  if (!patch.idempotency_key.empty()) j["idempotency_key"] = patch.idempotency_key;
  if (wait_for_vectors) j["wait_for_vectors"] = true;
  return Dump(j);
}

Result<MemoryPatch> DecodeMemoryPatch(std::string_view json, bool* wait_for_vectors) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  MemoryPatch patch;
  if (Field(o, "content") != nullptr) {
    std::string content;
    RETURN_IF_ERROR(ReadString(o, "content", content));
    patch.content = std::move(content);
  }
  if (Field(o, "tags") != nullptr) {
    std::vector<std::string> tags;
    RETURN_IF_ERROR(ReadStrings(o, "tags", tags));
    patch.tags = std::move(tags);
  }
  if (Field(o, "kind") != nullptr) {
    Kind kind = Kind::kFact;
    RETURN_IF_ERROR(ReadEnum<Kind>(o, "kind", kind, ParseKind));
    patch.kind = kind;
  }
  if (Field(o, "confidence") != nullptr) {
    double confidence = 0;
    RETURN_IF_ERROR(ReadDouble(o, "confidence", confidence));
    patch.confidence = confidence;
  }
  if (o.contains("expires_at")) {  // null: clear the expiry
    int64_t expires = 0;
    RETURN_IF_ERROR(ReadTime(o, "expires_at", expires));
    patch.expires_ms = expires;
  }
  RETURN_IF_ERROR(ReadString(o, "agent", patch.agent));
  RETURN_IF_ERROR(ReadString(o, "session", patch.session));
  RETURN_IF_ERROR(ReadString(o, "idempotency_key", patch.idempotency_key));
  bool wait = false;
  RETURN_IF_ERROR(ReadBool(o, "wait_for_vectors", wait));
  if (wait_for_vectors != nullptr) *wait_for_vectors = wait;
  return patch;
}

std::string EncodeMemoryBody(const Memory& m) { return Dump(Json{{"memory", MemoryToJson(m)}}); }

Result<Memory> DecodeMemoryBody(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  const Json* m = Field(o, "memory");
  if (m == nullptr) return FieldError("memory", "is required");
  return MemoryFrom(*m, "memory");
}

std::string EncodeHistory(std::string_view id, const std::vector<Memory>& versions) {
  Json list = Json::array();
  for (const Memory& m : versions) list.push_back(MemoryToJson(m));
  return Dump(Json{{"id", id}, {"versions", std::move(list)}});
}

Result<std::vector<Memory>> DecodeHistory(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  return MemoriesFrom(o, "versions");
}

std::string EncodeLinks(std::string_view id, const std::vector<MemoryLink>& links) {
  Json list = Json::array();
  for (const MemoryLink& l : links) {
    list.push_back({{"from_id", l.from_id},
                    {"to_id", l.to_id},
                    {"kind", LinkKindName(l.kind)},
                    {"score", l.score},
                    {"created_at", TimeOrNull(l.created_ms)}});
  }
  return Dump(Json{{"id", id}, {"links", std::move(list)}});
}

Result<std::vector<MemoryLink>> DecodeLinks(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  const Json* list = Field(o, "links");
  if (list == nullptr) return FieldError("links", "is required");
  if (!list->is_array()) return FieldError("links", "must be an array");
  std::vector<MemoryLink> out;
  for (const Json& j : *list) {
    if (!j.is_object()) return FieldError("links", "must hold objects");
    MemoryLink l;
    RETURN_IF_ERROR(ReadString(j, "from_id", l.from_id));
    RETURN_IF_ERROR(ReadString(j, "to_id", l.to_id));
    if (l.from_id.empty() || l.to_id.empty()) {
      return FieldError("links", "every link needs from_id and to_id");
    }
    RETURN_IF_ERROR(ReadEnum(j, "kind", l.kind, &ParseLinkKind));
    RETURN_IF_ERROR(ReadDouble(j, "score", l.score));
    RETURN_IF_ERROR(ReadTime(j, "created_at", l.created_ms));
    out.push_back(std::move(l));
  }
  return out;
}

std::string EncodeForgetResult(std::string_view id, const ForgetResult& r) {
  return Dump(Json{{"id", id}, {"rows", r.rows}, {"hard", r.hard}});
}

Result<ForgetResult> DecodeForgetResult(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  ForgetResult r;
  RETURN_IF_ERROR(ReadInt(o, "rows", r.rows));
  RETURN_IF_ERROR(ReadBool(o, "hard", r.hard));
  return r;
}

std::string EncodeListRequest(const ListRequest& req) {
  const ListQuery& q = req.query;
  return Dump(Json{{"filter", FilterJson(q.filter)},
                   {"include_forgotten", q.include_forgotten},
                   {"limit", q.limit},
                   {"offset", q.offset},
                   {"oldest_first", q.oldest_first}});
}

Result<ListRequest> DecodeListRequest(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  ListRequest req;
  ListQuery& q = req.query;
  ASSIGN_OR_RETURN(q.filter, NestedFilter(o));
  RETURN_IF_ERROR(ReadBool(o, "include_forgotten", q.include_forgotten));
  RETURN_IF_ERROR(ReadInt(o, "limit", q.limit));
  RETURN_IF_ERROR(ReadInt(o, "offset", q.offset));
  RETURN_IF_ERROR(ReadBool(o, "oldest_first", q.oldest_first));
  if (q.limit < 0) return FieldError("limit", "must be >= 0");
  if (q.offset < 0) return FieldError("offset", "must be >= 0");
  return req;
}

std::string EncodeListResponse(const ListResponse& resp) {
  Json list = Json::array();
  for (const Memory& m : resp.memories) list.push_back(MemoryToJson(m));
  return Dump(Json{{"memories", std::move(list)}, {"total", resp.total}});
}

Result<ListResponse> DecodeListResponse(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  ListResponse resp;
  ASSIGN_OR_RETURN(resp.memories, MemoriesFrom(o, "memories"));
  RETURN_IF_ERROR(ReadInt(o, "total", resp.total));
  return resp;
}

std::string EncodeStats(const StoreStats& stats) {
  Json by_kind = Json::object();
  for (const auto& [kind, n] : stats.by_kind) by_kind[std::string(KindName(kind))] = n;
  Json scopes = Json::array();
  for (const ScopeCount& s : stats.scopes) {
    scopes.push_back({{"scope", s.scope.ToString()},
                      {"live", s.live},
                      {"superseded", s.superseded},
                      {"forgotten", s.forgotten},
                      {"archived", s.archived}});
  }
  return Dump(Json{{"live", stats.live},
                   {"superseded", stats.superseded},
                   {"forgotten", stats.forgotten},
                   {"archived", stats.archived},
                   {"by_kind", std::move(by_kind)},
                   {"scopes", std::move(scopes)},
                   {"db_bytes", stats.db_bytes},
                   {"schema_version", stats.schema_version},
                   {"oldest_at", TimeOrNull(stats.oldest_ms)},
                   {"newest_at", TimeOrNull(stats.newest_ms)}});
}

Result<StoreStats> DecodeStats(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  StoreStats s;
  RETURN_IF_ERROR(ReadInt(o, "live", s.live));
  RETURN_IF_ERROR(ReadInt(o, "superseded", s.superseded));
  RETURN_IF_ERROR(ReadInt(o, "forgotten", s.forgotten));
  RETURN_IF_ERROR(ReadInt(o, "archived", s.archived));  // absent from older servers: 0
  ASSIGN_OR_RETURN(const Json* by_kind, ReadObject(o, "by_kind"));
  if (by_kind != nullptr) {
    // In KindName order, as the store reports them, whatever order the object kept.
    for (Kind k : AllKinds()) {
      auto it = by_kind->find(std::string(KindName(k)));
      if (it == by_kind->end()) continue;
      if (!it->is_number_integer()) return FieldError("by_kind", "must map kinds to integers");
      s.by_kind.emplace_back(k, it->get<int64_t>());
    }
  }
  if (const Json* scopes = Field(o, "scopes")) {
    if (!scopes->is_array()) return FieldError("scopes", "must be an array");
    for (const Json& e : *scopes) {
      if (!e.is_object()) return FieldError("scopes", "must hold objects");
      ScopeCount c;
      std::string name;
      RETURN_IF_ERROR(ReadString(e, "scope", name).WithContext("scopes"));
      Result<Scope> scope = ParseScope(name);
      if (!scope.ok()) return FieldError("scopes.scope", scope.status().message());
      c.scope = *scope;
      RETURN_IF_ERROR(ReadInt(e, "live", c.live).WithContext("scopes"));
      RETURN_IF_ERROR(ReadInt(e, "superseded", c.superseded).WithContext("scopes"));
      RETURN_IF_ERROR(ReadInt(e, "forgotten", c.forgotten).WithContext("scopes"));
      RETURN_IF_ERROR(ReadInt(e, "archived", c.archived).WithContext("scopes"));
      s.scopes.push_back(std::move(c));
    }
  }
  RETURN_IF_ERROR(ReadInt(o, "db_bytes", s.db_bytes));
  RETURN_IF_ERROR(ReadInt(o, "schema_version", s.schema_version));
  RETURN_IF_ERROR(ReadTime(o, "oldest_at", s.oldest_ms));
  RETURN_IF_ERROR(ReadTime(o, "newest_at", s.newest_ms));
  return s;
}

std::string EncodeImportSummary(const ImportSummary& s, bool dry_run) {
  return Dump(Json{{"lines", s.lines},
                   {"inserted", s.inserted},
                   {"skipped", s.skipped},
                   {"redactions", s.redactions},
                   {"dry_run", dry_run}});
}

Result<ImportSummary> DecodeImportSummary(std::string_view json) {
  ASSIGN_OR_RETURN(Json o, ParseObject(json));
  ImportSummary s;
  RETURN_IF_ERROR(ReadInt(o, "lines", s.lines));
  RETURN_IF_ERROR(ReadInt(o, "inserted", s.inserted));
  RETURN_IF_ERROR(ReadInt(o, "skipped", s.skipped));
  RETURN_IF_ERROR(ReadInt(o, "redactions", s.redactions));
  return s;
}

}  // namespace memex::http
