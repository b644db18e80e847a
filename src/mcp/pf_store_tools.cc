// pf_scan, pf_peek and pf_poke over memex's own store (the "memex" backend) and the configured
// sources (routed by backend name and URI scheme).
#include <algorithm>
#include <utility>
#include <variant>

#include "base/ids.h"
#include "base/log.h"
#include "base/text.h"
#include "base/time_util.h"
#include "mcp/pf_common.h"
#include "mcp/pf_uri.h"

namespace memex::mcp::pf {
namespace {

Json Explain(const ChannelScores& c) {
  Json out = Json::object();
  ForEachChannel(c, [&](const char* name, const auto& value) { out[name] = value; });
  return out;
}

std::vector<std::string> MatchedTerms(const ChannelScores& c) {
  std::vector<std::string> terms = c.matched_terms;
  terms.insert(terms.end(), c.matched_identifiers.begin(), c.matched_identifiers.end());
  return terms;
}

using MemoryOrError = std::variant<Memory, ToolError>;

// Resolves an id or a memex:// URI to the memory version it names (any version; not forgotten).
MemoryOrError ResolveMemory(MemoryApi& svc, std::string_view ref, std::string_view what) {
  std::string_view t = Trim(ref);
  std::string id(t);
  std::optional<Scope> scope;
  if (t.find("://") != std::string_view::npos) {
    auto parsed = ParseMemoryUri(t);
    if (!parsed.ok()) return FromStatus(parsed.status(), "backend_not_found");
    id = parsed->id;
    scope = parsed->scope;
  } else if (!IsUuid(t)) {
    return InvalidRequest(std::string(what) + ": '" + TruncateUtf8(t, 64) +
                          "' is neither a memory id nor a memex:// URI");
  }
  auto m = svc.Get(AsciiLower(id));
  if (!m.ok()) return FromStatus(m.status());
  // A URI whose scope is not the memory's own names nothing: never resolve across scopes.
  if (scope && *scope != m->scope) {
    return ToolError{"resource_not_found", 404, "no memory " + id + " in " + scope->ToString()};
  }
  return std::move(m).value();
}

std::optional<ToolError> CheckSize(const Deps& d, const std::string& content) {
  size_t limit = static_cast<size_t>(d.config.limits.max_content_bytes);
  if (content.size() <= limit) return std::nullopt;
  return ToolError{"content_too_large", 413,
                   "content is " + std::to_string(content.size()) + " bytes; the limit is " +
                       std::to_string(limit) + " (limits.max_content_bytes)"};
}

ToolOutcome ForgetMemory(MemoryApi& svc, std::string_view ref) {
  MemoryOrError m = ResolveMemory(svc, ref, "forget");
  if (auto* err = std::get_if<ToolError>(&m)) return *err;
  const Memory& mem = std::get<Memory>(m);
  auto res = svc.Forget(mem.id, /*hard=*/false);
  if (!res.ok()) return FromStatus(res.status());
  return Json{{"status", "forgotten"},
              {"mode", "memory"},
              {"uri", FormatMemoryUri(mem.scope, mem.id)},
              {"id", mem.id},
              {"rows", res->rows}};
}

}  // namespace

ToolOutcome Scan(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx) {
  ArgReader r(args);
  std::optional<std::string> query = r.String("query");
  std::optional<int64_t> limit = r.Int("limit");
  std::optional<std::vector<std::string>> backends = r.Strings("backends");
  const Json* date_range = r.Object("date_range");
  std::optional<std::string> scope = r.String("scope");
  std::optional<std::vector<std::string>> scopes = r.Strings("scopes");
  std::optional<std::vector<std::string>> kinds = r.Strings("kinds");
  std::optional<std::vector<std::string>> tags = r.Strings("tags");
  bool explain = r.Bool("explain").value_or(false);
  std::optional<std::string> from, to;
  if (date_range != nullptr) {
    ArgReader range(*date_range);
    from = range.String("from");
    to = range.String("to");
    if (!range.ok()) r.Fail("date_range: " + range.error().message);
  }
  if (!r.ok()) return r.error();
  if (!query || Trim(*query).empty()) return InvalidRequest("empty query");
  if (limit && *limit < 0) return InvalidRequest("limit must not be negative");
  // Which backends answer: all by default, else the named ones ("memex" = the store). Session
  // events fill up a store answer shorter than the limit, or answer when named ("events").
  bool use_store = !backends;
  bool use_events = !backends && d.capture != nullptr;
  bool events_named = false;
  std::vector<const Source*> sources;
  if (!backends) {
    for (const auto& s : d.sources) sources.push_back(s.get());
  } else {
    for (const std::string& b : *backends) {
      if (b == kBackendName) {
        use_store = true;
        use_events = use_events || d.capture != nullptr;
      } else if (b == kEventsBackend && d.capture != nullptr) {
        use_events = events_named = true;
      } else if (const Source* s = SourceByName(d, b)) {
        if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
      } else {
        std::string available(kBackendName);
        if (d.capture != nullptr) available += ", " + std::string(kEventsBackend);
        for (const auto& s2 : d.sources) available += ", " + s2->name();
        return ToolError{
            "backend_not_found", 404,
            "unknown backend '" + TruncateUtf8(b, 64) + "' (available: " + available + ")"};
      }
    }
  }
  auto filter = ResolveScopes(scope, scopes, d.default_scope, d.config);
  if (!filter.ok()) return FromStatus(filter.status());
  RecallRequest req;
  req.query = *query;
  req.filter = std::move(filter).value();
  req.explain = true;  // matched terms place the snippet; scores are shown only on request
  const int max_limit = d.config.recall.max_limit;
  req.limit = !limit || *limit == 0 ? d.config.recall.default_limit
                                    : static_cast<int>(std::min<int64_t>(*limit, max_limit));
  if (kinds) {
    for (const std::string& k : *kinds) {
      auto kind = ParseKind(Trim(k));
      if (!kind.ok()) return FromStatus(kind.status());
      req.filter.kinds.push_back(*kind);
    }
  }
  if (tags) req.filter.tags = NormalizeTags(*tags);
  if (from && !Trim(*from).empty()) {
    auto ms = ParseRangeBound(*from, /*is_upper=*/false);
    if (!ms.ok()) return FromStatus(ms.status().WithContext("date_range.from"));
    req.filter.since_ms = *ms;
  }
  if (to && !Trim(*to).empty()) {
    auto ms = ParseRangeBound(*to, /*is_upper=*/true);
    if (!ms.ok()) return FromStatus(ms.status().WithContext("date_range.to"));
    req.filter.until_ms = *ms;
  }
  std::vector<RankedHit> store_hits;
  if (use_store) {
    auto resp = svc.Recall(req);
    if (!resp.ok()) return FromStatus(resp.status());
    store_hits = std::move(resp->hits);
  }
  Json results = Json::array();
  double lowest_store_score = 1.0;
  for (const RankedHit& hit : store_hits) {
    lowest_store_score = std::min(lowest_store_score, hit.score);
  }
  for (const RankedHit& hit : store_hits) {
    const Memory& m = hit.memory;
    Json meta = MemoryMetadata(m);
    meta["line"] = nullptr;
    if (explain) meta["explain"] = Explain(hit.channels);
    results.push_back({{"uri", FormatMemoryUri(m.scope, m.id)},
                       {"snippet", Snippet(m.content, MatchedTerms(hit.channels))},
                       {"score", hit.score},
                       {"metadata", std::move(meta)},
                       {"backend", kBackendName}});
  }
  // Events carry no kind or tags, so those filters leave them out; date_range applies to the
  // event's time. Their scores stay below every memory hit's, so they come after them.
  bool events_apply = use_events && req.filter.kinds.empty() && req.filter.tags.empty();
  size_t event_hits = 0;
  if (events_apply && (events_named || store_hits.size() < static_cast<size_t>(req.limit))) {
    int want = events_named ? req.limit : req.limit - static_cast<int>(store_hits.size());
    double ceiling = lowest_store_score > 0 ? lowest_store_score : 1e-6;
    auto events = ScanEvents(d, *query, req.filter, want, ceiling, ctx);
    if (events.ok()) {
      event_hits = events->size();
      for (Json& e : *events) results.push_back(std::move(e));
    } else if (events_named) {
      return FromStatus(events.status());
    } else {  // a fallback that fails leaves the memory hits standing
      LogWarn("pf_scan: events channel failed: " + events.status().ToString());
    }
  }
  // Files carry no kind, so a kinds filter leaves sources out; tags come from auto_tags and
  // date_range applies to the file's mtime.
  if (!req.filter.kinds.empty()) sources.clear();
  for (const Source* src : sources) {
    auto hits = src->Search(*query, req.limit);
    if (!hits.ok()) return FromStatus(hits.status());
    for (SourceHit& h : *hits) {
      if (req.filter.since_ms > 0 && h.mtime_ms < req.filter.since_ms) continue;
      if (req.filter.until_ms > 0 && h.mtime_ms >= req.filter.until_ms) continue;
      bool tagged =
          std::all_of(req.filter.tags.begin(), req.filter.tags.end(), [&](const std::string& t) {
            return std::find(h.tags.begin(), h.tags.end(), t) != h.tags.end();
          });
      if (!tagged) continue;
      Json meta{{"backend", src->name()},
                {"line", h.line},
                {"size", h.size_bytes},
                {"mtime", FormatRfc3339Ms(h.mtime_ms)},
                {"tags", h.tags}};
      results.push_back({{"uri", std::move(h.uri)},
                         {"snippet", std::move(h.snippet)},
                         {"score", h.score},
                         {"metadata", std::move(meta)},
                         {"backend", src->name()}});
    }
  }
  // One ranking: every backend scores in [0, 1] and hits are ordered by score; ties keep the
  // store's hits first and each backend's own order (docs/tools.md, pf_scan).
  if (!sources.empty() || event_hits > 0) {
    std::vector<Json> merged(results.begin(), results.end());
    std::stable_sort(merged.begin(), merged.end(), [](const Json& a, const Json& b) {
      return a["score"].get<double>() > b["score"].get<double>();
    });
    if (merged.size() > static_cast<size_t>(req.limit))
      merged.resize(static_cast<size_t>(req.limit));
    results = Json(std::move(merged));
  }
  return Json{{"results", std::move(results)}};
}

ToolOutcome Peek(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx) {
  ArgReader r(args);
  std::optional<std::string> uri = r.String("uri");
  int64_t from_line = r.Int("from_line").value_or(0);
  int64_t to_line = r.Int("to_line").value_or(0);
  if (!r.ok()) return r.error();
  if (!uri || Trim(*uri).empty()) return InvalidRequest("uri is required");
  if (from_line < 0 || to_line < 0) return InvalidRequest("line numbers start at 1");
  if (from_line > 0 && to_line > 0 && to_line < from_line) {
    return InvalidRequest("to_line " + std::to_string(to_line) + " is before from_line " +
                          std::to_string(from_line));
  }
  std::string_view scheme = UriScheme(Trim(*uri));
  if (const Source* src = SourceByScheme(d, scheme); src != nullptr && scheme != kMemexScheme) {
    auto doc = src->Read(Trim(*uri), from_line, to_line);
    if (!doc.ok()) return FromStatus(doc.status());
    return Json{{"resource",
                 {{"uri", doc->uri},
                  {"content", std::move(doc->content)},
                  {"content_type", kContentType},
                  {"metadata",
                   {{"size", doc->size_bytes},
                    {"mtime", FormatRfc3339Ms(doc->mtime_ms)},
                    {"tags", doc->tags},
                    {"backend", src->name()}}}}}};
  }
  if (d.capture != nullptr) {
    auto any = ParseMemexUri(Trim(*uri));
    if (!any.ok()) return FromStatus(any.status(), "backend_not_found");
    if (any->collection != Collection::kMemories) {
      return PeekCapture(d, *any, from_line, to_line, ctx);
    }
  }
  auto parsed = ParseMemoryUri(Trim(*uri));
  if (!parsed.ok()) return FromStatus(parsed.status(), "backend_not_found");
  auto m = svc.Get(parsed->id);
  if (!m.ok()) return FromStatus(m.status());
  if (m->scope != parsed->scope) {
    return ToolError{"resource_not_found", 404,
                     "no memory " + parsed->id + " in " + parsed->scope.ToString()};
  }
  Json meta = MemoryMetadata(*m);
  meta["size"] = m->content.size();
  meta["mtime"] = meta["updated_at"];
  return Json{{"resource",
               {{"uri", FormatMemoryUri(m->scope, m->id)},
                {"content", SliceLines(m->content, from_line, to_line)},
                {"content_type", kContentType},
                {"metadata", std::move(meta)}}}};
}

ToolOutcome Poke(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx) {
  ArgReader r(args);
  std::optional<std::string> content = r.String("content");
  std::optional<std::string> mode = r.String("mode");
  std::optional<std::string> uri = r.String("uri");
  std::optional<std::string> format = r.String("format");
  std::optional<std::string> agent = r.String("agent");
  r.String("target");
  r.Int("timeout_seconds");
  std::optional<std::string> kind_name = r.String("kind");
  std::optional<std::vector<std::string>> tags = r.Strings("tags");
  std::optional<std::string> scope = r.String("scope");
  std::optional<std::string> replaces = r.String("replaces");
  std::optional<std::string> forget = r.String("forget");
  const bool wait = r.Bool("wait_for_vectors").value_or(false);
  if (!r.ok()) return r.error();
  const std::string modes =
      d.capture != nullptr ? "memory, direct, agent, handoff or lesson" : "memory, direct or agent";
  if (!mode || mode->empty()) return InvalidRequest("mode is required: " + modes);
  if (d.capture != nullptr && (*mode == "handoff" || *mode == "lesson")) {
    return PokeCapture(d, *mode, args, ctx);
  }
  bool has_content = content && !Trim(*content).empty();
  if (*mode == "agent") {
    if (!has_content) return InvalidRequest("content is required");
    if (auto err = CheckSize(d, *content)) return *err;
    std::string what = agent && !agent->empty() ? "agent '" + TruncateUtf8(*agent, 64) + "'"
                                                : std::string("subagent");
    return ToolError{"agent_not_found", 404,
                     "no " + what + " is configured on this server; use mode 'memory'"};
  }
  if (*mode == "direct") {
    if (!has_content) return InvalidRequest("content is required");
    if (!uri || uri->empty()) return InvalidRequest("uri is required for mode 'direct'");
    if (format && *format != "entry" && *format != "raw") {
      return InvalidRequest("format must be 'entry' or 'raw'");
    }
    if (auto err = CheckSize(d, *content)) return *err;
    std::string_view scheme = UriScheme(*uri);
    if (scheme.empty())
      return InvalidRequest("missing scheme in URI '" + TruncateUtf8(*uri, 200) + "'");
    if (const Source* src = SourceByScheme(d, scheme)) {
      // Sources are not memex scopes: appending needs the write role, reading any role.
      if (ctx.principal.role < Role::kWrite) {
        return ToolError{"access_violation", 403,
                         ctx.principal.Describe() + " may not write to source '" + src->name() +
                             "' (write role required)"};
      }
      bool raw = format && *format == "raw";
      auto w = src->Append(*uri, *content, ctx.principal.name, raw);
      if (!w.ok()) return FromStatus(w.status());
      return Json{{"status", "written"},
                  {"mode", "direct"},
                  {"uri", w->uri},
                  {"bytes_written", w->bytes_written},
                  {"format", raw ? "raw" : "entry"},
                  {"backend", src->name()}};
    }
    return ToolError{"backend_not_found", 404,
                     "no writable source is configured for scheme '" + TruncateUtf8(scheme, 64) +
                         "'; use mode 'memory' to store a memory"};
  }
  if (*mode != "memory") {
    return InvalidRequest("unknown mode '" + TruncateUtf8(*mode, 64) + "' (" + modes + ")");
  }
  if (forget) {
    if (replaces) return InvalidRequest("give either 'forget' or 'replaces', not both");
    return ForgetMemory(svc, *forget);
  }
  if (!has_content) return InvalidRequest("content is required");
  if (auto err = CheckSize(d, *content)) return *err;
  std::optional<Kind> kind;
  if (kind_name && !kind_name->empty()) {
    auto k = ParseKind(Trim(*kind_name));
    if (!k.ok()) return FromStatus(k.status());
    kind = *k;
  }

  // Written by a call the agent's hooks saw: the memory names the session that wrote it.
  SessionLink link = LinkToolUse(d, ctx);
  Scope target;
  RememberResult written;
  std::string replaced_id;
  if (replaces) {
    MemoryOrError old = ResolveMemory(svc, *replaces, "replaces");
    if (auto* err = std::get_if<ToolError>(&old)) return *err;
    const Memory& prev = std::get<Memory>(old);
    UpdateRequest req;
    req.id = prev.id;
    req.patch.content = *content;
    if (tags) req.patch.tags = *tags;
    req.patch.kind = kind;
    req.patch.agent = link.agent;
    req.patch.session = link.session;
    req.wait_for_vectors = wait;
    auto res = svc.Update(req);
    if (!res.ok()) return FromStatus(res.status());
    written = *res;
    target = prev.scope;
    replaced_id = prev.id;
  } else {
    auto filter = ResolveScopes(scope, std::nullopt, d.default_scope, d.config);
    if (!filter.ok()) return FromStatus(filter.status());
    if (filter->all_scopes) return InvalidRequest("scope '*' cannot be written to");
    RememberRequest req;
    req.memory.scope = filter->scopes.front();
    req.memory.kind = kind.value_or(Kind::kFact);
    req.memory.content = *content;
    if (tags) req.memory.tags = *tags;
    req.memory.agent = link.agent;
    req.memory.session = link.session;
    req.wait_for_vectors = wait;
    auto res = svc.Remember(req);
    if (!res.ok()) return FromStatus(res.status());
    written = *res;
    target = req.memory.scope;
  }
  Json out{{"status", "written"},
           {"mode", "memory"},
           {"uri", FormatMemoryUri(target, written.id)},
           {"id", written.id},
           {"version", written.version},
           {"created", written.created},
           {"redactions", written.redactions}};
  if (wait) out["embedded"] = written.embedded;
  if (!replaced_id.empty()) out["replaces"] = replaced_id;
  // Stored anyway, linked and reported (docs/hygiene.md): the agent may prefer to update one.
  if (!written.near_duplicates.empty()) {
    Json near = Json::array();
    for (const NearDuplicate& n : written.near_duplicates) {
      near.push_back({{"id", n.id},
                      {"uri", FormatMemoryUri(target, n.id)},
                      {"similarity", n.similarity},
                      {"reason", n.reason}});
    }
    out["near_duplicates"] = std::move(near);
  }
  // A duplicate changes nothing, so it is linked to nothing new either.
  if (!link.session.empty() && written.created) out["session"] = link.session;
  return out;
}

}  // namespace memex::mcp::pf
