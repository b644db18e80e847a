#include "service/capture_service.h"

#include <algorithm>
#include <filesystem>

#include "base/ids.h"
#include "base/log.h"
#include "base/text.h"
#include "base/time_util.h"
#include "capture/agent_output.h"
#include "capture/archive.h"
#include "capture/event_json.h"
#include "capture/hook_payload.h"
#include "capture/session_digest.h"

namespace memex {
namespace {

constexpr size_t kMaxRememberedSessions = 10000;
constexpr int kBriefingDecisions = 8;
constexpr size_t kDecisionLineBytes = 240;
constexpr size_t kMaxListItemBytes = 500;

bool ValidIngestKey(std::string_view k) {
  if (k.empty() || k.size() > 64) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::string FirstLine(std::string_view s, size_t max) {
  size_t nl = s.find('\n');
  std::string line(Trim(s.substr(0, nl)));
  return TruncateUtf8(line, max);
}

bool IsWork(EventKind k) {
  return k == EventKind::kUserPrompt || k == EventKind::kPreToolUse || k == EventKind::kPostToolUse;
}

Status CheckList(const char* what, const std::vector<std::string>& items) {
  if (items.size() > capture::kHandoffListItems) {
    return InvalidArgument(std::string(what) + " has " + std::to_string(items.size()) +
                           " items; the limit is " + std::to_string(capture::kHandoffListItems));
  }
  for (const std::string& i : items) {
    if (i.size() > kMaxListItemBytes) {
      return InvalidArgument(std::string(what) + " items must be at most " +
                             std::to_string(kMaxListItemBytes) + " bytes");
    }
  }
  return Status::Ok();
}

}  // namespace

CaptureService::CaptureService(MemoryService& memories, CaptureStore& store, const Config& config,
                               const Clock& clock, const Redactor& redactor)
    : memories_(memories), store_(store), config_(config), clock_(clock), redactor_(redactor) {}

Result<Event> CaptureService::Prepare(Event e) const {
  if (Trim(e.session_id).empty()) return InvalidArgument("hook event has no session id");
  if (e.session_id.size() > 200) return InvalidArgument("session id is longer than 200 bytes");
  if (!ValidIngestKey(e.ingest_key)) {
    return InvalidArgument("ingest_key must be 1 to 64 characters of [A-Za-z0-9_-]");
  }
  RETURN_IF_ERROR(ValidateScopeName(e.scope.workspace, "workspace"));
  RETURN_IF_ERROR(ValidateScopeName(e.scope.project, "project"));
  if (e.agent.empty()) e.agent = "unknown";
  if (e.ts_ms <= 0) e.ts_ms = clock_.NowMs();
  for (std::string* text : {&e.prompt, &e.tool_input, &e.tool_output, &e.message, &e.raw}) {
    if (!text->empty()) *text = redactor_.Redact(*text);
  }
  if (!e.tool_use_id.empty()) {
    std::lock_guard lock(mu_);
    if (recent_tool_uses_.size() >= kMaxRememberedSessions) recent_tool_uses_.clear();
    recent_tool_uses_.emplace(e.tool_use_id, e.session_id);
  }
  return e;
}

Result<Event> CaptureService::PrepareSpooled(std::string_view line) const {
  ASSIGN_OR_RETURN(capture::SpooledEvent spooled, capture::ParseSpoolLine(line));
  ASSIGN_OR_RETURN(Event e,
                   capture::ParseHookEvent(spooled.envelope, spooled.payload_json,
                                           static_cast<size_t>(config_.capture.max_event_bytes)));
  return Prepare(std::move(e));
}

bool CaptureService::FirstContextDelivery(const std::string& session_id) {
  std::lock_guard lock(mu_);
  if (delivered_.size() >= kMaxRememberedSessions) delivered_.clear();
  return delivered_.insert(session_id).second;
}

Result<capture::Briefing> CaptureService::BuildBriefing(const Scope& scope, int max_decisions) {
  capture::Briefing b;
  ListRequest req;
  req.query.filter.scopes = {scope};
  req.query.filter.kinds = {Kind::kDecision, Kind::kConvention};
  req.query.limit = max_decisions;
  ASSIGN_OR_RETURN(ListResponse decisions, memories_.List(req));
  for (const Memory& m : decisions.memories) {
    b.decisions.push_back(FirstLine(m.content, kDecisionLineBytes));
  }
  LessonQuery lq;
  lq.scopes = {scope};
  lq.limit = config_.capture.max_lessons;
  ASSIGN_OR_RETURN(b.lessons, store_.ListLessons(lq));
  return b;
}

Result<std::string> CaptureService::SessionContext(const Scope& scope,
                                                   const std::string& session_id,
                                                   std::string* handoff_id) {
  ASSIGN_OR_RETURN(std::optional<Handoff> handoff, store_.PendingHandoff(scope, session_id));
  ASSIGN_OR_RETURN(capture::Briefing briefing, BuildBriefing(scope, kBriefingDecisions));
  if (handoff_id != nullptr) *handoff_id = handoff ? handoff->id : "";
  return capture::RenderSessionContext(handoff, briefing,
                                       static_cast<size_t>(config_.capture.context_bytes));
}

Result<std::vector<Lesson>> CaptureService::ScopeLessons(const Scope& scope, LessonPhase phase) {
  // Read on every tool call, not cached: a lesson added by another process (the CLI next to a
  // server) must fire on the very next call. The query is an index range over few rows.
  LessonQuery q;
  q.scopes = {scope};
  q.phase = phase;
  q.limit = 500;
  return store_.ListLessons(q);
}

Result<std::string> CaptureService::Respond(const Event& e) {
  if (!config_.capture.enabled) return std::string("{}");
  std::string text;
  switch (e.kind) {
    case EventKind::kSessionStart:
    case EventKind::kUserPrompt: {
      if (e.kind == EventKind::kUserPrompt) {
        // Fallback for a session whose SessionStart output was lost or never ran: give the
        // context with its first prompt, once.
        if (!FirstContextDelivery(e.session_id)) break;
        Result<Session> s = store_.GetSession(e.session_id);
        if (s.ok() && s->context_delivered_ms != 0) break;
      } else {
        FirstContextDelivery(e.session_id);
        // A session whose agent died never sent SessionEnd: end it now, so that its handoff is
        // there for this one. Best effort: a failure must not cost this session its context.
        if (Status st = EndStaleSessions(e.scope, e.session_id); !st.ok()) {
          LogWarn("capture: stale sessions not ended: " + st.ToString());
        }
      }
      std::string handoff_id;
      ASSIGN_OR_RETURN(text, SessionContext(e.scope, e.session_id, &handoff_id));
      if (!text.empty()) {
        RETURN_IF_ERROR(store_.SetSessionContext(e.session_id, handoff_id, clock_.NowMs()));
      }
      break;
    }
    case EventKind::kPreToolUse:
    case EventKind::kPostToolUse: {
      if (config_.capture.max_lessons == 0) break;
      LessonPhase phase =
          e.kind == EventKind::kPreToolUse ? LessonPhase::kPreTool : LessonPhase::kPostTool;
      ASSIGN_OR_RETURN(std::vector<Lesson> lessons, ScopeLessons(e.scope, phase));
      if (lessons.empty()) break;
      capture::ToolCall call{phase, e.tool_name, e.tool_input, e.tool_output, e.files};
      std::vector<Lesson> fired = matcher_.Match(lessons, call, config_.capture.max_lessons);
      if (fired.empty()) break;
      std::vector<std::string> ids;
      for (const Lesson& l : fired) ids.push_back(l.id);
      if (Status st = store_.RecordLessonTriggers(ids, clock_.NowMs()); !st.ok()) {
        LogWarn("capture: lesson trigger counts not recorded: " + st.ToString());
      }
      text = capture::RenderLessons(fired);
      break;
    }
    default:
      break;
  }
  return capture::HookStdout(e.agent, e.kind, text);
}

Result<Session> CaptureService::EndSession(const std::string& id) {
  RETURN_IF_ERROR(FinishSession(id));
  return store_.GetSession(id);
}

Status CaptureService::EndStaleSessions(const Scope& scope, const std::string& current) {
  if (config_.capture.stale_session_minutes <= 0) return Status::Ok();
  const int64_t cutoff =
      clock_.NowMs() - int64_t{config_.capture.stale_session_minutes} * 60 * 1000;
  SessionQuery q;
  q.scopes = {scope};
  q.open_only = true;
  q.limit = 20;
  ASSIGN_OR_RETURN(std::vector<Session> open, store_.ListSessions(q));
  // Oldest first, so that the newest stale session's handoff is the one left open.
  std::sort(open.begin(), open.end(),
            [](const Session& a, const Session& b) { return a.last_event_ms < b.last_event_ms; });
  for (const Session& s : open) {
    if (s.id == current || s.last_event_ms >= cutoff) continue;
    LogInfo("capture: ending session " + s.id + ", silent since " +
            FormatRfc3339Ms(s.last_event_ms));
    RETURN_IF_ERROR(FinishSession(s.id));
  }
  return Status::Ok();
}

Status CaptureService::AcceptOfferedHandoff(const Event& e) {
  {
    std::lock_guard lock(mu_);
    if (work_seen_.count(e.session_id)) return Status::Ok();
  }
  Result<Session> s = store_.GetSession(e.session_id);
  if (!s.ok()) return s.status().code() == StatusCode::kNotFound ? Status::Ok() : s.status();
  if (!s->handoff_offered.empty()) {
    ASSIGN_OR_RETURN(bool accepted,
                     store_.AcceptHandoff(s->handoff_offered, s->id, s->agent, e.ts_ms));
    if (accepted) LogInfo("capture: session " + s->id + " accepted handoff " + s->handoff_offered);
  }
  std::lock_guard lock(mu_);
  if (work_seen_.size() >= kMaxRememberedSessions) work_seen_.clear();
  work_seen_.insert(e.session_id);
  return Status::Ok();
}

Result<IngestSummary> CaptureService::Ingest(const std::vector<Event>& events,
                                             bool write_handoffs) {
  IngestSummary sum;
  if (events.empty()) return sum;
  ASSIGN_OR_RETURN(std::vector<AppendResult> results, store_.AppendEvents(events));
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (!results[i].created) {
      ++sum.duplicates;
      continue;
    }
    ++sum.stored;
    if (IsWork(e.kind)) RETURN_IF_ERROR(AcceptOfferedHandoff(e));
    if (e.kind == EventKind::kSessionEnd) {
      ASSIGN_OR_RETURN(Session s, store_.GetSession(e.session_id));
      RETURN_IF_ERROR(CloseSession(s, write_handoffs));
      ++sum.sessions_ended;
    }
  }
  return sum;
}

Status CaptureService::FinishSession(const std::string& session_id, bool write_handoff) {
  ASSIGN_OR_RETURN(Session s, store_.GetSession(session_id));
  if (s.ended_ms != 0) {  // ended already: summarise only what never was
    return s.summary_id.empty() && s.did_work() ? CloseSession(s, write_handoff) : Status::Ok();
  }
  // An open session ends as if its agent had sent SessionEnd, so that it is marked ended and
  // every reader (sessions list, the stale check) sees one history. The key is derived from the
  // session's last event: ending the same silent session twice stores one event.
  Event end;
  end.kind = EventKind::kSessionEnd;
  end.session_id = s.id;
  end.agent = s.agent;
  end.scope = s.scope;
  end.cwd = s.cwd;
  end.git_branch = s.git_branch;
  end.detail = "ended by memex";
  end.ts_ms = clock_.NowMs();
  end.ingest_key =
      "memex-end-" + Sha256Hex(s.id + "@" + std::to_string(s.last_event_ms)).substr(0, 40);
  ASSIGN_OR_RETURN(Event prepared, Prepare(std::move(end)));
  return Ingest({prepared}, write_handoff).status();
}

Status CaptureService::CloseSession(const Session& session, bool write_handoff) {
  EventQuery q;
  q.session_id = session.id;
  ASSIGN_OR_RETURN(std::vector<Event> events, store_.ListEvents(q));
  capture::SessionDigest digest = capture::DigestEvents(events);

  std::string summary_id = session.summary_id;
  if (session.did_work()) {
    std::string content = capture::RenderSummary(
        session, digest, static_cast<size_t>(config_.limits.max_content_bytes));
    if (summary_id.empty()) {
      RememberRequest req;
      req.memory.scope = session.scope;
      req.memory.kind = Kind::kEpisode;
      req.memory.content = content;
      req.memory.tags = {"session", "summary"};
      req.memory.origin = Origin::kHook;
      req.memory.agent = session.agent;
      req.memory.session = session.id;
      req.memory.idempotency_key = "session-summary-" + Sha256Hex(session.id).substr(0, 32);
      ASSIGN_OR_RETURN(RememberResult r, memories_.Remember(req));
      summary_id = r.id;
    } else {  // a resumed session that ended again: a new version of its summary
      UpdateRequest up;
      up.id = summary_id;
      up.patch.content = content;
      up.patch.agent = session.agent;
      up.patch.session = session.id;
      Result<RememberResult> r = memories_.Update(up);
      if (r.ok()) summary_id = r->id;
    }

    // The automatic handoff, unless this session wrote a manual one (which wins anyway).
    HandoffQuery hq;
    hq.scopes = {session.scope};
    hq.state = HandoffState::kOpen;
    hq.limit = 50;
    ASSIGN_OR_RETURN(std::vector<Handoff> open, store_.ListHandoffs(hq));
    bool manual_from_here = std::any_of(open.begin(), open.end(), [&](const Handoff& h) {
      return h.manual && h.from_session == session.id;
    });
    Handoff h = capture::BuildHandoff(session, digest);
    if (write_handoff && !manual_from_here && !capture::HandoffIsEmpty(h)) {
      h.created_ms = clock_.NowMs();
      h.id = NewUuidV7(h.created_ms);
      RETURN_IF_ERROR(store_.PutHandoff(h));
    }
  }

  std::string sha = session.archive_sha256;
  if (config_.capture.archive && !events.empty()) {
    std::string jsonl;
    for (const Event& e : events) jsonl += capture::EventToJsonLine(e) + "\n";
    std::string dir = (std::filesystem::path(config_.data_dir) / "archive" / "sessions").string();
    Result<std::string> written = capture::WriteArchive(dir, jsonl);
    if (written.ok()) {
      sha = *written;
    } else {  // the events stay in the database; only the archive copy is missing
      LogWarn("capture: session " + session.id + " not archived: " + written.status().ToString());
    }
  }
  return store_.SetSessionSummary(session.id, summary_id, sha);
}

Result<Handoff> CaptureService::WriteHandoff(const HandoffDraft& d) {
  RETURN_IF_ERROR(ValidateScopeName(d.scope.workspace, "workspace"));
  RETURN_IF_ERROR(ValidateScopeName(d.scope.project, "project"));
  if (Trim(d.summary).empty()) return InvalidArgument("a handoff needs a summary");
  if (d.summary.size() > capture::kHandoffSummaryBytes) {
    return InvalidArgument("handoff summary is " + std::to_string(d.summary.size()) +
                           " bytes; the limit is " + std::to_string(capture::kHandoffSummaryBytes));
  }
  RETURN_IF_ERROR(CheckList("open_questions", d.open_questions));
  RETURN_IF_ERROR(CheckList("next_steps", d.next_steps));
  RETURN_IF_ERROR(CheckList("files_touched", d.files_touched));
  Handoff h;
  h.created_ms = clock_.NowMs();
  h.id = NewUuidV7(h.created_ms);
  h.scope = d.scope;
  h.manual = true;
  h.from_session = d.session;
  h.from_agent = d.agent.empty() ? "unknown" : d.agent;
  h.summary = redactor_.Redact(d.summary);
  for (const std::string& q : d.open_questions) h.open_questions.push_back(redactor_.Redact(q));
  for (const std::string& s : d.next_steps) h.next_steps.push_back(redactor_.Redact(s));
  h.files_touched = d.files_touched;
  RETURN_IF_ERROR(store_.PutHandoff(h));
  return h;
}

Result<std::optional<Handoff>> CaptureService::PendingHandoff(const Scope& scope) {
  return store_.PendingHandoff(scope, "");
}

Result<Handoff> CaptureService::GetHandoff(const std::string& id) { return store_.GetHandoff(id); }

Result<std::vector<Handoff>> CaptureService::ListHandoffs(const HandoffQuery& q) {
  return store_.ListHandoffs(q);
}

Result<std::string> CaptureService::HandoffContext(const Scope& scope) {
  ASSIGN_OR_RETURN(std::optional<Handoff> h, store_.PendingHandoff(scope, ""));
  return h ? capture::RenderHandoff(*h) : std::string();
}

Result<std::string> CaptureService::BriefingContext(const Scope& scope) {
  ASSIGN_OR_RETURN(capture::Briefing b, BuildBriefing(scope, 20));
  return capture::RenderSessionContext(std::nullopt, b,
                                       static_cast<size_t>(config_.capture.context_bytes));
}

Result<std::string> CaptureService::LessonsContext(const Scope& scope) {
  LessonQuery q;
  q.scopes = {scope};
  ASSIGN_OR_RETURN(std::vector<Lesson> lessons, store_.ListLessons(q));
  std::string out;
  for (const Lesson& l : lessons) {
    out += "- " + std::string(SeverityName(l.severity)) + ": " + l.rule;
    if (!l.tool.empty()) out += " (tool " + l.tool + ")";
    out += "\n";
  }
  return out;
}

Result<Lesson> CaptureService::AddLesson(Lesson l) {
  if (!l.global) {
    RETURN_IF_ERROR(ValidateScopeName(l.scope.workspace, "workspace"));
    RETURN_IF_ERROR(ValidateScopeName(l.scope.project, "project"));
  }
  l.rule = std::string(Trim(l.rule));
  if (l.title.empty()) l.title = FirstLine(l.rule, 80);
  RETURN_IF_ERROR(capture::ValidateLesson(l));
  l.created_ms = l.updated_ms = clock_.NowMs();
  l.id = NewUuidV7(l.created_ms);
  l.trigger_count = 0;
  l.last_triggered_ms = 0;
  l.rule = redactor_.Redact(l.rule);
  RETURN_IF_ERROR(store_.PutLesson(l));
  return l;
}

Result<Lesson> CaptureService::GetLesson(const std::string& id) { return store_.GetLesson(id); }

Result<std::vector<Lesson>> CaptureService::ListLessons(const LessonQuery& q) {
  return store_.ListLessons(q);
}

Result<Lesson> CaptureService::SetLessonActive(const std::string& id, bool active) {
  LessonPatch p;
  p.active = active;
  return store_.UpdateLesson(id, p, clock_.NowMs());
}

Result<std::vector<Session>> CaptureService::ListSessions(const SessionQuery& q) {
  return store_.ListSessions(q);
}

Result<Session> CaptureService::GetSession(const std::string& id) { return store_.GetSession(id); }

Result<std::vector<Event>> CaptureService::SessionEvents(const std::string& id, int64_t after_seq,
                                                         int limit) {
  RETURN_IF_ERROR(store_.GetSession(id).status());
  EventQuery q;
  q.session_id = id;
  q.after_seq = after_seq;
  q.limit = limit;
  return store_.ListEvents(q);
}

Result<std::vector<EventHit>> CaptureService::SearchEvents(const EventSearchQuery& q) {
  return store_.SearchEvents(q);
}

Result<std::string> CaptureService::SessionForToolUse(const std::string& tool_use_id) {
  if (tool_use_id.empty()) return std::string();
  {
    std::lock_guard lock(mu_);
    if (auto it = recent_tool_uses_.find(tool_use_id); it != recent_tool_uses_.end()) {
      return it->second;
    }
  }
  ASSIGN_OR_RETURN(std::vector<Event> events, store_.EventsByToolUse(tool_use_id));
  return events.empty() ? std::string() : events.front().session_id;
}

}  // namespace memex
