#include "capture/event_json.h"

#include <nlohmann/json.hpp>

namespace memex::capture {
namespace {

using nlohmann::json;

void PutIf(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void PutIf(json& j, const char* key, int64_t v) {
  if (v != 0) j[key] = v;
}

Status GetString(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string())
    return InvalidArgument(std::string("event field '") + key + "' must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status GetInt(const json& j, const char* key, int64_t& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) {
    return InvalidArgument(std::string("event field '") + key + "' must be an integer");
  }
  out = it->get<int64_t>();
  return Status::Ok();
}

Status GetStrings(const json& j, const char* key, std::vector<std::string>& out, const char* what) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) {
    return InvalidArgument(std::string(what) + " field '" + key + "' must be an array of strings");
  }
  for (const json& v : *it) {
    if (!v.is_string()) {
      return InvalidArgument(std::string(what) + " field '" + key +
                             "' must be an array of strings");
    }
    out.push_back(v.get<std::string>());
  }
  return Status::Ok();
}

Status GetText(const json& j, const char* key, std::string& out, const char* what) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) {
    return InvalidArgument(std::string(what) + " field '" + key + "' must be a string");
  }
  out = it->get<std::string>();
  return Status::Ok();
}

}  // namespace

Result<Lesson> LessonFromJson(const json& j, const Scope& default_scope) {
  if (!j.is_object()) return InvalidArgument("a lesson must be a JSON object");
  Lesson l;
  l.scope = default_scope;
  std::string scope, severity, phase;
  RETURN_IF_ERROR(GetText(j, "rule", l.rule, "lesson"));
  if (l.rule.empty()) return InvalidArgument("lesson field 'rule' is required");
  RETURN_IF_ERROR(GetText(j, "title", l.title, "lesson"));
  RETURN_IF_ERROR(GetText(j, "severity", severity, "lesson"));
  if (!severity.empty()) {
    ASSIGN_OR_RETURN(l.severity, ParseSeverity(severity));
  }
  RETURN_IF_ERROR(GetText(j, "phase", phase, "lesson"));
  if (!phase.empty()) {
    ASSIGN_OR_RETURN(l.phase, ParseLessonPhase(phase));
  }
  RETURN_IF_ERROR(GetText(j, "tool", l.tool, "lesson"));
  RETURN_IF_ERROR(GetText(j, "input_regex", l.input_regex, "lesson"));
  RETURN_IF_ERROR(GetText(j, "output_regex", l.output_regex, "lesson"));
  RETURN_IF_ERROR(GetStrings(j, "file_globs", l.file_globs, "lesson"));
  RETURN_IF_ERROR(GetText(j, "scope", scope, "lesson"));
  if (scope == "global") {
    l.global = true;
  } else if (!scope.empty()) {
    ASSIGN_OR_RETURN(l.scope, ParseScope(scope));
  }
  return l;
}

Result<HandoffFields> HandoffFieldsFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("a handoff must be a JSON object");
  HandoffFields h;
  RETURN_IF_ERROR(GetText(j, "summary", h.summary, "handoff"));
  RETURN_IF_ERROR(GetStrings(j, "open_questions", h.open_questions, "handoff"));
  RETURN_IF_ERROR(GetStrings(j, "next_steps", h.next_steps, "handoff"));
  RETURN_IF_ERROR(GetStrings(j, "files_touched", h.files_touched, "handoff"));
  return h;
}

json EventToJson(const Event& e) {
  json j = json::object();
  PutIf(j, "seq", e.seq);
  j["kind"] = std::string(EventKindName(e.kind));
  PutIf(j, "ingest_key", e.ingest_key);
  PutIf(j, "session_id", e.session_id);
  PutIf(j, "agent", e.agent);
  if (!e.scope.workspace.empty()) j["scope"] = e.scope.ToString();
  PutIf(j, "cwd", e.cwd);
  PutIf(j, "git_branch", e.git_branch);
  PutIf(j, "ts_ms", e.ts_ms);
  PutIf(j, "prompt", e.prompt);
  PutIf(j, "tool_name", e.tool_name);
  PutIf(j, "tool_use_id", e.tool_use_id);
  PutIf(j, "tool_input", e.tool_input);
  PutIf(j, "tool_output", e.tool_output);
  if (e.tool_error) j["tool_error"] = true;
  PutIf(j, "duration_ms", e.duration_ms);
  PutIf(j, "message", e.message);
  PutIf(j, "detail", e.detail);
  PutIf(j, "model", e.model);
  if (!e.files.empty()) j["files"] = e.files;
  PutIf(j, "raw", e.raw);
  return j;
}

