// Capture through the pagefault tools (docs/tools.md): the built-in contexts handoff, briefing
// and lessons, pf_poke modes handoff and lesson, session/handoff/lesson URIs for pf_peek, and
// the session-event channel of pf_scan. CaptureService trusts its callers with authorization
// (service/capture_service.h), so every function here checks ctx.principal first, as
// AuthorizedService does for memories.
#include <algorithm>
#include <utility>

#include "base/log.h"
#include "base/text.h"
#include "base/time_util.h"
#include "capture/agent_output.h"
#include "capture/event_json.h"
#include "capture/session_digest.h"
#include "mcp/pf_common.h"
#include "mcp/pf_uri.h"

namespace memex::mcp::pf {
namespace {

constexpr size_t kPromptLineBytes = 400;  // per event line of a session's pf_peek rendering
constexpr size_t kToolTextBytes = 240;
constexpr int kMaxPeekEvents = 5000;  // a session longer than this is cut (the rest: CLI)
constexpr int kEventOverfetch = 4;    // when hits are filtered after the search

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Text on one line (whitespace runs become one space), at most `max` bytes: one event, one line,
// so pf_peek's line ranges select events.
std::string OneLine(std::string_view text, size_t max) {
  std::string flat;
  bool space = false;
  for (char c : text) {
    if (IsSpace(c)) {
      space = !flat.empty();
      continue;
    }
    if (space) flat += ' ';
    space = false;
    flat += c;
    if (flat.size() > max + 4) break;  // enough to cut on a character boundary
  }
  return TruncateUtf8(flat, max);
}

// The query's words, quotes stripped: the store matches events holding all of them.
std::vector<std::string> QueryWords(std::string_view query) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    std::string_view w = cur;
    while (!w.empty() && (w.front() == '"' || w.front() == '\'')) w.remove_prefix(1);
    while (!w.empty() && (w.back() == '"' || w.back() == '\'')) w.remove_suffix(1);
    if (!w.empty()) words.emplace_back(w);
    cur.clear();
  };
  for (char c : query) {
    if (IsSpace(c)) {
      flush();
    } else {
      cur += c;
    }
  }
  flush();
  return words;
}

std::string TimeText(int64_t ms) { return ms == 0 ? std::string("-") : FormatRfc3339Ms(ms); }

// A session, handoff or lesson the caller may not read is reported exactly like a missing one,
// so ids cannot be probed across scopes.
ToolError NotFoundIn(std::string_view what, const std::string& id, const Scope& scope) {
  return ToolError{
      "resource_not_found", 404,
      std::string(what) + " " + TruncateUtf8(id, 64) + " not found in " + scope.ToString()};
}

std::string EventLine(const Event& e) {
  std::string line = "- " + FormatRfc3339Ms(e.ts_ms) + " " + std::string(EventKindName(e.kind));
  switch (e.kind) {
    case EventKind::kUserPrompt:
      line += ": " + OneLine(e.prompt, kPromptLineBytes);
      break;
    case EventKind::kPreToolUse:
    case EventKind::kPostToolUse:
      if (!e.tool_name.empty()) line += " " + e.tool_name;
      if (!e.tool_input.empty()) line += " " + OneLine(e.tool_input, kToolTextBytes);
      if (!e.tool_output.empty()) line += " → " + OneLine(e.tool_output, kToolTextBytes);
      if (e.duration_ms > 0) line += " (" + std::to_string(e.duration_ms) + " ms)";
      if (e.tool_error) line += " [failed]";
      break;
    default:
      if (!e.detail.empty()) line += " (" + OneLine(e.detail, 80) + ")";
      if (!e.message.empty()) line += ": " + OneLine(e.message, kPromptLineBytes);
      break;
  }
  return line;
}

