// Capture commands (SPEC §7, docs/capture.md): `memex sessions list|show|end`,
// `memex lessons add|list|enable|disable`, `memex handoff show|list|write`, on this machine's
// data directory or, with --server, on a running `memex serve` (the same output either way).
// (`memex hook` is in hook_command.cc.)
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/time_util.h"
#include "capture/agent_output.h"
#include "capture/event_json.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/query_args.h"
#include "cli/session.h"
#include "service/capture_service.h"

namespace memex::cli {
namespace {

constexpr int64_t kMaxLimit = 10000;

Json ToCli(const nlohmann::json& j) { return Json::parse(j.dump()); }

// The scopes a capture read covers: --all-scopes or the current scope.
Status ScopesFor(Session& session, bool all, std::vector<Scope>& scopes, bool& all_out) {
  all_out = all;
  if (all) return Status::Ok();
  ASSIGN_OR_RETURN(ResolvedScope s, session.GetScope());
  scopes = {s.scope};
  return Status::Ok();
}

Status CheckLimit(const std::optional<int64_t>& limit) {
  if (limit && (*limit < 1 || *limit > kMaxLimit)) {
    return InvalidArgument("--limit must be between 1 and " + std::to_string(kMaxLimit));
  }
  return Status::Ok();
}

// ---- sessions ----

std::string EventLine(const Event& e) {
  std::string when = FormatRfc3339Ms(e.ts_ms).substr(11, 8);
  std::string line = when + "  " + std::string(EventKindName(e.kind));
  switch (e.kind) {
    case EventKind::kUserPrompt:
      line += "  " + Snippet(e.prompt, 160);
      break;
    case EventKind::kPreToolUse:
      line += "  " + e.tool_name + " " + Snippet(e.tool_input, 140);
      break;
    case EventKind::kPostToolUse:
      line += "  " + e.tool_name + (e.tool_error ? " FAILED " : " ") + Snippet(e.tool_output, 120);
      break;
    case EventKind::kStop:
      line += "  " + Snippet(e.message, 160);
      break;
    default:
      if (!e.detail.empty()) line += "  " + e.detail;
  }
  return line;
}

class SessionsCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {{"action ACTION", "list | show | end", &action_, /*required=*/true},
            {"args ID", "show, end: the session id", &args_},
            {"--agent AGENT", "list: only this agent's sessions", &agent_},
            {"--open", "list: only sessions that have not ended", &open_},
            {"--all-scopes", "list: every scope, not only the current one", &all_scopes_},
            {"--limit,-n N", "list: at most N sessions (default 20)", &limit_},
            {"--events", "show: also every event of the session", &events_}};
  }

  Status Validate() override {
    RETURN_IF_ERROR(CheckLimit(limit_));
    if (action_ == "list") {
      if (!args_.empty()) return InvalidArgument("sessions list takes no arguments");
      return Status::Ok();
    }
    if (action_ == "show" || action_ == "end") {
      if (args_.size() != 1)
        return InvalidArgument("sessions " + action_ + " takes one session id");
      return Status::Ok();
    }
    return InvalidArgument("unknown sessions action '" + action_ +
                           "' (expected list, show or end)");
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(CaptureApi * capture, session.GetCaptureApi());
    if (action_ == "list") return List(session, *capture);
    if (action_ == "end") {
      ASSIGN_OR_RETURN(memex::Session s, capture->EndSession(args_.front()));
      Output& out = session.output();
      if (out.json()) {
        out.PrintJson(Json{{"session", ToCli(capture::SessionToJson(s))}});
      } else {
        out.out() << "Ended session " << s.id << " (summary "
                  << (s.summary_id.empty() ? "-" : s.summary_id) << ")\n";
      }
      return Status::Ok();
    }
    return Show(session, *capture);
  }