Result<Event> EventFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("an event must be a JSON object");
  Event e;
  std::string kind = "other", scope;
  RETURN_IF_ERROR(GetString(j, "kind", kind));
  ASSIGN_OR_RETURN(e.kind, ParseEventKind(kind));
  RETURN_IF_ERROR(GetInt(j, "seq", e.seq));
  RETURN_IF_ERROR(GetString(j, "ingest_key", e.ingest_key));
  RETURN_IF_ERROR(GetString(j, "session_id", e.session_id));
  RETURN_IF_ERROR(GetString(j, "agent", e.agent));
  RETURN_IF_ERROR(GetString(j, "scope", scope));
  if (!scope.empty()) {
    ASSIGN_OR_RETURN(e.scope, ParseScope(scope));
  }
  RETURN_IF_ERROR(GetString(j, "cwd", e.cwd));
  RETURN_IF_ERROR(GetString(j, "git_branch", e.git_branch));
  RETURN_IF_ERROR(GetInt(j, "ts_ms", e.ts_ms));
  RETURN_IF_ERROR(GetString(j, "prompt", e.prompt));
  RETURN_IF_ERROR(GetString(j, "tool_name", e.tool_name));
  RETURN_IF_ERROR(GetString(j, "tool_use_id", e.tool_use_id));
  RETURN_IF_ERROR(GetString(j, "tool_input", e.tool_input));
  RETURN_IF_ERROR(GetString(j, "tool_output", e.tool_output));
  if (auto it = j.find("tool_error"); it != j.end()) {
    if (!it->is_boolean()) return InvalidArgument("event field 'tool_error' must be a boolean");
    e.tool_error = it->get<bool>();
  }
  RETURN_IF_ERROR(GetInt(j, "duration_ms", e.duration_ms));
  RETURN_IF_ERROR(GetString(j, "message", e.message));
  RETURN_IF_ERROR(GetString(j, "detail", e.detail));
  RETURN_IF_ERROR(GetString(j, "model", e.model));
  if (auto it = j.find("files"); it != j.end()) {
    if (!it->is_array()) return InvalidArgument("event field 'files' must be an array");
    for (const json& f : *it) {
      if (!f.is_string()) return InvalidArgument("event field 'files' must hold strings");
      e.files.push_back(f.get<std::string>());
    }
  }
  RETURN_IF_ERROR(GetString(j, "raw", e.raw));
  return e;
}

std::string EventToJsonLine(const Event& e) {
  return EventToJson(e).dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Event> EventFromJsonLine(std::string_view line) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) return InvalidArgument("an event line is not valid JSON");
  return EventFromJson(j);
}

namespace {

Status GetScopeField(const json& j, const char* key, Scope& out, bool* global = nullptr) {
  std::string text;
  RETURN_IF_ERROR(GetString(j, key, text));
  if (global != nullptr && text == "global") {
    *global = true;
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(out, ParseScope(text));
  return Status::Ok();
}

Status GetBool(const json& j, const char* key, bool& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_boolean())
    return InvalidArgument(std::string("field '") + key + "' must be a boolean");
  out = it->get<bool>();
  return Status::Ok();
}

}  // namespace

Result<Session> SessionFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("a session must be a JSON object");
  Session s;
  RETURN_IF_ERROR(GetString(j, "id", s.id));
  RETURN_IF_ERROR(GetScopeField(j, "scope", s.scope));
  RETURN_IF_ERROR(GetString(j, "agent", s.agent));
  RETURN_IF_ERROR(GetString(j, "cwd", s.cwd));
  RETURN_IF_ERROR(GetString(j, "git_branch", s.git_branch));
  RETURN_IF_ERROR(GetInt(j, "started_ms", s.started_ms));
  RETURN_IF_ERROR(GetInt(j, "last_event_ms", s.last_event_ms));
  RETURN_IF_ERROR(GetInt(j, "ended_ms", s.ended_ms));
  RETURN_IF_ERROR(GetString(j, "end_reason", s.end_reason));
  RETURN_IF_ERROR(GetInt(j, "event_count", s.event_count));
  RETURN_IF_ERROR(GetInt(j, "prompt_count", s.prompt_count));
  RETURN_IF_ERROR(GetInt(j, "tool_count", s.tool_count));
  RETURN_IF_ERROR(GetInt(j, "error_count", s.error_count));
  RETURN_IF_ERROR(GetString(j, "summary_id", s.summary_id));
  RETURN_IF_ERROR(GetString(j, "archive_sha256", s.archive_sha256));
  RETURN_IF_ERROR(GetString(j, "handoff_offered", s.handoff_offered));
  RETURN_IF_ERROR(GetInt(j, "context_delivered_ms", s.context_delivered_ms));
  return s;
}

