#include "http/remote_capture_api.h"

#include <nlohmann/json.hpp>

#include "capture/event_json.h"
#include "capture/hook_payload.h"

namespace memex::http {
namespace {

using nlohmann::json;

// A path segment: '/' would be decoded back into a separator by the server's router.
std::string Segment(const std::string& id) {
  std::string out;
  for (char c : capture::UrlEncode(id)) {
    if (c == '/') {
      out += "%2F";
    } else {
      out += c;
    }
  }
  return out;
}

// "?workspace=..&project=.." for one scope, "?all_scopes=true" for every scope. The CLI asks for
// one scope or for all, never for several.
Result<std::string> ScopeQuery(const std::vector<Scope>& scopes, bool all) {
  if (all) return std::string("?all_scopes=true");
  if (scopes.size() != 1) return InvalidArgument("the server answers for one scope or for all");
  return "?workspace=" + capture::UrlEncode(scopes[0].workspace) +
         "&project=" + capture::UrlEncode(scopes[0].project);
}

Result<json> Answer(Result<std::string> body, const std::string& url) {
  if (!body.ok()) return body.status();
  json j = json::parse(*body, nullptr, false);
  if (!j.is_object()) return Internal("unexpected answer from the memex server at " + url);
  return j;
}

template <typename T, typename Decode>
Result<std::vector<T>> List(const json& j, const char* key, Decode decode, const std::string& url) {
  if (!j.contains(key) || !j[key].is_array()) {
    return Internal("unexpected answer from the memex server at " + url + ": no '" + key + "'");
  }
  std::vector<T> out;
  for (const json& item : j[key]) {
    Result<T> v = decode(item);
    if (!v.ok())
      return Internal("unexpected answer from the memex server: " + v.status().message());
    out.push_back(std::move(*v));
  }
  return out;
}

template <typename T, typename Decode>
Result<T> One(const json& j, const char* key, Decode decode, const std::string& url) {
  if (!j.contains(key)) {
    return Internal("unexpected answer from the memex server at " + url + ": no '" + key + "'");
  }
  Result<T> v = decode(j[key]);
  if (!v.ok()) return Internal("unexpected answer from the memex server: " + v.status().message());
  return v;
}

}  // namespace

Result<std::vector<Session>> RemoteCaptureApi::ListSessions(const SessionQuery& q) {
  ASSIGN_OR_RETURN(std::string path, ScopeQuery(q.scopes, q.all_scopes));
  path = "/api/sessions" + path + "&limit=" + std::to_string(q.limit);
  if (!q.agent.empty()) path += "&agent=" + capture::UrlEncode(q.agent);
  if (q.open_only) path += "&open=true";
  ASSIGN_OR_RETURN(json j, Answer(remote_.Send("GET", path), remote_.url()));
  return List<Session>(j, "sessions", capture::SessionFromJson, remote_.url());
}

Result<Session> RemoteCaptureApi::GetSession(const std::string& id) {
  ASSIGN_OR_RETURN(json j,
                   Answer(remote_.Send("GET", "/api/sessions/" + Segment(id)), remote_.url()));
  return One<Session>(j, "session", capture::SessionFromJson, remote_.url());
}

Result<std::vector<Event>> RemoteCaptureApi::SessionEvents(const std::string& id, int64_t after_seq,
                                                           int limit) {
  ASSIGN_OR_RETURN(
      json j,
      Answer(remote_.Send("GET", "/api/sessions/" + Segment(id) + "?events=true"), remote_.url()));
  ASSIGN_OR_RETURN(std::vector<Event> events,
                   List<Event>(j, "events", capture::EventFromJson, remote_.url()));
  std::vector<Event> out;
  for (Event& e : events) {
    if (e.seq <= after_seq) continue;
    if (limit > 0 && out.size() >= static_cast<size_t>(limit)) break;
    out.push_back(std::move(e));
  }
  return out;
}

Result<Session> RemoteCaptureApi::EndSession(const std::string& id) {
  ASSIGN_OR_RETURN(
      json j,
      Answer(remote_.Send("POST", "/api/sessions/" + Segment(id) + "/end", "{}"), remote_.url()));
  return One<Session>(j, "session", capture::SessionFromJson, remote_.url());
}

Result<Lesson> RemoteCaptureApi::AddLesson(Lesson l) {
  json body = capture::LessonToJson(l);
  for (const char* server_owned :
       {"id", "active", "trigger_count", "last_triggered_ms", "created_ms", "updated_ms"}) {
    body.erase(server_owned);
  }
  ASSIGN_OR_RETURN(json j,
                   Answer(remote_.Send("POST", "/api/lessons", body.dump()), remote_.url()));
  return One<Lesson>(j, "lesson", capture::LessonRecordFromJson, remote_.url());
}

Result<std::vector<Lesson>> RemoteCaptureApi::ListLessons(const LessonQuery& q) {
  ASSIGN_OR_RETURN(std::string path, ScopeQuery(q.scopes, q.all_scopes));
  path = "/api/lessons" + path + "&limit=" + std::to_string(q.limit == 0 ? 1000 : q.limit);
  if (!q.active_only) path += "&all=true";
  ASSIGN_OR_RETURN(json j, Answer(remote_.Send("GET", path), remote_.url()));
  return List<Lesson>(j, "lessons", capture::LessonRecordFromJson, remote_.url());
}

Result<Lesson> RemoteCaptureApi::SetLessonActive(const std::string& id, bool active) {
  ASSIGN_OR_RETURN(json j, Answer(remote_.Send("PATCH", "/api/lessons/" + Segment(id),
                                               json{{"active", active}}.dump()),
                                  remote_.url()));
  return One<Lesson>(j, "lesson", capture::LessonRecordFromJson, remote_.url());
}

Result<Handoff> RemoteCaptureApi::WriteHandoff(const HandoffDraft& d) {
  std::string path = "/api/handoffs?workspace=" + capture::UrlEncode(d.scope.workspace) +
                     "&project=" + capture::UrlEncode(d.scope.project) +
                     "&agent=" + capture::UrlEncode(d.agent) +
                     "&session=" + capture::UrlEncode(d.session);
  json body{{"summary", d.summary},
            {"open_questions", d.open_questions},
            {"next_steps", d.next_steps},
            {"files_touched", d.files_touched}};
  ASSIGN_OR_RETURN(json j, Answer(remote_.Send("POST", path, body.dump()), remote_.url()));
  return One<Handoff>(j, "handoff", capture::HandoffFromJson, remote_.url());
}

Result<std::optional<Handoff>> RemoteCaptureApi::PendingHandoff(const Scope& scope) {
  ASSIGN_OR_RETURN(std::string query, ScopeQuery({scope}, false));
  ASSIGN_OR_RETURN(json j,
                   Answer(remote_.Send("GET", "/api/handoffs/pending" + query), remote_.url()));
  if (!j.contains("handoff") || j["handoff"].is_null()) return std::optional<Handoff>();
  ASSIGN_OR_RETURN(Handoff h, One<Handoff>(j, "handoff", capture::HandoffFromJson, remote_.url()));
  return std::optional<Handoff>(std::move(h));
}

Result<std::vector<Handoff>> RemoteCaptureApi::ListHandoffs(const HandoffQuery& q) {
  ASSIGN_OR_RETURN(std::string path, ScopeQuery(q.scopes, q.all_scopes));
  path = "/api/handoffs" + path + "&limit=" + std::to_string(q.limit);
  if (q.state) path += "&state=" + std::string(HandoffStateName(*q.state));
  ASSIGN_OR_RETURN(json j, Answer(remote_.Send("GET", path), remote_.url()));
  return List<Handoff>(j, "handoffs", capture::HandoffFromJson, remote_.url());
}

}  // namespace memex::http