std::string RenderSession(const Session& s, const std::vector<Event>& events, bool cut) {
  std::string out = "# Session " + s.id + "\n\n";
  out += "- agent: " + (s.agent.empty() ? std::string("unknown") : s.agent) + "\n";
  out += "- scope: " + s.scope.ToString() + "\n";
  if (!s.cwd.empty()) {
    out +=
        "- cwd: " + s.cwd + (s.git_branch.empty() ? "" : " (branch " + s.git_branch + ")") + "\n";
  }
  out +=
      "- started: " + TimeText(s.started_ms) + ", last event: " + TimeText(s.last_event_ms) + "\n";
  out += s.ended_ms != 0 ? "- ended: " + TimeText(s.ended_ms) +
                               (s.end_reason.empty() ? "" : " (" + s.end_reason + ")") + "\n"
                         : std::string("- open\n");
  out += "- events: " + std::to_string(s.event_count) + " (prompts " +
         std::to_string(s.prompt_count) + ", tool calls " + std::to_string(s.tool_count) +
         ", errors " + std::to_string(s.error_count) + ")\n";
  if (!s.summary_id.empty()) {
    out += "- summary: " + FormatMemexUri(s.scope, Collection::kMemories, s.summary_id) + "\n";
  }
  if (!s.handoff_offered.empty()) {
    out +=
        "- handoff offered: " + FormatMemexUri(s.scope, Collection::kHandoffs, s.handoff_offered) +
        "\n";
  }
  out += "\n## Events\n\n";
  for (const Event& e : events) out += EventLine(e) + "\n";
  if (cut) {
    out += "- … later events not shown (memex sessions show " + s.id + ")\n";
  }
  return out;
}

std::string RenderLesson(const Lesson& l) {
  std::string out;
  if (!l.title.empty() && l.title != l.rule) out += l.title + "\n\n";
  out += l.rule + "\n\n";
  out += "- severity: " + std::string(SeverityName(l.severity)) + "\n";
  out += "- phase: " + std::string(LessonPhaseName(l.phase)) + "\n";
  if (!l.tool.empty()) out += "- tool: " + l.tool + "\n";
  if (!l.input_regex.empty()) out += "- input_regex: " + l.input_regex + "\n";
  if (!l.output_regex.empty()) out += "- output_regex: " + l.output_regex + "\n";
  if (!l.file_globs.empty()) out += "- file_globs: " + Join(l.file_globs, ", ") + "\n";
  out += "- scope: " + (l.global ? std::string("global") : l.scope.ToString()) + "\n";
  out += std::string("- active: ") + (l.active ? "yes" : "no") + ", triggered " +
         std::to_string(l.trigger_count) + " times";
  return out;
}

// The metadata pf_peek adds to every resource: pagefault's backend, size and mtime.
Json WithResourceFields(Json meta, size_t size, int64_t mtime_ms) {
  meta["backend"] = kBackendName;
  meta["size"] = size;
  meta["mtime"] = TimeText(mtime_ms);
  return meta;
}

Json PeekResult(const std::string& uri, const std::string& content, int64_t from_line,
                int64_t to_line, Json meta) {
  return Json{{"resource",
               {{"uri", uri},
                {"content", SliceLines(content, from_line, to_line)},
                {"content_type", kContentType},
                {"metadata", std::move(meta)}}}};
}

// The text of an event pf_scan's snippet shows: prompt, tool, input, output, message.
std::string EventText(const Event& e) {
  std::vector<std::string> parts;
  for (const std::string* s :
       {&e.prompt, &e.tool_name, &e.tool_input, &e.tool_output, &e.message}) {
    if (!s->empty()) parts.push_back(*s);
  }
  return Join(parts, " ");
}

// The target scope of a capture write: `scope` or the default scope; never "*".
Result<Scope> WriteScope(const Deps& d, const std::optional<std::string>& scope) {
  ASSIGN_OR_RETURN(SearchFilter f, ResolveScopes(scope, std::nullopt, d.default_scope, d.config));
  if (f.all_scopes) return InvalidArgument("scope '*' cannot be written to");
  return f.scopes.front();
}

ToolOutcome PokeHandoff(const Deps& d, const Json& args, const CallContext& ctx) {
  ArgReader r(args);
  std::optional<std::string> content = r.String("content");
  std::optional<std::string> scope = r.String("scope");
  auto open_questions = r.Strings("open_questions");
  auto next_steps = r.Strings("next_steps");
  auto files_touched = r.Strings("files_touched");
  if (!r.ok()) return r.error();
  if (!content || Trim(*content).empty()) {
    return InvalidRequest("content is required: the handoff's summary");
  }
  if (content->size() > capture::kHandoffSummaryBytes) {
    return ToolError{"content_too_large", 413,
                     "a handoff summary is at most " +
                         std::to_string(capture::kHandoffSummaryBytes) + " bytes; this one is " +
                         std::to_string(content->size())};
  }
  auto target = WriteScope(d, scope);
  if (!target.ok()) return FromStatus(target.status());
  if (Status st = ctx.principal.MayWrite(*target); !st.ok()) return FromStatus(st);
  HandoffDraft draft;
  draft.scope = *target;
  draft.summary = *content;
  draft.open_questions = open_questions.value_or(std::vector<std::string>{});
  draft.next_steps = next_steps.value_or(std::vector<std::string>{});
  draft.files_touched = files_touched.value_or(std::vector<std::string>{});
  SessionLink link = LinkToolUse(d, ctx);
  draft.session = link.session;
  draft.agent = link.agent;
  auto h = d.capture->WriteHandoff(draft);
  if (!h.ok()) return FromStatus(h.status());
  Json out{{"status", "written"},
           {"mode", "handoff"},
           {"id", h->id},
           {"uri", FormatMemexUri(h->scope, Collection::kHandoffs, h->id)}};
  if (!link.session.empty()) out["session"] = link.session;
  return out;
}

