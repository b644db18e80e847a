#include "http/capture_routes.h"

#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "capture/event_json.h"
#include "capture/hook_payload.h"
#include "http/memory_routes.h"

namespace memex::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxBatch = 1000;
constexpr int kMaxListLimit = 1000;

Reply JsonReply(int status, const json& body) {
  return Reply{.status = status, .body = body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

bool Flag(const Request& r, std::string_view name) {
  std::string v = r.param(name);
  return v == "true" || v == "1";
}

Result<int> Limit(const Request& r, int fallback) {
  std::string v = r.param("limit");
  if (v.empty()) return fallback;
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (end == v.c_str() || *end != '\0' || n < 0 || n > kMaxListLimit) {
    return InvalidArgument("limit must be an integer from 0 to " + std::to_string(kMaxListLimit));
  }
  return static_cast<int>(n);
}

// The scope named by ?workspace=&project= (both required).
Result<Scope> QueryScope(const Request& r) {
  std::string ws = r.param("workspace"), proj = r.param("project");
  if (ws.empty() || proj.empty()) {
    return InvalidArgument("workspace and project query parameters are required");
  }
  RETURN_IF_ERROR(ValidateScopeName(ws, "workspace"));
  RETURN_IF_ERROR(ValidateScopeName(proj, "project"));
  return Scope{ws, proj};
}

// Which scopes a read covers: ?all_scopes=true (narrowed to what the principal may read) or the
// named scope (which the principal must be able to read).
Status ReadScopes(const Request& r, std::vector<Scope>& scopes, bool& all) {
  if (Flag(r, "all_scopes")) {
    all = r.principal.AllScopes();
    if (!all) return PermissionDenied(r.principal.Describe() + " may not read every scope");
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(Scope s, QueryScope(r));
  RETURN_IF_ERROR(r.principal.MayRead(s));
  scopes = {s};
  return Status::Ok();
}

// Turns one envelope + payload into a prepared event the principal may write.
Result<Event> PrepareEvent(const CaptureService& capture, const Config& config,
                           const Principal& who, const capture::HookEnvelope& env,
                           std::string_view payload) {
  RETURN_IF_ERROR(who.MayWrite(env.scope));
  ASSIGN_OR_RETURN(Event e, capture::ParseHookEvent(
                                env, payload, static_cast<size_t>(config.capture.max_event_bytes)));
  return capture.Prepare(std::move(e));
}

bool WantsAnswer(EventKind k) {
  return k == EventKind::kSessionStart || k == EventKind::kUserPrompt ||
         k == EventKind::kPreToolUse || k == EventKind::kPostToolUse;
}

}  // namespace

Reply CaptureRoutes::Hook(const Request& request) const {
  capture::HookEnvelope env;
  std::string event = request.param("event");
  if (event.empty())
    return MemoryErrorReply(InvalidArgument("the event query parameter is required"));
  Result<EventKind> kind = ParseEventKind(event);
  env.kind = kind.ok() ? *kind : EventKind::kOther;  // never refuse an agent's new event
  env.agent = request.param("agent");
  Result<Scope> scope = QueryScope(request);
  if (!scope.ok()) return MemoryErrorReply(scope.status());
  env.scope = *scope;
  env.cwd = request.param("cwd");
  env.git_branch = request.param("git_branch");
  env.ingest_key = request.param("ingest_key");
  if (env.ingest_key.empty()) {  // a plain HTTP client: the server names the event
    Result<std::string> key = capture::NewIngestKey();
    if (!key.ok()) return MemoryErrorReply(key.status());
    env.ingest_key = *key;
  }
  if (std::string ts = request.param("ts_ms"); !ts.empty()) {
    env.ts_ms = std::strtoll(ts.c_str(), nullptr, 10);
  }
  Result<Event> e = PrepareEvent(capture_, config_, request.principal, env, request.body);
  if (!e.ok()) return MemoryErrorReply(e.status());
  if (!config_.capture.enabled) return JsonReply(202, {{"status", "disabled"}});
  if (Status st = queue_.Submit({*e}); !st.ok()) {
    Reply r = MemoryErrorReply(st);
    if (st.code() == StatusCode::kResourceExhausted) r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  if (!WantsAnswer(e->kind)) return JsonReply(202, {{"status", "queued"}});
  // The answer is best effort: the event is queued either way, and a failed briefing must not
  // make the hook spool an event the server already has.
  Result<std::string> out = capture_.Respond(*e);
  if (!out.ok()) {
    LogWarn("http /hook: no answer for " + std::string(EventKindName(e->kind)) + ": " +
            out.status().ToString());
    return JsonReply(202, {{"status", "queued"}});
  }
  if (*out == "{}") return JsonReply(202, {{"status", "queued"}});
  return JsonReply(200, {{"status", "queued"}, {"stdout", *out}});
}

Reply CaptureRoutes::HookBatch(const Request& request) const {
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("events") || !body["events"].is_array()) {
    return MemoryErrorReply(InvalidArgument("body must be {\"events\":[...]}"));
  }
  const json& items = body["events"];
  if (items.size() > kMaxBatch) {
    return MemoryErrorReply(
        InvalidArgument("at most " + std::to_string(kMaxBatch) + " events per batch"));
  }
  std::vector<Event> events;
  events.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Result<capture::SpooledEvent> line = capture::ParseSpoolLine(items[i].dump());
    Result<Event> e = line.ok() ? PrepareEvent(capture_, config_, request.principal, line->envelope,
                                               line->payload_json)
                                : Result<Event>(line.status());
    if (!e.ok()) {
      return MemoryErrorReply(
          Status(e.status().code(), "events[" + std::to_string(i) + "]: " + e.status().message()));
    }
    events.push_back(std::move(*e));
  }
  if (config_.capture.enabled) {
    if (Status st = queue_.Submit(events); !st.ok()) {
      Reply r = MemoryErrorReply(st);
      if (st.code() == StatusCode::kResourceExhausted) r.headers.emplace_back("Retry-After", "1");
      return r;
    }
  }
  return JsonReply(200, {{"accepted", events.size()}});
}

Reply CaptureRoutes::ListSessions(const Request& request) const {
  SessionQuery q;
  if (Status st = ReadScopes(request, q.scopes, q.all_scopes); !st.ok()) {
    return MemoryErrorReply(st);
  }
  q.agent = request.param("agent");
  q.open_only = Flag(request, "open");
  Result<int> limit = Limit(request, 50);
  if (!limit.ok()) return MemoryErrorReply(limit.status());
  q.limit = *limit;
  Result<std::vector<Session>> sessions = capture_.ListSessions(q);
  if (!sessions.ok()) return MemoryErrorReply(sessions.status());
  json out = json::array();
  for (const Session& s : *sessions) out.push_back(capture::SessionToJson(s));
  return JsonReply(200, {{"sessions", out}});
}

Reply CaptureRoutes::GetSession(const std::string& id, const Request& request) const {
  Result<Session> s = capture_.GetSession(id);
  // Another scope's session reads as missing, like a memory outside the caller's scopes.
  if (!s.ok() || !request.principal.MayRead(s->scope).ok()) {
    return MemoryErrorReply(s.ok() ? NotFound("no session " + id) : s.status());
  }
  json out = {{"session", capture::SessionToJson(*s)}};
  if (Flag(request, "events")) {
    Result<std::vector<Event>> events = capture_.SessionEvents(id);
    if (!events.ok()) return MemoryErrorReply(events.status());
    json list = json::array();
    for (const Event& e : *events) list.push_back(capture::EventToJson(e));
    out["events"] = list;
  }
  return JsonReply(200, out);
}

Reply CaptureRoutes::EndSession(const std::string& id, const Request& request) const {
  Result<Session> s = capture_.GetSession(id);
  if (!s.ok() || !request.principal.MayRead(s->scope).ok()) {
    return MemoryErrorReply(s.ok() ? NotFound("no session " + id) : s.status());
  }
  if (Status st = request.principal.MayWrite(s->scope); !st.ok()) return MemoryErrorReply(st);
  if (Status st = capture_.FinishSession(id); !st.ok()) return MemoryErrorReply(st);
  Result<Session> ended = capture_.GetSession(id);
  if (!ended.ok()) return MemoryErrorReply(ended.status());
  return JsonReply(200, {{"session", capture::SessionToJson(*ended)}});
}

Reply CaptureRoutes::ListLessons(const Request& request) const {
  LessonQuery q;
  if (Status st = ReadScopes(request, q.scopes, q.all_scopes); !st.ok()) {
    return MemoryErrorReply(st);
  }
  q.active_only = !Flag(request, "all");
  Result<int> limit = Limit(request, 100);
  if (!limit.ok()) return MemoryErrorReply(limit.status());
  q.limit = *limit;
  Result<std::vector<Lesson>> lessons = capture_.ListLessons(q);
  if (!lessons.ok()) return MemoryErrorReply(lessons.status());
  json out = json::array();
  for (const Lesson& l : *lessons) out.push_back(capture::LessonToJson(l));
  return JsonReply(200, {{"lessons", out}});
}

Reply CaptureRoutes::AddLesson(const Request& request) const {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return MemoryErrorReply(InvalidArgument("body is not valid JSON"));
  Scope fallback;
  if (!request.param("workspace").empty()) {
    Result<Scope> s = QueryScope(request);
    if (!s.ok()) return MemoryErrorReply(s.status());
    fallback = *s;
  }
  Result<Lesson> l = capture::LessonFromJson(body, fallback);
  if (!l.ok()) return MemoryErrorReply(l.status());
  // A global lesson reaches every scope: only an administrator may write one.
  Status allowed = l->global ? request.principal.MayAdmin() : request.principal.MayWrite(l->scope);
  if (!allowed.ok()) return MemoryErrorReply(allowed);
  Result<Lesson> added = capture_.AddLesson(*l);
  if (!added.ok()) return MemoryErrorReply(added.status());
  return JsonReply(201, {{"lesson", capture::LessonToJson(*added)}});
}

Reply CaptureRoutes::PatchLesson(const std::string& id, const Request& request) const {
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("active") || !body["active"].is_boolean()) {
    return MemoryErrorReply(InvalidArgument("body must be {\"active\": true|false}"));
  }
  LessonQuery q;
  q.all_scopes = true;
  q.active_only = false;
  q.limit = 0;
  // Authorize against the lesson's own scope before changing it.
  Result<std::vector<Lesson>> all = capture_.ListLessons(q);
  if (!all.ok()) return MemoryErrorReply(all.status());
  const Lesson* found = nullptr;
  for (const Lesson& l : *all) {
    if (l.id == id) found = &l;
  }
  if (found == nullptr || (!found->global && !request.principal.MayRead(found->scope).ok())) {
    return MemoryErrorReply(NotFound("no lesson " + id));
  }
  Status allowed =
      found->global ? request.principal.MayAdmin() : request.principal.MayWrite(found->scope);
  if (!allowed.ok()) return MemoryErrorReply(allowed);
  Result<Lesson> l = capture_.SetLessonActive(id, body["active"].get<bool>());
  if (!l.ok()) return MemoryErrorReply(l.status());
  return JsonReply(200, {{"lesson", capture::LessonToJson(*l)}});
}