 private:
  Status List(Session& session, CaptureApi& capture) {
    SessionQuery q;
    RETURN_IF_ERROR(ScopesFor(session, all_scopes_, q.scopes, q.all_scopes));
    q.agent = agent_;
    q.open_only = open_;
    q.limit = static_cast<int>(limit_.value_or(20));
    ASSIGN_OR_RETURN(std::vector<memex::Session> sessions, capture.ListSessions(q));
    Output& out = session.output();
    if (out.json()) {
      Json list = Json::array();
      for (const auto& s : sessions) list.push_back(ToCli(capture::SessionToJson(s)));
      out.PrintJson(Json{{"sessions", std::move(list)}});
      return Status::Ok();
    }
    if (sessions.empty()) {
      out.Note(
          "no sessions captured here yet; 'memex install --client claude-code' sets up the "
          "hooks");
      return Status::Ok();
    }
    const int64_t now = session.NowMs();
    std::vector<std::vector<std::string>> rows = {{"SESSION", "AGENT", "SCOPE", "STARTED",
                                                   "LAST EVENT", "PROMPTS", "TOOLS", "ERRORS",
                                                   "STATE"}};
    for (const auto& s : sessions) {
      rows.push_back({s.id, s.agent, s.scope.ToString(), FormatAge(now, s.started_ms),
                      FormatAge(now, s.last_event_ms), std::to_string(s.prompt_count),
                      std::to_string(s.tool_count), std::to_string(s.error_count),
                      s.ended_ms ? "ended" : "open"});
    }
    out.out() << FormatTable(rows);
    return Status::Ok();
  }

  Status Show(Session& session, CaptureApi& capture) {
    ASSIGN_OR_RETURN(memex::Session s, capture.GetSession(args_.front()));
    std::vector<Event> events;
    if (events_) {
      ASSIGN_OR_RETURN(events, capture.SessionEvents(s.id));
    }
    Output& out = session.output();
    if (out.json()) {
      Json doc{{"session", ToCli(capture::SessionToJson(s))}};
      if (events_) {
        Json list = Json::array();
        for (const Event& e : events) list.push_back(ToCli(capture::EventToJson(e)));
        doc["events"] = std::move(list);
      }
      out.PrintJson(doc);
      return Status::Ok();
    }
    const int64_t now = session.NowMs();
    std::ostream& o = out.out();
    o << "session   " << s.id << "\nagent     " << s.agent << "\nscope     " << s.scope.ToString()
      << "\ncwd       " << s.cwd << (s.git_branch.empty() ? "" : " (branch " + s.git_branch + ")")
      << "\nstarted   " << FormatRfc3339Ms(s.started_ms) << " (" << FormatAge(now, s.started_ms)
      << ")\nlast      " << FormatRfc3339Ms(s.last_event_ms) << "\nstate     "
      << (s.ended_ms ? "ended (" + s.end_reason + ")" : std::string("open")) << "\nevents    "
      << s.event_count << " (" << s.prompt_count << " prompts, " << s.tool_count << " tool calls, "
      << s.error_count << " failed)\n";
    if (!s.summary_id.empty())
      o << "summary   " << s.summary_id << " (memex get " << s.summary_id << ")\n";
    if (!s.archive_sha256.empty()) o << "archive   " << s.archive_sha256 << "\n";
    if (!s.handoff_offered.empty()) o << "handoff   offered " << s.handoff_offered << "\n";
    if (events_) {
      o << "\n";
      for (const Event& e : events) o << EventLine(e) << "\n";
    }
    return Status::Ok();
  }

  std::string action_;
  std::vector<std::string> args_;
  std::string agent_;
  bool open_ = false;
  bool all_scopes_ = false;
  std::optional<int64_t> limit_;
  bool events_ = false;
};

// ---- lessons ----

class LessonsCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"action ACTION", "add | list | enable | disable", &action_, /*required=*/true},
        {"args ID", "enable, disable: the lesson id", &args_},
        {"--rule TEXT", "add: what the agent must do or avoid (shown to the model)", &rule_},
        {"--title TEXT", "add: a short name (default: the rule's start)", &title_},
        {"--severity LEVEL", "add: critical | warning | info (default warning)", &severity_},
        {"--phase PHASE", "add: pre-tool | post-tool | session-end (default pre-tool)", &phase_},
        {"--tool NAME", "add: trigger on this tool (a name, or a regex like 'mcp__.*')", &tool_},
        {"--input-regex RE", "add: trigger when the tool input matches (RE2, any case)",
         &input_regex_},
        {"--output-regex RE", "add: trigger when the tool output matches (post-tool phase)",
         &output_regex_},
        {"--file-glob GLOB", "add: trigger when a touched file matches; repeatable", &file_globs_},
        {"--global", "add: apply in every scope (default: the current scope only)", &global_},
        {"--all", "list: also disabled lessons", &all_},
        {"--all-scopes", "list: every scope's lessons", &all_scopes_}};
  }

  Status Validate() override {
    bool add_flags = !rule_.empty() || !title_.empty() || !severity_.empty() || !phase_.empty() ||
                     !tool_.empty() || !input_regex_.empty() || !output_regex_.empty() ||
                     !file_globs_.empty() || global_;
    if (action_ == "add") {
      if (!args_.empty()) return InvalidArgument("lessons add takes no arguments; use --rule");
      if (rule_.empty()) return InvalidArgument("lessons add needs --rule TEXT");
      if (!severity_.empty())
        RETURN_IF_ERROR(ParseSeverity(severity_).status().WithContext("--severity"));
      if (!phase_.empty())
        RETURN_IF_ERROR(ParseLessonPhase(phase_).status().WithContext("--phase"));
      return Status::Ok();
    }
    if (add_flags)
      return InvalidArgument(
          "--rule, --tool and the other trigger flags only apply to lessons add");
    if (action_ == "list") {
      if (!args_.empty()) return InvalidArgument("lessons list takes no arguments");
      return Status::Ok();
    }
    if (action_ == "enable" || action_ == "disable") {
      if (args_.size() != 1) return InvalidArgument("lessons " + action_ + " takes one lesson id");
      return Status::Ok();
    }
    return InvalidArgument("unknown lessons action '" + action_ +
                           "' (expected add, list, enable or disable)");
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(CaptureApi * capture, session.GetCaptureApi());
    Output& out = session.output();
    if (action_ == "add") {
      Lesson l;
      if (!global_) {
        ASSIGN_OR_RETURN(ResolvedScope s, session.GetScope());
        l.scope = s.scope;
      }
      l.global = global_;
      l.rule = rule_;
      l.title = title_;
      if (!severity_.empty()) {
        ASSIGN_OR_RETURN(l.severity, ParseSeverity(severity_));
      }
      if (!phase_.empty()) {
        ASSIGN_OR_RETURN(l.phase, ParseLessonPhase(phase_));
      }
      l.tool = tool_;
      l.input_regex = input_regex_;
      l.output_regex = output_regex_;
      l.file_globs = file_globs_;
      ASSIGN_OR_RETURN(Lesson added, capture->AddLesson(l));
      if (out.json()) {
        out.PrintJson(Json{{"lesson", ToCli(capture::LessonToJson(added))}});
      } else {
        out.out() << added.id << '\n';
      }
      return Status::Ok();
    }
    if (action_ == "enable" || action_ == "disable") {
      ASSIGN_OR_RETURN(Lesson l, capture->SetLessonActive(args_.front(), action_ == "enable"));
      if (out.json()) {
        out.PrintJson(Json{{"lesson", ToCli(capture::LessonToJson(l))}});
      } else {
        out.out() << (l.active ? "Enabled" : "Disabled") << " lesson " << l.id << '\n';
      }
      return Status::Ok();
    }
    LessonQuery q;
    RETURN_IF_ERROR(ScopesFor(session, all_scopes_, q.scopes, q.all_scopes));
    q.active_only = !all_;
    q.limit = 0;
    ASSIGN_OR_RETURN(std::vector<Lesson> lessons, capture->ListLessons(q));
    if (out.json()) {
      Json list = Json::array();
      for (const Lesson& l : lessons) list.push_back(ToCli(capture::LessonToJson(l)));
      out.PrintJson(Json{{"lessons", std::move(list)}});
      return Status::Ok();
    }
    if (lessons.empty()) {
      out.Note(
          "no lessons; add one with: memex lessons add --tool Bash --input-regex 'git "
          "push.*--force' --rule \"...\"");
      return Status::Ok();
    }
    std::vector<std::vector<std::string>> rows = {
        {"ID", "SEVERITY", "SCOPE", "PHASE", "TRIGGER", "FIRED", "RULE"}};
    for (const Lesson& l : lessons) {
      std::string trigger;
      if (!l.tool.empty()) trigger += "tool=" + l.tool + " ";
      if (!l.input_regex.empty()) trigger += "input~" + l.input_regex + " ";
      if (!l.output_regex.empty()) trigger += "output~" + l.output_regex + " ";
      for (const std::string& g : l.file_globs) trigger += "file=" + g + " ";
      rows.push_back({l.id, std::string(SeverityName(l.severity)) + (l.active ? "" : " (off)"),
                      l.global ? "global" : l.scope.ToString(),
                      std::string(LessonPhaseName(l.phase)), Snippet(trigger, 60),
                      std::to_string(l.trigger_count), Snippet(l.rule, 80)});
    }
    out.out() << FormatTable(rows);
    return Status::Ok();
  }

 private:
  std::string action_;
  std::vector<std::string> args_;
  std::string rule_, title_, severity_, phase_, tool_, input_regex_, output_regex_;
  std::vector<std::string> file_globs_;
  bool global_ = false;
  bool all_ = false;
  bool all_scopes_ = false;
};

// ---- handoff ----

class HandoffCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {{"action ACTION", "show | list | write", &action_, /*required=*/true},
            {"--summary TEXT", "write: what was done and where it stands", &summary_},
            {"--question TEXT", "write: an open question; repeatable", &questions_},
            {"--next TEXT", "write: a next step; repeatable", &next_},
            {"--file PATH", "write: a file touched; repeatable", &files_},
            {"--state STATE", "list: open | accepted | expired (default any)", &state_},
            {"--all-scopes", "list: every scope", &all_scopes_},
            {"--limit,-n N", "list: at most N handoffs (default 20)", &limit_}};
  }

  Status Validate() override {
    RETURN_IF_ERROR(CheckLimit(limit_));
    bool write_flags =
        !summary_.empty() || !questions_.empty() || !next_.empty() || !files_.empty();
    if (action_ == "write") {
      if (summary_.empty()) return InvalidArgument("handoff write needs --summary TEXT");
      return Status::Ok();
    }
    if (write_flags)
      return InvalidArgument(
          "--summary, --question, --next and --file only apply to handoff write");
    if (action_ == "list") {
      if (!state_.empty())
        RETURN_IF_ERROR(ParseHandoffState(state_).status().WithContext("--state"));
      return Status::Ok();
    }
    if (action_ == "show") return Status::Ok();
    return InvalidArgument("unknown handoff action '" + action_ +
                           "' (expected show, list or write)");
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(CaptureApi * capture, session.GetCaptureApi());
    Output& out = session.output();
    if (action_ == "write") {
      ASSIGN_OR_RETURN(ResolvedScope s, session.GetScope());
      HandoffDraft d{s.scope, summary_, questions_, next_, files_, "", "cli"};
      ASSIGN_OR_RETURN(Handoff h, capture->WriteHandoff(d));
      if (out.json()) {
        out.PrintJson(Json{{"handoff", ToCli(capture::HandoffToJson(h))}});
      } else {
        out.out() << h.id << '\n';
      }
      return Status::Ok();
    }
    if (action_ == "show") {
      ASSIGN_OR_RETURN(ResolvedScope s, session.GetScope());
      ASSIGN_OR_RETURN(std::optional<Handoff> h, capture->PendingHandoff(s.scope));
      if (out.json()) {
        out.PrintJson(Json{{"handoff", h ? ToCli(capture::HandoffToJson(*h)) : Json(nullptr)}});
      } else if (!h) {
        out.Note("no pending handoff for " + s.scope.ToString());
      } else {
        out.out() << capture::RenderHandoff(*h);
      }
      return Status::Ok();
    }
    HandoffQuery q;
    RETURN_IF_ERROR(ScopesFor(session, all_scopes_, q.scopes, q.all_scopes));
    if (!state_.empty()) {
      ASSIGN_OR_RETURN(q.state, ParseHandoffState(state_));
    }
    q.limit = static_cast<int>(limit_.value_or(20));
    ASSIGN_OR_RETURN(std::vector<Handoff> list, capture->ListHandoffs(q));
    if (out.json()) {
      Json arr = Json::array();
      for (const Handoff& h : list) arr.push_back(ToCli(capture::HandoffToJson(h)));
      out.PrintJson(Json{{"handoffs", std::move(arr)}});
      return Status::Ok();
    }
    if (list.empty()) {
      out.Note("no handoffs");
      return Status::Ok();
    }
    const int64_t now = session.NowMs();
    std::vector<std::vector<std::string>> rows = {
        {"ID", "STATE", "FROM", "CREATED", "ACCEPTED BY", "SUMMARY"}};
    for (const Handoff& h : list) {
      rows.push_back(
          {h.id, std::string(HandoffStateName(h.state)) + (h.manual ? " (manual)" : ""),
           h.from_agent, FormatAge(now, h.created_ms),
           h.accepted_by_session.empty() ? "-" : h.accepted_by_agent + " " + h.accepted_by_session,
           Snippet(h.summary, 70)});
    }
    out.out() << FormatTable(rows);
    return Status::Ok();
  }

 private:
  std::string action_;
  std::string summary_;
  std::vector<std::string> questions_, next_, files_;
  std::string state_;
  bool all_scopes_ = false;
  std::optional<int64_t> limit_;
};

}  // namespace

std::unique_ptr<Command> NewSessionsCommand() { return std::make_unique<SessionsCommand>(); }
std::unique_ptr<Command> NewLessonsCommand() { return std::make_unique<LessonsCommand>(); }
std::unique_ptr<Command> NewHandoffCommand() { return std::make_unique<HandoffCommand>(); }

}  // namespace memex::cli