ToolOutcome PokeLesson(const Deps& d, const Json& args, const CallContext& ctx) {
  ArgReader r(args);
  std::optional<std::string> content = r.String("content");
  std::optional<std::string> scope = r.String("scope");
  std::optional<std::string> title = r.String("title");
  std::optional<std::string> severity = r.String("severity");
  std::optional<std::string> phase = r.String("phase");
  std::optional<std::string> tool = r.String("tool");
  std::optional<std::string> input_regex = r.String("input_regex");
  std::optional<std::string> output_regex = r.String("output_regex");
  auto file_globs = r.Strings("file_globs");
  bool global = r.Bool("global").value_or(false);
  if (!r.ok()) return r.error();
  if (!content || Trim(*content).empty()) return InvalidRequest("content is required: the rule");
  size_t limit = static_cast<size_t>(d.config.limits.max_content_bytes);
  if (content->size() > limit) {
    return ToolError{"content_too_large", 413,
                     "content is " + std::to_string(content->size()) + " bytes; the limit is " +
                         std::to_string(limit) + " (limits.max_content_bytes)"};
  }
  Lesson l;
  l.rule = *content;
  l.title = title.value_or("");
  if (severity && !Trim(*severity).empty()) {
    auto s = ParseSeverity(Trim(*severity));
    if (!s.ok()) return FromStatus(s.status().WithContext("severity"));
    l.severity = *s;
  }
  if (phase && !Trim(*phase).empty()) {
    auto p = ParseLessonPhase(Trim(*phase));
    if (!p.ok()) return FromStatus(p.status().WithContext("phase"));
    l.phase = *p;
  }
  l.tool = tool.value_or("");
  l.input_regex = input_regex.value_or("");
  l.output_regex = output_regex.value_or("");
  l.file_globs = file_globs.value_or(std::vector<std::string>{});
  auto target = WriteScope(d, scope);
  if (!target.ok()) return FromStatus(target.status());
  l.scope = *target;
  l.global = global;
  // A global lesson speaks in every scope, so only an administrator may add one.
  Status allowed = global ? ctx.principal.MayAdmin() : ctx.principal.MayWrite(*target);
  if (!allowed.ok()) return FromStatus(allowed);
  auto added = d.capture->AddLesson(std::move(l));
  if (!added.ok()) return FromStatus(added.status());
  Json out{{"status", "written"},
           {"mode", "lesson"},
           {"id", added->id},
           {"uri", FormatMemexUri(added->scope, Collection::kLessons, added->id)}};
  if (added->global) out["global"] = true;
  return out;
}

}  // namespace

bool IsCaptureContext(std::string_view name) {
  return name == "handoff" || name == "briefing" || name == "lessons";
}

