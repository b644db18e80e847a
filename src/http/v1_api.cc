#include "http/v1_api.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/log.h"
#include "base/time_util.h"
#include "core/memory.h"
#include "http/memory_wire.h"
#include "service/authorized_service.h"

namespace memex::http {
namespace {

using Json = nlohmann::json;

constexpr int kDefaultRecallLimit = 10;  // memoryOSS's default
constexpr int kMaxBatchQueries = 100;
constexpr int kDefaultPageLimit = 50;
constexpr int kMaxPageLimit = 1000;
// agent/session are not store filters: recall over-fetches this many hits and filters them.
constexpr int kFilteredRecallFetch = 200;
// POST /v1/consolidate: memoryOSS's defaults, and a bound of our own.
constexpr double kDefaultConsolidateThreshold = 0.9;
constexpr int kDefaultMaxClusters = 50;
constexpr int64_t kMaxClusters = 10000;

std::string Dump(const Json& j) {
  // error_handler_t::replace: content or a message quoting invalid UTF-8 must not throw.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Reply Ok(const Json& body) { return Reply{.body = Dump(body)}; }

Reply FromStatus(const Status& st) {
  int status = HttpStatusFor(st.code());  // one mapping for every memory API (memory_wire.h)
  if (status >= 500) {
    LogError("http /v1: " + st.ToString());
    return V1ErrorReply(status, status == 503 ? "service unavailable" : "internal error");
  }
  return V1ErrorReply(status, st.message());
}

// "field: message": every bad-input error names its field.
Status FieldError(std::string_view field, std::string_view message) {
  return InvalidArgument(std::string(field) + ": " + std::string(message));
}

Result<Json> ParseObject(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded()) return InvalidArgument("body is not valid JSON");
  if (!j.is_object()) return InvalidArgument("body must be a JSON object");
  return j;
}

bool Present(const Json& o, const char* field) {
  auto it = o.find(field);
  return it != o.end() && !it->is_null();
}

// Absent or null -> nullopt; a non-string -> 400 naming the field.
Result<std::optional<std::string>> OptString(const Json& o, const char* field) {
  if (!Present(o, field)) return std::optional<std::string>();
  const Json& v = o.at(field);
  if (!v.is_string()) return FieldError(field, "must be a string");
  return std::optional<std::string>(v.get<std::string>());
}

Result<std::optional<std::vector<std::string>>> OptStrings(const Json& o, const char* field) {
  if (!Present(o, field)) return std::optional<std::vector<std::string>>();
  const Json& v = o.at(field);
  if (!v.is_array()) return FieldError(field, "must be an array of strings");
  std::vector<std::string> out;
  for (const Json& e : v) {
    if (!e.is_string()) return FieldError(field, "must be an array of strings");
    out.push_back(e.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<Kind> ParseMemoryType(std::string_view text) {
  if (text == "semantic" || text == "working") return Kind::kFact;
  if (text == "episodic") return Kind::kEpisode;
  if (text == "procedural") return Kind::kProcedure;
  Result<Kind> kind = ParseKind(text);
  if (!kind.ok()) {
    return FieldError("memory_type", "unknown type '" + std::string(text) +
                                         "'; use episodic, semantic, procedural, working or a "
                                         "memex kind (" +
                                         kind.status().message() + ")");
  }
  return kind;
}

std::string_view MemoryTypeOf(Kind kind) {
  switch (kind) {
    case Kind::kEpisode:
      return "episodic";
    case Kind::kProcedure:
      return "procedural";
    default:
      return "semantic";
  }
}

// memoryOSS statuses are candidate|active|contested|stale; a superseded or archived memex
// version is "stale" (archived versions also say archived: true).
std::string_view StatusOf(MemoryStatus status) {
  switch (status) {
    case MemoryStatus::kCandidate:
      return "candidate";
    case MemoryStatus::kActive:
      return "active";
    default:
      return "stale";
  }
}

Json OrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json MemoryObject(const Memory& m) {
  return Json{{"id", m.id},
              {"content", m.content},
              {"tags", m.tags},
              {"agent", OrNull(m.agent)},
              {"session", OrNull(m.session)},
              {"namespace", m.scope.ToString()},
              {"memory_type", MemoryTypeOf(m.kind)},
              {"kind", KindName(m.kind)},
              {"status", StatusOf(m.status)},
              {"version", m.version},
              {"created_at", FormatRfc3339Ms(m.created_ms)},
              {"updated_at", FormatRfc3339Ms(m.updated_ms)},
              {"content_hash", m.content_hash},
              {"archived", m.status == MemoryStatus::kArchived},
              {"confidence", m.confidence},
              {"evidence_count", 1},
              {"superseded_by", OrNull(m.superseded_by)}};
}

Result<int64_t> ParseTime(const Json& o, const char* field) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptString(o, field));
  if (!text) return int64_t{0};
  Result<int64_t> ms = ParseTimestampMs(*text);
  if (!ms.ok()) return FieldError(field, ms.status().message());
  return ms;
}

// A query parameter as an integer in [lo, hi]; "" -> `fallback`.
Result<int64_t> ParamInt(const Request& r, const char* name, int64_t fallback, int64_t lo,
                         int64_t hi) {
  std::string text = r.param ? r.param(name) : "";
  if (text.empty()) return fallback;
  int64_t v = 0;
  bool digits = text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) v = std::stoll(text);
  if (!digits || v < lo || v > hi) {
    return FieldError(
        name, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return v;
}

struct RecallSpec {
  RecallRequest request;
  int limit = kDefaultRecallLimit;
  std::optional<std::string> agent;
  std::optional<std::string> session;
};

Result<Scope> ResolveNamespace(const Json& o, const Scope& fallback) {
  ASSIGN_OR_RETURN(std::optional<std::string> ns, OptString(o, "namespace"));
  if (!ns || ns->empty()) return fallback;
  Result<Scope> scope = ParseScope(*ns);
  if (!scope.ok()) return FieldError("namespace", scope.status().message());
  return scope;
}

Result<RememberRequest> ParseStore(const Json& o, const Scope& fallback,
                                   const LimitsConfig& limits) {
  if (!o.is_object()) return InvalidArgument("must be a JSON object");
  ASSIGN_OR_RETURN(std::optional<std::string> content, OptString(o, "content"));
  if (!content) return FieldError("content", "required");
  if (content->size() > static_cast<size_t>(limits.max_content_bytes)) {
    return ResourceExhausted("content: " + std::to_string(content->size()) +
                             " bytes; the limit is " + std::to_string(limits.max_content_bytes));
  }
  if (Present(o, "zero_knowledge") && o.at("zero_knowledge") != Json(false)) {
    return FieldError("zero_knowledge", "not supported");
  }
  RememberRequest req;
  NewMemory& m = req.memory;
  m.content = std::move(*content);
  ASSIGN_OR_RETURN(m.scope, ResolveNamespace(o, fallback));
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> tags, OptStrings(o, "tags"));
  if (tags) m.tags = std::move(*tags);
  ASSIGN_OR_RETURN(std::optional<std::string> agent, OptString(o, "agent"));
  if (agent) m.agent = std::move(*agent);
  ASSIGN_OR_RETURN(std::optional<std::string> session, OptString(o, "session"));
  if (session) m.session = std::move(*session);
  ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(o, "memory_type"));
  if (type) {
    ASSIGN_OR_RETURN(m.kind, ParseMemoryType(*type));
  }
  return req;
}

Result<RecallSpec> ParseRecall(const Json& o, const Scope& fallback) {
  if (!o.is_object()) return InvalidArgument("must be a JSON object");
  RecallSpec spec;
  RecallRequest& req = spec.request;
  ASSIGN_OR_RETURN(std::optional<std::string> query, OptString(o, "query"));
  if (!query) return FieldError("query", "required");
  req.query = std::move(*query);
  if (Present(o, "limit")) {
    const Json& limit = o.at("limit");
    if (!limit.is_number_integer() || limit.get<int64_t>() < 1 || limit.get<int64_t>() > 1000) {
      return FieldError("limit", "must be an integer from 1 to 1000");
    }
    spec.limit = limit.get<int>();
  }
  if (Present(o, "cursor")) return FieldError("cursor", "not supported yet (next_cursor is null)");
  ASSIGN_OR_RETURN(Scope scope, ResolveNamespace(o, fallback));
  req.filter.scopes = {std::move(scope)};
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> tags, OptStrings(o, "tags"));
  if (tags) req.filter.tags = NormalizeTags(*tags);
  ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(o, "memory_type"));
  if (type) {
    ASSIGN_OR_RETURN(Kind kind, ParseMemoryType(*type));
    req.filter.kinds = {kind};
  }
  // after/before are exclusive bounds on created_at; the filter's since is inclusive.
  ASSIGN_OR_RETURN(int64_t after_ms, ParseTime(o, "after"));
  ASSIGN_OR_RETURN(int64_t before_ms, ParseTime(o, "before"));
  if (Present(o, "after")) req.filter.since_ms = after_ms + 1;
  if (Present(o, "before")) req.filter.until_ms = before_ms;
  ASSIGN_OR_RETURN(spec.agent, OptString(o, "agent"));
  ASSIGN_OR_RETURN(spec.session, OptString(o, "session"));
  bool post_filter =
      (spec.agent && !spec.agent->empty()) || (spec.session && !spec.session->empty());
  req.limit = post_filter ? std::max(spec.limit, kFilteredRecallFetch) : spec.limit;
  req.explain = true;  // the channel scores give memoryOSS's provenance
  return spec;
}