Result<Handoff> HandoffFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("a handoff must be a JSON object");
  Handoff h;
  std::string state = "open";
  RETURN_IF_ERROR(GetString(j, "id", h.id));
  RETURN_IF_ERROR(GetScopeField(j, "scope", h.scope));
  RETURN_IF_ERROR(GetString(j, "from_session", h.from_session));
  RETURN_IF_ERROR(GetString(j, "from_agent", h.from_agent));
  RETURN_IF_ERROR(GetString(j, "cwd", h.cwd));
  RETURN_IF_ERROR(GetBool(j, "manual", h.manual));
  RETURN_IF_ERROR(GetString(j, "summary", h.summary));
  RETURN_IF_ERROR(GetStrings(j, "open_questions", h.open_questions, "handoff"));
  RETURN_IF_ERROR(GetStrings(j, "next_steps", h.next_steps, "handoff"));
  RETURN_IF_ERROR(GetStrings(j, "files_touched", h.files_touched, "handoff"));
  RETURN_IF_ERROR(GetString(j, "state", state));
  ASSIGN_OR_RETURN(h.state, ParseHandoffState(state));
  RETURN_IF_ERROR(GetInt(j, "created_ms", h.created_ms));
  RETURN_IF_ERROR(GetString(j, "accepted_by_session", h.accepted_by_session));
  RETURN_IF_ERROR(GetString(j, "accepted_by_agent", h.accepted_by_agent));
  RETURN_IF_ERROR(GetInt(j, "accepted_ms", h.accepted_ms));
  return h;
}

Result<Lesson> LessonRecordFromJson(const json& j) {
  ASSIGN_OR_RETURN(Lesson l, LessonFromJson(j, Scope{}));
  RETURN_IF_ERROR(GetString(j, "id", l.id));
  RETURN_IF_ERROR(GetBool(j, "active", l.active));
  RETURN_IF_ERROR(GetInt(j, "trigger_count", l.trigger_count));
  RETURN_IF_ERROR(GetInt(j, "last_triggered_ms", l.last_triggered_ms));
  RETURN_IF_ERROR(GetInt(j, "created_ms", l.created_ms));
  RETURN_IF_ERROR(GetInt(j, "updated_ms", l.updated_ms));
  return l;
}

json SessionToJson(const Session& s) {
  return json{{"id", s.id},
              {"scope", s.scope.ToString()},
              {"agent", s.agent},
              {"cwd", s.cwd},
              {"git_branch", s.git_branch},
              {"started_ms", s.started_ms},
              {"last_event_ms", s.last_event_ms},
              {"ended_ms", s.ended_ms},
              {"end_reason", s.end_reason},
              {"event_count", s.event_count},
              {"prompt_count", s.prompt_count},
              {"tool_count", s.tool_count},
              {"error_count", s.error_count},
              {"summary_id", s.summary_id},
              {"archive_sha256", s.archive_sha256},
              {"handoff_offered", s.handoff_offered},
              {"context_delivered_ms", s.context_delivered_ms}};
}

json HandoffToJson(const Handoff& h) {
  return json{{"id", h.id},
              {"scope", h.scope.ToString()},
              {"from_session", h.from_session},
              {"from_agent", h.from_agent},
              {"cwd", h.cwd},
              {"manual", h.manual},
              {"summary", h.summary},
              {"open_questions", h.open_questions},
              {"next_steps", h.next_steps},
              {"files_touched", h.files_touched},
              {"state", std::string(HandoffStateName(h.state))},
              {"created_ms", h.created_ms},
              {"accepted_by_session", h.accepted_by_session},
              {"accepted_by_agent", h.accepted_by_agent},
              {"accepted_ms", h.accepted_ms}};
}

json LessonToJson(const Lesson& l) {
  return json{{"id", l.id},
              {"scope", l.global ? std::string("global") : l.scope.ToString()},
              {"title", l.title},
              {"rule", l.rule},
              {"severity", std::string(SeverityName(l.severity))},
              {"phase", std::string(LessonPhaseName(l.phase))},
              {"tool", l.tool},
              {"input_regex", l.input_regex},
              {"output_regex", l.output_regex},
              {"file_globs", l.file_globs},
              {"active", l.active},
              {"trigger_count", l.trigger_count},
              {"last_triggered_ms", l.last_triggered_ms},
              {"created_ms", l.created_ms},
              {"updated_ms", l.updated_ms}};
}

}  // namespace memex::capture
