// The capture tables (migration v3: sessions, session_context, events + events_fts, handoffs,
// lessons): the SQL behind SqliteStore's CaptureStore methods. Each function runs on a
// connection the caller has already put inside a transaction (a RowWriter's write transaction
// for the mutations, a read or write transaction for the queries); contracts as the matching
// methods of store/capture_store.h.
//
// Thread-safety: as the Connection passed in (one thread at a time); the ScopeCache is safe for
// concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/capture.h"
#include "store/capture_store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/row_writer.h"
#include "store/sqlite/scopes.h"

namespace memex::sqlite {

// ---- Events and sessions ----

// CaptureStore::AppendEvents: validates every event first (nothing is written when one is
// invalid), then inserts the new ones and upserts their sessions.
Result<std::vector<AppendResult>> InsertEvents(RowWriter& w, const std::vector<Event>& events);
// CaptureStore::GetSession. Errors: kNotFound.
Result<Session> SelectSession(Connection& db, std::string_view id);
Result<std::vector<Session>> SelectSessions(Connection& db, ScopeCache& scopes,
                                            const SessionQuery& q);
// CaptureStore::SetSessionSummary. Errors: kNotFound.
Status UpdateSessionSummary(Connection& db, std::string_view id, std::string_view summary_id,
                            std::string_view archive_sha256);
// CaptureStore::SetSessionContext (the session row need not exist).
Status UpsertSessionContext(Connection& db, std::string_view id, std::string_view handoff_offered,
                            int64_t delivered_ms);
Result<std::vector<Event>> SelectEvents(Connection& db, const EventQuery& q);
Result<std::vector<Event>> SelectEventsByToolUse(Connection& db, std::string_view tool_use_id);
// CaptureStore::SearchEvents over events_fts. Terms that hold no token are ignored; no term
// left means no hit.
Result<std::vector<EventHit>> SearchEventRows(Connection& db, ScopeCache& scopes,
                                              const EventSearchQuery& q);

// ---- Handoffs ----

Status InsertHandoff(RowWriter& w, const Handoff& h);
// Errors: kNotFound.
Result<Handoff> SelectHandoff(Connection& db, std::string_view id);
Result<std::optional<Handoff>> SelectPendingHandoff(Connection& db, ScopeCache& scopes,
                                                    const Scope& scope,
                                                    std::string_view exclude_session);
// Errors: kNotFound.
Result<bool> AcceptHandoffRow(Connection& db, std::string_view id, std::string_view session,
                              std::string_view agent, int64_t now_ms);
Result<std::vector<Handoff>> SelectHandoffs(Connection& db, ScopeCache& scopes,
                                            const HandoffQuery& q);

// ---- Lessons ----

Status InsertLesson(RowWriter& w, const Lesson& l);
// Errors: kNotFound.
Result<Lesson> SelectLesson(Connection& db, std::string_view id);
Result<std::vector<Lesson>> SelectLessons(Connection& db, ScopeCache& scopes, const LessonQuery& q);
// Errors: kNotFound; kInvalidArgument for an empty rule.
Result<Lesson> UpdateLessonRow(Connection& db, std::string_view id, const LessonPatch& patch,
                               int64_t now_ms);
Status RecordLessonTriggerRows(Connection& db, const std::vector<std::string>& ids, int64_t now_ms);

// ---- Encodings (exposed for tests) ----

// A list column: a JSON array of strings. Invalid UTF-8 in an item is stored as U+FFFD (JSON
// text must be UTF-8). Errors (decode): kDataLoss for anything but an array of strings.
std::string EncodeStringList(const std::vector<std::string>& items);
Result<std::vector<std::string>> DecodeStringList(std::string_view json);

// lessons.severity: 0 critical, 1 warning, 2 info (on disk: never renumber). Ascending = most
// severe first.
int SeverityToCode(Severity s);
Result<Severity> SeverityFromCode(int64_t code);

// An ingest key matches [A-Za-z0-9_-]{1,64}.
bool ValidIngestKey(std::string_view key);

}  // namespace memex::sqlite