Json RecallJson(const RecallSpec& spec, const RecallResponse& resp) {
  Json memories = Json::array();
  for (const RankedHit& hit : resp.hits) {
    if (static_cast<int>(memories.size()) >= spec.limit) break;
    const Memory& m = hit.memory;
    if (spec.agent && !spec.agent->empty() && m.agent != *spec.agent) continue;
    if (spec.session && !spec.session->empty() && m.session != *spec.session) continue;
    Json provenance = Json::array();
    if (hit.channels.vector > 0) provenance.push_back("vector");
    if (hit.channels.text > 0) provenance.push_back("fts");
    if (hit.channels.exact > 0) provenance.push_back("exact");
    memories.push_back(
        {{"memory", MemoryObject(m)}, {"score", hit.score}, {"provenance", provenance}});
  }
  return Json{{"memories", std::move(memories)}, {"next_cursor", nullptr}};
}

// The error for item `i` of a batch field: "memories[2].content: required".
Status InBatch(const Status& st, std::string_view field, size_t i) {
  return {st.code(), std::string(field) + "[" + std::to_string(i) + "]." + st.message()};
}

}  // namespace

Reply V1ErrorReply(int status, std::string_view message) {
  return Reply{.status = status, .body = Dump(Json{{"error", std::string(message)}})};
}