Result<std::vector<LoadedSource>> LoadCaptureContext(const Deps& d, std::string_view name,
                                                     const Scope& scope, const CallContext& ctx) {
  RETURN_IF_ERROR(ctx.principal.MayRead(scope));
  std::vector<LoadedSource> out;
  if (name == "handoff") {
    ASSIGN_OR_RETURN(std::optional<Handoff> h, d.capture->PendingHandoff(scope));
    if (h) {
      Json meta = capture::HandoffToJson(*h);
      meta["backend"] = kBackendName;
      out.push_back({FormatMemexUri(h->scope, Collection::kHandoffs, h->id),
                     capture::RenderHandoff(*h),
                     {},
                     std::move(meta)});
    }
  } else if (name == "briefing") {
    ASSIGN_OR_RETURN(std::string text, d.capture->BriefingContext(scope));
    if (!Trim(text).empty()) {
      // Not one stored resource but a digest of several: its URI names the context.
      out.push_back({std::string(kMemexScheme) + "://" + scope.workspace + "/" + scope.project +
                         "/contexts/briefing",
                     std::move(text),
                     {},
                     Json{{"backend", kBackendName}, {"scope", scope.ToString()}}});
    }
  } else if (name == "lessons") {
    LessonQuery q;
    q.scopes = {scope};
    ASSIGN_OR_RETURN(std::vector<Lesson> lessons, d.capture->ListLessons(q));
    for (const Lesson& l : lessons) {
      Json meta = capture::LessonToJson(l);
      meta["backend"] = kBackendName;
      out.push_back({FormatMemexUri(l.scope, Collection::kLessons, l.id),
                     RenderLesson(l),
                     {},
                     std::move(meta)});
    }
  } else {
    return InvalidArgument("unknown capture context '" + TruncateUtf8(name, 64) + "'");
  }
  return out;
}

ToolOutcome PokeCapture(const Deps& d, std::string_view mode, const Json& args,
                        const CallContext& ctx) {
  return mode == "handoff" ? PokeHandoff(d, args, ctx) : PokeLesson(d, args, ctx);
}

ToolOutcome PeekCapture(const Deps& d, const MemexUri& uri, int64_t from_line, int64_t to_line,
                        const CallContext& ctx) {
  const Principal& who = ctx.principal;
  std::string shown = FormatMemexUri(uri.scope, uri.collection, uri.id);
  switch (uri.collection) {
    case Collection::kSessions: {
      auto s = d.capture->GetSession(uri.id);
      if (!s.ok()) {
        if (s.status().code() == StatusCode::kNotFound) {
          return NotFoundIn("session", uri.id, uri.scope);
        }
        return FromStatus(s.status());
      }
      if (s->scope != uri.scope || !who.MayRead(s->scope).ok()) {
        return NotFoundIn("session", uri.id, uri.scope);
      }
      auto events = d.capture->SessionEvents(s->id, 0, kMaxPeekEvents + 1);
      if (!events.ok()) return FromStatus(events.status());
      bool cut = events->size() > static_cast<size_t>(kMaxPeekEvents);
      if (cut) events->resize(kMaxPeekEvents);
      std::string content = RenderSession(*s, *events, cut);
      Json meta = WithResourceFields(capture::SessionToJson(*s), content.size(), s->last_event_ms);
      return PeekResult(shown, content, from_line, to_line, std::move(meta));
    }
    case Collection::kHandoffs: {
      auto h = d.capture->GetHandoff(uri.id);
      if (!h.ok()) {
        if (h.status().code() == StatusCode::kNotFound) {
          return NotFoundIn("handoff", uri.id, uri.scope);
        }
        return FromStatus(h.status());
      }
      if (h->scope != uri.scope || !who.MayRead(h->scope).ok()) {
        return NotFoundIn("handoff", uri.id, uri.scope);
      }
      std::string content = capture::RenderHandoff(*h);
      Json meta = WithResourceFields(capture::HandoffToJson(*h), content.size(), h->created_ms);
      return PeekResult(shown, content, from_line, to_line, std::move(meta));
    }
    case Collection::kLessons: {
      auto l = d.capture->GetLesson(uri.id);
      if (!l.ok()) {
        if (l.status().code() == StatusCode::kNotFound) {
          return NotFoundIn("lesson", uri.id, uri.scope);
        }
        return FromStatus(l.status());
      }
      // A global lesson applies everywhere, so any reader may see it; its URI still names the
      // scope it was created in.
      bool readable = who.MayRead(l->scope).ok() || (l->global && who.role >= Role::kRead);
      if (l->scope != uri.scope || !readable) return NotFoundIn("lesson", uri.id, uri.scope);
      std::string content = RenderLesson(*l);
      Json meta = WithResourceFields(capture::LessonToJson(*l), content.size(), l->updated_ms);
      return PeekResult(shown, content, from_line, to_line, std::move(meta));
    }
    case Collection::kMemories:
      break;
  }
  return InvalidRequest("not a capture URI: " + shown);
}

