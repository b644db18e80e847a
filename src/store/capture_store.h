// CaptureStore: the persistence contract for capture (SPEC §7): hook events and the sessions
// they form, handoffs and lessons. SqliteStore implements it beside Store; the rules (what a
// summary says, when a handoff is consumed, which lesson fires) live in service/, not here.
// store/capture_store_contract_test.h is the suite every implementation must pass.
//
// Thread-safety and durability: as Store (store/store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/capture.h"
#include "core/scope.h"

namespace memex {

struct AppendResult {
  int64_t seq = 0;      // the stored event's seq (the earlier one for a duplicate)
  bool created = true;  // false: an event with the same ingest_key was already stored
};

struct SessionQuery {
  std::vector<Scope> scopes;  // empty with all_scopes false matches nothing
  bool all_scopes = false;
  std::string agent;       // "" = any
  bool open_only = false;  // only sessions without a SessionEnd
  int64_t since_ms = 0;    // last_event_ms >= since_ms (0 = unbounded)
  int limit = 50;          // newest (last_event_ms) first; 0 = no limit
};

struct EventQuery {
  std::string session_id;
  int64_t after_seq = 0;  // events with seq > after_seq, oldest first
  int limit = 0;          // 0 = no limit
};

struct EventSearchQuery {
  // Raw user text, one word or phrase each (any bytes: the store quotes them); an event matches
  // when it contains all of them. A term that holds no word ("?", "--") is ignored; no term
  // left matches nothing.
  std::vector<std::string> terms;
  std::vector<Scope> scopes;  // empty with all_scopes false matches nothing
  bool all_scopes = false;
  int limit = 10;  // best first (BM25 over the event's text); 0 = no limit
};

struct EventHit {
  Event event;
  double score = 0;  // higher is better
};

struct HandoffQuery {
  std::vector<Scope> scopes;
  bool all_scopes = false;
  std::optional<HandoffState> state;  // unset = any
  int limit = 20;                     // newest first; 0 = no limit
};

struct LessonQuery {
  // Lessons created in these scopes (a global one too, even without include_global), plus every
  // global lesson when include_global: no scopes with include_global = the global lessons only.
  std::vector<Scope> scopes;
  bool all_scopes = false;  // every lesson
  bool include_global = true;
  bool active_only = true;
  std::optional<LessonPhase> phase;  // unset = any
  int limit = 100;                   // most severe first, then newest; 0 = no limit
};

struct LessonPatch {
  std::optional<bool> active;
  std::optional<std::string> rule;
  std::optional<Severity> severity;
};

class CaptureStore {
 public:
  virtual ~CaptureStore() = default;

  // ---- Events and sessions ----

  // Stores the events in one transaction, in order. An event whose ingest_key is already stored
  // (by any session, in this batch or an earlier one, by any process) is skipped
  // (created = false) and changes nothing: a retried or re-drained event is stored exactly once.
  // Each new event upserts its session: created at its first stored event with the event's
  // scope, agent, cwd, git branch (an empty agent, cwd or branch is filled in by a later event);
  // every event bumps event_count, lowers started_ms / raises last_event_ms to its ts_ms (spooled
  // events may arrive late), bumps prompt_count for kUserPrompt and error_count when
  // tool_error. tool_count counts tool calls: once per tool_use_id, at whichever of its
  // kPreToolUse/kPostToolUse comes first (a Pre alone counts); without a tool_use_id only a
  // kPostToolUse counts. kSessionEnd sets ended_ms and end_reason (from `detail`); a
  // kSessionStart later than ended_ms reopens the session (ended_ms 0, end_reason "").
  // Errors: kInvalidArgument (empty session_id or ingest_key, an ingest_key not matching
  // [A-Za-z0-9_-]{1,64}, an invalid scope name); nothing is stored then.
  virtual Result<std::vector<AppendResult>> AppendEvents(const std::vector<Event>& events) = 0;

  // Errors: kNotFound.
  virtual Result<Session> GetSession(const std::string& id) = 0;
  virtual Result<std::vector<Session>> ListSessions(const SessionQuery& q) = 0;
  // Set the fields the service owns after the fact; an argument that is "" (or 0) leaves the
  // stored value unchanged, so each call sets only what it knows.
  // SetSessionSummary errors: kNotFound.
  virtual Status SetSessionSummary(const std::string& id, const std::string& summary_id,
                                   const std::string& archive_sha256) = 0;
  // Works before the session's first event is stored (a SessionStart's briefing is computed
  // first); GetSession/ListSessions report the values once the session exists.
  // Errors: kInvalidArgument (empty id).
  virtual Status SetSessionContext(const std::string& id, const std::string& handoff_offered,
                                   int64_t delivered_ms) = 0;

  // A session's events, oldest first (seq order); limit 0 = no limit.
  virtual Result<std::vector<Event>> ListEvents(const EventQuery& q) = 0;
  // The events carrying this tool_use_id (the Pre/Post pair of one call), oldest first.
  virtual Result<std::vector<Event>> EventsByToolUse(const std::string& tool_use_id) = 0;
  // Full-text search over prompts, tool names, inputs, outputs and messages (EventSearchQuery).
  // Never fails on the text of the terms.
  virtual Result<std::vector<EventHit>> SearchEvents(const EventSearchQuery& q) = 0;

  // ---- Handoffs ----

  // Inserts `h` verbatim (caller sets id and created_ms). When `h` is automatic (not manual) and
  // open, every older (created_ms, then id) open automatic handoff of the same scope becomes
  // kExpired. Errors: kAlreadyExists (id), kInvalidArgument (empty id, invalid scope name).
  virtual Status PutHandoff(const Handoff& h) = 0;
  // Errors: kNotFound.
  virtual Result<Handoff> GetHandoff(const std::string& id) = 0;
  // The handoff to offer a new session in `scope`: the newest open manual one, else the newest
  // open automatic one; nullopt when none is open. `exclude_session` skips handoffs written by
  // that session (a session is never handed its own handoff); "" skips nothing.
  virtual Result<std::optional<Handoff>> PendingHandoff(const Scope& scope,
                                                        const std::string& exclude_session) = 0;
  // Marks an open handoff accepted by `session`/`agent` at now_ms. Returns false (changing
  // nothing) when it is no longer open. Errors: kNotFound.
  virtual Result<bool> AcceptHandoff(const std::string& id, const std::string& session,
                                     const std::string& agent, int64_t now_ms) = 0;
  virtual Result<std::vector<Handoff>> ListHandoffs(const HandoffQuery& q) = 0;

  // ---- Lessons ----

  // Inserts `l` verbatim (caller sets id and times). Errors: kAlreadyExists, kInvalidArgument
  // (empty id or rule, invalid scope name). Triggers and regexes are the service's to check.
  virtual Status PutLesson(const Lesson& l) = 0;
  // Errors: kNotFound.
  virtual Result<Lesson> GetLesson(const std::string& id) = 0;
  virtual Result<std::vector<Lesson>> ListLessons(const LessonQuery& q) = 0;
  // Applies the set fields and updated_ms = now_ms; returns the result.
  // Errors: kNotFound, kInvalidArgument (a rule set to "").
  virtual Result<Lesson> UpdateLesson(const std::string& id, const LessonPatch& patch,
                                      int64_t now_ms) = 0;
  // Adds 1 to trigger_count and sets last_triggered_ms (never lowering it) for each id, once per
  // call however often an id is listed (unknown ids skipped). Not an edit: updated_ms stays.
  virtual Status RecordLessonTriggers(const std::vector<std::string>& ids, int64_t now_ms) = 0;
};

}  // namespace memex
