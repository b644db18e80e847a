// CaptureService: the capture use cases (SPEC §7) — storing hook events, answering the agent
// (handoff and briefing at session start, lessons before a tool call), ending sessions in a
// summary memory, a handoff and an archive, and the lesson and handoff operations the CLI,
// REST and pf_poke offer. Every front-end (`memex hook` in local mode, POST /hook, the MCP
// tools, the CLI) goes through it; the rules themselves are in capture/.
//
// Authorization is the caller's: front-ends check the principal (core/principal.h) for the
// event's or request's scope before calling.
//
// Thread-safety: safe for concurrent use. Ingest may run on a worker thread while Respond runs
// on request threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "capture/agent_output.h"
#include "capture/lesson_matcher.h"
#include "config/config.h"
#include "core/capture.h"
#include "redact/redactor.h"
#include "service/capture_api.h"
#include "service/memory_service.h"
#include "store/capture_store.h"

namespace memex {

// An explicit handoff (pf_poke mode "handoff", `memex handoff write`).
struct HandoffDraft {
  Scope scope;
  std::string summary;
  std::vector<std::string> open_questions;
  std::vector<std::string> next_steps;
  std::vector<std::string> files_touched;
  std::string session;  // the writer's session, when known
  std::string agent;
};

struct IngestSummary {
  int64_t stored = 0;
  int64_t duplicates = 0;  // ingest keys already stored
  int64_t sessions_ended = 0;
};

class CaptureService : public CaptureApi {
 public:
  // Borrows everything; all must outlive the service. Archives go under
  // <config.data_dir>/archive/sessions.
  CaptureService(MemoryService& memories, CaptureStore& store, const Config& config,
                 const Clock& clock, const Redactor& redactor);

  // Redacts every free-text field of a parsed event (prompt, tool input and output, message,
  // raw payload) and checks it: a session id, an ingest key of 1..64 [A-Za-z0-9_-], a valid
  // scope. Errors: kInvalidArgument naming the field.
  Result<Event> Prepare(Event e) const;
  // Parses a spool line (or a POST /hook/batch element: capture/hook_payload.h ParseSpoolLine),
  // normalises its payload and Prepares it. Errors: kInvalidArgument.
  Result<Event> PrepareSpooled(std::string_view line) const;

  // What the hook prints for `e` (the agent's JSON, "{}" when memex has nothing to say):
  // session-start → pending handoff + briefing; the first prompt of a session not yet given its
  // context → the same; pre-tool-use / post-tool-use → matching lessons. Records what was
  // offered (and lesson trigger counts) but never stores the event itself: that is Ingest's.
  // With capture.enabled false returns "{}".
  Result<std::string> Respond(const Event& e);

  // Stores prepared events exactly once per ingest key, in order, then runs their consequences:
  // the first prompt or tool call of a session accepts the handoff it was offered; session-end
  // writes the summary memory, the automatic handoff (not for a session without work) and the
  // archive. `write_handoffs` false: a session-end writes the summary and the archive only (as
  // FinishSession(id, false); imported transcripts must not expire live handoffs).
  // Errors: store errors (nothing acknowledged is lost: a retry is harmless).
  Result<IngestSummary> Ingest(const std::vector<Event>& events, bool write_handoffs = true);

  // Ends a session now (as if SessionEnd arrived: a SessionEnd event with detail "ended by
  // memex" is stored), e.g. for a client without SessionEnd. An ended session is left as it is,
  // unless it did work and has no summary yet (then it gets one).
  // `write_handoff` false: summary and archive only (imported history must not expire the
  // handoff of the live sessions). Errors: kNotFound.
  Status FinishSession(const std::string& session_id, bool write_handoff = true);
  // FinishSession, then the session as it is.
  Result<Session> EndSession(const std::string& id) override;

  // ---- Handoffs ----
  // Stores a manual handoff, which wins over automatic ones. Errors: kInvalidArgument (empty
  // summary, over the size limits).
  Result<Handoff> WriteHandoff(const HandoffDraft& draft) override;
  Result<std::optional<Handoff>> PendingHandoff(const Scope& scope) override;
  // Errors: kNotFound.
  Result<Handoff> GetHandoff(const std::string& id);
  Result<std::vector<Handoff>> ListHandoffs(const HandoffQuery& q) override;
  // Built-in pf_load contexts: the pending handoff ("" when none), the briefing (recent
  // decisions and active lessons), and the active lessons.
  Result<std::string> HandoffContext(const Scope& scope);
  Result<std::string> BriefingContext(const Scope& scope);
  Result<std::string> LessonsContext(const Scope& scope);

  // ---- Lessons ----
  // Validates (capture/lesson_matcher.h ValidateLesson), sets id and times, stores.
  Result<Lesson> AddLesson(Lesson lesson) override;
  // Errors: kNotFound.
  Result<Lesson> GetLesson(const std::string& id);
  Result<std::vector<Lesson>> ListLessons(const LessonQuery& q) override;
  Result<Lesson> SetLessonActive(const std::string& id, bool active) override;

  // ---- Sessions ----
  Result<std::vector<Session>> ListSessions(const SessionQuery& q) override;
  Result<Session> GetSession(const std::string& id) override;
  Result<std::vector<Event>> SessionEvents(const std::string& id, int64_t after_seq = 0,
                                           int limit = 0) override;
  Result<std::vector<EventHit>> SearchEvents(const EventSearchQuery& q);
  // The session of the stored hook event carrying `tool_use_id` (an MCP tools/call's
  // _meta tool-use id equals it), "" when no stored event carries it (or the id is "").
  Result<std::string> SessionForToolUse(const std::string& tool_use_id);

 private:
  // The session-start text for `scope` (handoff + briefing), and the handoff it offers.
  Result<std::string> SessionContext(const Scope& scope, const std::string& session_id,
                                     std::string* handoff_id);
  // Ends the open sessions of `scope` (but `current`) silent for capture.stale_session_minutes.
  Status EndStaleSessions(const Scope& scope, const std::string& current);
  Result<capture::Briefing> BuildBriefing(const Scope& scope, int max_decisions);
  Result<std::vector<Lesson>> ScopeLessons(const Scope& scope, LessonPhase phase);
  Status AcceptOfferedHandoff(const Event& e);
  Status CloseSession(const Session& session, bool write_handoff = true);
  // True the first time it is called for `session_id` in this process (bounded memory).
  bool FirstContextDelivery(const std::string& session_id);

  MemoryService& memories_;
  CaptureStore& store_;
  const Config& config_;
  const Clock& clock_;
  const Redactor& redactor_;
  capture::LessonMatcher matcher_;

  mutable std::mutex mu_;
  std::set<std::string> delivered_;  // GUARDED_BY(mu_): sessions given their context
  std::set<std::string> work_seen_;  // GUARDED_BY(mu_): sessions whose offer was settled
  // tool_use_id -> session of the tool events this process prepared, so an MCP call is linked
  // to its session even while its PreToolUse event still waits in the server's queue.
  mutable std::map<std::string, std::string> recent_tool_uses_;  // GUARDED_BY(mu_)
};

}  // namespace memex