Reply CaptureRoutes::ListHandoffs(const Request& request) const {
  HandoffQuery q;
  if (Status st = ReadScopes(request, q.scopes, q.all_scopes); !st.ok()) {
    return MemoryErrorReply(st);
  }
  if (std::string state = request.param("state"); !state.empty()) {
    Result<HandoffState> s = ParseHandoffState(state);
    if (!s.ok()) return MemoryErrorReply(s.status());
    q.state = *s;
  }
  Result<int> limit = Limit(request, 20);
  if (!limit.ok()) return MemoryErrorReply(limit.status());
  q.limit = *limit;
  Result<std::vector<Handoff>> list = capture_.ListHandoffs(q);
  if (!list.ok()) return MemoryErrorReply(list.status());
  json out = json::array();
  for (const Handoff& h : *list) out.push_back(capture::HandoffToJson(h));
  return JsonReply(200, {{"handoffs", out}});
}

Reply CaptureRoutes::WriteHandoff(const Request& request) const {
  Result<Scope> scope = QueryScope(request);
  if (!scope.ok()) return MemoryErrorReply(scope.status());
  if (Status st = request.principal.MayWrite(*scope); !st.ok()) return MemoryErrorReply(st);
  json body = json::parse(request.body, nullptr, false);
  Result<capture::HandoffFields> f = capture::HandoffFieldsFromJson(body);
  if (!f.ok()) return MemoryErrorReply(f.status());
  HandoffDraft d{*scope,
                 f->summary,
                 f->open_questions,
                 f->next_steps,
                 f->files_touched,
                 request.param("session"),
                 request.param("agent")};
  Result<Handoff> h = capture_.WriteHandoff(d);
  if (!h.ok()) return MemoryErrorReply(h.status());
  return JsonReply(201, {{"handoff", capture::HandoffToJson(*h)}});
}