// A call of one of memex's own read tools (through any MCP server name): its event only repeats
// a query or a URI, it records nothing learned.
bool IsMemoryRead(std::string_view tool) {
  for (std::string_view read : {"__pf_scan", "__pf_peek", "__pf_load", "__pf_maps", "__pf_ps"}) {
    if (tool.starts_with("mcp__") && tool.ends_with(read)) return true;
  }
  return false;
}

Result<std::vector<Json>> ScanEvents(const Deps& d, std::string_view query,
                                     const SearchFilter& filter, int limit, double ceiling,
                                     const CallContext& ctx) {
  const Principal& who = ctx.principal;
  std::vector<Json> out;
  if (limit <= 0) return out;
  EventSearchQuery q;
  q.terms = QueryWords(query);
  if (q.terms.empty()) return out;
  // Every scope: a principal limited to some scopes gets the hits of those only, filtered
  // after the search (sessions' scopes are not listed anywhere cheaper).
  bool filter_scopes = false;
  if (filter.all_scopes) {
    q.all_scopes = true;
    filter_scopes = !who.AllScopes();
  } else {
    for (const Scope& s : filter.scopes) RETURN_IF_ERROR(who.MayRead(s));
    q.scopes = filter.scopes;
  }
  // Over-fetch: hits outside the caller's scopes or the date range, this very call's own hook
  // event and the agents' reads of memory (pf_scan queries, pf_peek URIs) are dropped below.
  q.limit = limit * kEventOverfetch;
  ASSIGN_OR_RETURN(std::vector<EventHit> hits, d.capture->SearchEvents(q));
  std::vector<const EventHit*> kept;
  for (const EventHit& h : hits) {
    const Event& e = h.event;
    if (filter_scopes && !who.MayRead(e.scope).ok()) continue;
    if (filter.since_ms > 0 && e.ts_ms < filter.since_ms) continue;
    if (filter.until_ms > 0 && e.ts_ms >= filter.until_ms) continue;
    if (!ctx.tool_use_id.empty() && e.tool_use_id == ctx.tool_use_id) continue;
    if (IsMemoryRead(e.tool_name)) continue;
    kept.push_back(&h);
    if (kept.size() >= static_cast<size_t>(limit)) break;
  }
  double best = 0;
  for (const EventHit* h : kept) best = std::max(best, h->score);
  std::vector<std::string> lowered;
  for (const std::string& t : q.terms) lowered.push_back(AsciiLower(t));
  for (size_t i = 0; i < kept.size(); ++i) {
    const Event& e = kept[i]->event;
    // Below every memory hit: half the lowest memory score, scaled by the event's own rank.
    double rel =
        best > 0 && kept[i]->score > 0 ? kept[i]->score / best : 1.0 / static_cast<double>(i + 1);
    double score = ceiling * 0.5 * rel;
    Json meta{{"backend", kEventsBackend},
              {"line", nullptr},
              {"kind", EventKindName(e.kind)},
              {"session_id", e.session_id},
              {"seq", e.seq},
              {"scope", e.scope.ToString()},
              {"agent", e.agent},
              {"created_at", FormatRfc3339Ms(e.ts_ms)}};
    if (!e.tool_name.empty()) meta["tool_name"] = e.tool_name;
    out.push_back(Json{{"uri", FormatMemexUri(e.scope, Collection::kSessions, e.session_id)},
                       {"snippet", Snippet(EventText(e), lowered)},
                       {"score", score},
                       {"metadata", std::move(meta)},
                       {"backend", kEventsBackend}});
  }
  return out;
}

SessionLink LinkToolUse(const Deps& d, const CallContext& ctx) {
  if (d.capture == nullptr || ctx.tool_use_id.empty()) return {};
  auto id = d.capture->SessionForToolUse(ctx.tool_use_id);
  if (!id.ok()) {
    LogWarn("pf_poke: tool use " + TruncateUtf8(ctx.tool_use_id, 64) +
            " not linked to its session: " + id.status().ToString());
    return {};
  }
  if (id->empty()) return {};
  auto s = d.capture->GetSession(*id);
  if (!s.ok()) {
    if (s.status().code() != StatusCode::kNotFound) {
      LogWarn("pf_poke: session " + TruncateUtf8(*id, 64) +
              " not readable: " + s.status().ToString());
    }
    return {};
  }
  // The link names a session; a caller who may not read that session's scope gets none.
  if (!ctx.principal.MayRead(s->scope).ok()) return {};
  return SessionLink{s->id, s->agent};
}

}  // namespace memex::mcp::pf