V1Api::V1Api(MemoryService& service, Scope default_scope, LimitsConfig limits)
    : service_(service), default_scope_(std::move(default_scope)), limits_(limits) {}

Reply V1Api::Store(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<Json> body = ParseObject(request.body);
  if (!body.ok()) return FromStatus(body.status());
  Result<RememberRequest> req = ParseStore(*body, default_scope_, limits_);
  if (!req.ok()) return FromStatus(req.status());
  Result<RememberResult> stored = svc.Remember(*req);
  if (!stored.ok()) return FromStatus(stored.status());
  // memoryOSS refuses a semantic duplicate with 400; memex stores it, links it and says so here
  // (docs/hygiene.md).
  Json near = Json::array();
  for (const NearDuplicate& d : stored->near_duplicates) {
    near.push_back({{"id", d.id}, {"similarity", d.similarity}, {"reason", d.reason}});
  }
  return Ok({{"id", stored->id},
             {"version", stored->version},
             {"created", stored->created},
             {"near_duplicates", std::move(near)}});
}

Reply V1Api::StoreBatch(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<Json> body = ParseObject(request.body);
  if (!body.ok()) return FromStatus(body.status());
  if (!Present(*body, "memories") || !body->at("memories").is_array() ||
      body->at("memories").empty()) {
    return V1ErrorReply(400, "memories: required, a non-empty array of memories");
  }
  const Json& items = body->at("memories");
  if (items.size() > static_cast<size_t>(limits_.max_batch)) {
    return V1ErrorReply(413, "memories: " + std::to_string(items.size()) +
                                 " memories; the limit is " + std::to_string(limits_.max_batch));
  }
  std::vector<RememberRequest> reqs;
  reqs.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Result<RememberRequest> req = ParseStore(items[i], default_scope_, limits_);
    if (!req.ok()) return FromStatus(InBatch(req.status(), "memories", i));
    reqs.push_back(std::move(req).value());
  }
  Result<std::vector<RememberResult>> stored = svc.RememberBatch(reqs);
  if (!stored.ok()) return FromStatus(stored.status());
  Json out = Json::array();
  for (const RememberResult& r : *stored) out.push_back({{"id", r.id}, {"version", r.version}});
  return Ok({{"stored", std::move(out)}});
}

Reply V1Api::Recall(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<Json> body = ParseObject(request.body);
  if (!body.ok()) return FromStatus(body.status());
  Result<RecallSpec> spec = ParseRecall(*body, default_scope_);
  if (!spec.ok()) return FromStatus(spec.status());
  Result<RecallResponse> resp = svc.Recall(spec->request);
  if (!resp.ok()) return FromStatus(resp.status());
  return Ok(RecallJson(*spec, *resp));
}