Reply CaptureRoutes::PendingHandoff(const Request& request) const {
  Result<Scope> scope = QueryScope(request);
  if (!scope.ok()) return MemoryErrorReply(scope.status());
  if (Status st = request.principal.MayRead(*scope); !st.ok()) return MemoryErrorReply(st);
  Result<std::optional<Handoff>> h = capture_.PendingHandoff(*scope);
  if (!h.ok()) return MemoryErrorReply(h.status());
  return JsonReply(200, {{"handoff", *h ? capture::HandoffToJson(**h) : json(nullptr)}});
}

void InstallCaptureRoutes(httplib::Server& server, const CaptureRoutes& routes,
                          RouteObserver observe) {
  auto body = [&routes](Reply (CaptureRoutes::*fn)(const Request&) const) {
    return [&routes, fn](const std::string&, const Request& r) { return (routes.*fn)(r); };
  };
  auto by_id = [&routes](Reply (CaptureRoutes::*fn)(const std::string&, const Request&) const) {
    return [&routes, fn](const std::string& id, const Request& r) { return (routes.*fn)(id, r); };
  };
  // clang-format off
  InstallTable(server, {
      {"POST",  "/hook",                        body(&CaptureRoutes::Hook)},
      {"POST",  "/hook/batch",                  body(&CaptureRoutes::HookBatch)},
      {"GET",   "/api/sessions",                body(&CaptureRoutes::ListSessions)},
      {"GET",   R"(/api/sessions/([^/]+))",     by_id(&CaptureRoutes::GetSession)},
      {"POST",  R"(/api/sessions/([^/]+)/end)", by_id(&CaptureRoutes::EndSession)},
      {"GET",   "/api/lessons",                 body(&CaptureRoutes::ListLessons)},
      {"POST",  "/api/lessons",                 body(&CaptureRoutes::AddLesson)},
      {"PATCH", R"(/api/lessons/([^/]+))",      by_id(&CaptureRoutes::PatchLesson)},
      {"GET",   "/api/handoffs",                body(&CaptureRoutes::ListHandoffs)},
      {"POST",  "/api/handoffs",                body(&CaptureRoutes::WriteHandoff)},
      {"GET",   "/api/handoffs/pending",        body(&CaptureRoutes::PendingHandoff)},
  }, MemoryErrorReply, std::move(observe));
  // clang-format on
}

}  // namespace memex::http