Reply V1Api::RecallBatch(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<Json> body = ParseObject(request.body);
  if (!body.ok()) return FromStatus(body.status());
  if (!Present(*body, "queries") || !body->at("queries").is_array() ||
      body->at("queries").empty()) {
    return V1ErrorReply(400, "queries: required, a non-empty array of recall requests");
  }
  const Json& items = body->at("queries");
  if (items.size() > static_cast<size_t>(kMaxBatchQueries)) {
    return V1ErrorReply(413, "queries: " + std::to_string(items.size()) +
                                 " queries; the limit is " + std::to_string(kMaxBatchQueries));
  }
  // Validate every query before running any, so a bad one is reported without partial work.
  std::vector<RecallSpec> specs;
  for (size_t i = 0; i < items.size(); ++i) {
    Result<RecallSpec> spec = ParseRecall(items[i], default_scope_);
    if (!spec.ok()) return FromStatus(InBatch(spec.status(), "queries", i));
    specs.push_back(std::move(spec).value());
  }
  Json results = Json::array();
  for (size_t i = 0; i < specs.size(); ++i) {
    Result<RecallResponse> resp = svc.Recall(specs[i].request);
    if (!resp.ok()) return FromStatus(InBatch(resp.status(), "queries", i));
    results.push_back(RecallJson(specs[i], *resp));
  }
  return Ok({{"results", std::move(results)}});
}

Reply V1Api::Update(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<Json> body = ParseObject(request.body);
  if (!body.ok()) return FromStatus(body.status());
  Result<std::optional<std::string>> id = OptString(*body, "id");
  if (!id.ok()) return FromStatus(id.status());
  if (!*id) return V1ErrorReply(400, "id: required");
  if (!IsUuid(**id)) return V1ErrorReply(400, "id: not a memory id");
  Result<Scope> scope = ResolveNamespace(*body, default_scope_);
  if (!scope.ok()) return FromStatus(scope.status());

  UpdateRequest req{.id = **id, .patch = {}};
  Result<std::optional<std::string>> content = OptString(*body, "content");
  if (!content.ok()) return FromStatus(content.status());
  if (*content && (*content)->size() > static_cast<size_t>(limits_.max_content_bytes)) {
    return V1ErrorReply(413, "content: " + std::to_string((*content)->size()) +
                                 " bytes; the limit is " +
                                 std::to_string(limits_.max_content_bytes));
  }
  req.patch.content = std::move(*content);
  Result<std::optional<std::vector<std::string>>> tags = OptStrings(*body, "tags");
  if (!tags.ok()) return FromStatus(tags.status());
  req.patch.tags = std::move(*tags);
  Result<std::optional<std::string>> type = OptString(*body, "memory_type");
  if (!type.ok()) return FromStatus(type.status());
  if (*type) {
    Result<Kind> kind = ParseMemoryType(**type);
    if (!kind.ok()) return FromStatus(kind.status());
    req.patch.kind = *kind;
  }

  // Confine the update to the namespace: a memory of another scope is "not found" there.
  Result<Memory> current = svc.Get(req.id);
  if (!current.ok()) {
    if (current.status().code() == StatusCode::kNotFound) {
      return V1ErrorReply(404, "memory not found");
    }
    return FromStatus(current.status());
  }
  if (current->scope != *scope) return V1ErrorReply(404, "memory not found");
  Result<RememberResult> updated = svc.Update(req);
  if (!updated.ok()) {
    if (updated.status().code() == StatusCode::kNotFound) {
      return V1ErrorReply(404, "memory not found");
    }
    return FromStatus(updated.status());
  }
  Result<Memory> now = svc.Get(updated->id);
  if (!now.ok()) return FromStatus(now.status());
  return Ok({{"id", updated->id},
             {"version", updated->version},
             {"updated_at", FormatRfc3339Ms(now->updated_ms)}});
}

Reply V1Api::Forget(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<Json> body = ParseObject(request.body);
  if (!body.ok()) return FromStatus(body.status());
  for (const char* filter : {"agent", "session", "tags", "before"}) {
    if (Present(*body, filter)) {
      return V1ErrorReply(
          400, std::string(filter) + ": forget by filter is not supported yet; pass ids");
    }
  }
  Result<std::optional<std::vector<std::string>>> ids = OptStrings(*body, "ids");
  if (!ids.ok()) return FromStatus(ids.status());
  if (!*ids || (*ids)->empty()) return V1ErrorReply(400, "ids: required, a non-empty array");
  for (const std::string& id : **ids) {
    if (!IsUuid(id)) return V1ErrorReply(400, "ids: '" + id.substr(0, 64) + "' is not a memory id");
  }
  Result<Scope> scope = ResolveNamespace(*body, default_scope_);
  if (!scope.ok()) return FromStatus(scope.status());
  // A namespace the caller may not write to is refused as a whole, as on every other route.
  if (Status st = request.principal.MayWrite(*scope); !st.ok()) return FromStatus(st);

  // Ids that are unknown, already forgotten or of another scope are skipped, not errors:
  // `deleted` counts what this call forgot.
  int64_t deleted = 0;
  for (const std::string& id : **ids) {
    Result<Memory> m = svc.Get(id);
    if (!m.ok()) {
      if (m.status().code() == StatusCode::kNotFound) continue;
      return FromStatus(m.status());
    }
    if (m->scope != *scope) continue;
    Result<ForgetResult> forgot = svc.Forget(id, /*hard=*/false);
    if (!forgot.ok()) {
      if (forgot.status().code() == StatusCode::kNotFound) continue;
      return FromStatus(forgot.status());
    }
    ++deleted;
  }
  return Ok({{"deleted", deleted}});
}

Reply V1Api::Consolidate(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<Json> body = ParseObject(request.body);
  if (!body.ok()) return FromStatus(body.status());
  Result<Scope> scope = ResolveNamespace(*body, default_scope_);
  if (!scope.ok()) return FromStatus(scope.status());
  ConsolidateRequest req;
  req.filter.scopes = {*scope};
  req.threshold = kDefaultConsolidateThreshold;
  req.max_groups = kDefaultMaxClusters;
  req.apply = true;  // memoryOSS's dry_run defaults to false
  if (Present(*body, "threshold")) {
    const Json& t = body->at("threshold");
    if (!t.is_number() || !(t.get<double>() > 0 && t.get<double>() <= 1)) {
      return V1ErrorReply(400, "threshold: must be a number above 0 and at most 1");
    }
    req.threshold = t.get<double>();
  }
  if (Present(*body, "max_clusters")) {
    const Json& m = body->at("max_clusters");
    if (!m.is_number_integer() || m.get<int64_t>() < 1 || m.get<int64_t>() > kMaxClusters) {
      return V1ErrorReply(
          400, "max_clusters: must be an integer from 1 to " + std::to_string(kMaxClusters));
    }
    req.max_groups = m.get<int>();
  }
  if (Present(*body, "dry_run")) {
    if (!body->at("dry_run").is_boolean()) return V1ErrorReply(400, "dry_run: must be a boolean");
    req.apply = !body->at("dry_run").get<bool>();
  }
  Result<ConsolidateResult> r = svc.Consolidate(req);
  if (!r.ok()) return FromStatus(r.status());
  Json groups = Json::array();
  for (const ConsolidationGroup& g : r->groups) {
    Json merged = Json::array();
    for (const Memory& m : g.merged) merged.push_back(m.id);
    groups.push_back(
        {{"kept", g.kept_id}, {"merged", std::move(merged)}, {"avg_similarity", g.avg_similarity}});
  }
  return Ok(
      {{"groups", std::move(groups)}, {"total_merged", r->total_merged}, {"dry_run", !r->applied}});
}

Reply V1Api::Export(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Json query = Json::object();
  if (request.param) query["namespace"] = request.param("namespace");
  Result<Scope> scope = ResolveNamespace(query, default_scope_);
  if (!scope.ok()) return FromStatus(scope.status());
  ListRequest req;
  req.query.filter.scopes = {*scope};
  req.query.limit = 0;
  req.query.oldest_first = true;
  Result<ListResponse> list = svc.List(req);
  if (!list.ok()) return FromStatus(list.status());
  Json out = Json::array();
  for (const Memory& m : list->memories) out.push_back(MemoryObject(m));
  return Ok(out);
}

Reply V1Api::Memories(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Json query = Json::object();
  if (request.param) query["namespace"] = request.param("namespace");
  Result<Scope> scope = ResolveNamespace(query, default_scope_);
  if (!scope.ok()) return FromStatus(scope.status());
  Result<int64_t> limit = ParamInt(request, "limit", kDefaultPageLimit, 1, kMaxPageLimit);
  if (!limit.ok()) return FromStatus(limit.status());
  Result<int64_t> offset = ParamInt(request, "offset", 0, 0, INT64_C(999999999999));
  if (!offset.ok()) return FromStatus(offset.status());
  ListRequest req;
  req.query.filter.scopes = {*scope};
  req.query.limit = static_cast<int>(*limit);
  req.query.offset = *offset;
  Result<ListResponse> list = svc.List(req);
  if (!list.ok()) return FromStatus(list.status());
  Json memories = Json::array();
  for (const Memory& m : list->memories) memories.push_back(MemoryObject(m));
  return Ok({{"memories", std::move(memories)}, {"total", list->total}});
}

}  // namespace memex::http
