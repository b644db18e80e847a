#include "store/sqlite/capture_rows.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "base/text.h"
#include "store/sqlite/filter_sql.h"
#include "store/sqlite/fts.h"

namespace memex::sqlite {
namespace {

// ---- Shared helpers ----

Status ValidateScope(const Scope& scope) {
  RETURN_IF_ERROR(ValidateScopeName(scope.workspace, "workspace"));
  return ValidateScopeName(scope.project, "project");
}

Result<ScopeSet> Resolve(Connection& db, ScopeCache& cache, const std::vector<Scope>& scopes,
                         bool all_scopes) {
  SearchFilter filter;
  filter.scopes = scopes;
  filter.all_scopes = all_scopes;
  return ResolveScopes(db, cache, filter);
}

// " LIMIT ?n" with -1 (SQLite's "no limit") for limit <= 0.
void AppendLimit(int limit, SqlBuilder& b) { b.Sql(" LIMIT ").Int(limit > 0 ? limit : -1); }

template <typename T, typename Read>
Result<std::vector<T>> Collect(Connection& db, const SqlBuilder& b, Read read) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(b.sql()));
  b.Bind(*stmt);
  std::vector<T> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    ASSIGN_OR_RETURN(T item, read(*stmt));
    out.push_back(std::move(item));
  }
}

Result<bool> Exists(Connection& db, std::string_view sql, std::string_view value) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(sql));
  stmt->BindText(1, value);
  return stmt->Step();
}

std::string Text(const Statement& stmt, int col) { return std::string(stmt.ColumnText(col)); }

Result<std::vector<std::string>> ListColumn(const Statement& stmt, int col, std::string_view what) {
  Result<std::vector<std::string>> list = DecodeStringList(stmt.ColumnText(col));
  if (!list.ok()) return list.status().WithContext(what);
  return list;
}

// ---- Events ----

constexpr std::string_view kEventColumns =
    "m.seq, m.ingest_key, m.session_id, m.kind, m.agent, s.workspace, s.project, m.cwd, "
    "m.git_branch, m.ts_ms, m.prompt, m.tool_name, m.tool_use_id, m.tool_input, m.tool_output, "
    "m.tool_error, m.duration_ms, m.message, m.detail, m.model, m.files, m.raw";
constexpr std::string_view kEventFrom = " FROM events m JOIN scopes s ON s.scope_id = m.scope_id ";

Result<Event> ReadEvent(const Statement& stmt) {
  Event e;
  e.seq = stmt.ColumnInt(0);
  e.ingest_key = Text(stmt, 1);
  e.session_id = Text(stmt, 2);
  Result<EventKind> kind = ParseEventKind(stmt.ColumnText(3));
  if (!kind.ok()) {
    return DataLoss("event " + std::to_string(e.seq) + ": " + kind.status().message());
  }
  e.kind = *kind;
  e.agent = Text(stmt, 4);
  e.scope = Scope{Text(stmt, 5), Text(stmt, 6)};
  e.cwd = Text(stmt, 7);
  e.git_branch = Text(stmt, 8);
  e.ts_ms = stmt.ColumnInt(9);
  e.prompt = Text(stmt, 10);
  e.tool_name = Text(stmt, 11);
  e.tool_use_id = Text(stmt, 12);
  e.tool_input = Text(stmt, 13);
  e.tool_output = Text(stmt, 14);
  e.tool_error = stmt.ColumnInt(15) != 0;
  e.duration_ms = stmt.ColumnInt(16);
  e.message = Text(stmt, 17);
  e.detail = Text(stmt, 18);
  e.model = Text(stmt, 19);
  ASSIGN_OR_RETURN(e.files, ListColumn(stmt, 20, "event " + std::to_string(e.seq) + " files"));
  e.raw = Text(stmt, 21);
  return e;
}

Status ValidateEvent(const Event& e) {
  if (e.session_id.empty()) return InvalidArgument("event has an empty session_id");
  if (!ValidIngestKey(e.ingest_key)) {
    return InvalidArgument("ingest_key '" + TruncateUtf8(e.ingest_key, 80) +
                           "' must match [A-Za-z0-9_-]{1,64}");
  }
  return ValidateScope(e.scope);
}

bool IsToolEvent(EventKind k) {
  return k == EventKind::kPreToolUse || k == EventKind::kPostToolUse;
}

// How much a new event adds to its session's tool_count. A call is counted once per
// tool_use_id, by whichever of its Pre/Post events comes first (a Pre alone still counts: the
// agent set out to run a tool). Without an id the Pre/Post pair cannot be joined, so only the
// Post counts.
Result<int64_t> ToolCountDelta(Connection& db, const Event& e) {
  if (!IsToolEvent(e.kind)) return 0;
  if (e.tool_use_id.empty()) return e.kind == EventKind::kPostToolUse ? 1 : 0;
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare("SELECT 1 FROM events WHERE tool_use_id = ?1 AND tool_use_id <> '' "
                              "AND session_id = ?2 AND kind IN ('pre-tool-use', 'post-tool-use') "
                              "LIMIT 1"));
  stmt->BindText(1, e.tool_use_id);
  stmt->BindText(2, e.session_id);
  ASSIGN_OR_RETURN(bool seen, stmt->Step());
  return seen ? 0 : 1;
}

Result<int64_t> InsertEventRow(Connection& db, const Event& e, int64_t scope_id) {
  ASSIGN_OR_RETURN(
      StatementRef ins,
      db.Prepare("INSERT INTO events(ingest_key, session_id, kind, agent, scope_id, cwd, "
                 "git_branch, ts_ms, prompt, tool_name, tool_use_id, tool_input, tool_output, "
                 "tool_error, duration_ms, message, detail, model, files, raw) VALUES(?1, ?2, ?3, "
                 "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"));
  const std::string files = EncodeStringList(e.files);
  ins->BindText(1, e.ingest_key);
  ins->BindText(2, e.session_id);
  ins->BindText(3, EventKindName(e.kind));
  ins->BindText(4, e.agent);
  ins->BindInt(5, scope_id);
  ins->BindText(6, e.cwd);
  ins->BindText(7, e.git_branch);
  ins->BindInt(8, e.ts_ms);
  ins->BindText(9, e.prompt);
  ins->BindText(10, e.tool_name);
  ins->BindText(11, e.tool_use_id);
  ins->BindText(12, e.tool_input);
  ins->BindText(13, e.tool_output);
  ins->BindInt(14, e.tool_error ? 1 : 0);
  ins->BindInt(15, e.duration_ms);
  ins->BindText(16, e.message);
  ins->BindText(17, e.detail);
  ins->BindText(18, e.model);
  ins->BindText(19, files);
  ins->BindText(20, e.raw);
  RETURN_IF_ERROR(ins->Run());
  return sqlite3_last_insert_rowid(db.raw());
}

// Creates the session at its first event or folds the event into it. In an UPDATE every
// right-hand side reads the row as it was, so the CASEs below all see the old ended_ms.
// A SessionStart later than the session's end reopens it (a resumed session keeps its id).
Status UpsertSession(Connection& db, const Event& e, int64_t scope_id, int64_t tool_delta) {
  ASSIGN_OR_RETURN(
      StatementRef up,
      db.Prepare("INSERT INTO sessions(id, scope_id, agent, cwd, git_branch, started_ms, "
                 "last_event_ms, ended_ms, end_reason, event_count, prompt_count, tool_count, "
                 "error_count) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, 1, ?9, ?10, ?11) "
                 "ON CONFLICT(id) DO UPDATE SET "
                 "agent = CASE WHEN agent = '' THEN excluded.agent ELSE agent END, "
                 "cwd = CASE WHEN cwd = '' THEN excluded.cwd ELSE cwd END, "
                 "git_branch = CASE WHEN git_branch = '' THEN excluded.git_branch "
                 "ELSE git_branch END, "
                 "started_ms = min(started_ms, excluded.started_ms), "
                 "last_event_ms = max(last_event_ms, excluded.last_event_ms), "
                 "ended_ms = CASE WHEN ?12 = 1 THEN excluded.ended_ms "
                 "WHEN ?12 = 2 AND ended_ms <> 0 AND excluded.started_ms > ended_ms THEN 0 "
                 "ELSE ended_ms END, "
                 "end_reason = CASE WHEN ?12 = 1 THEN excluded.end_reason "
                 "WHEN ?12 = 2 AND ended_ms <> 0 AND excluded.started_ms > ended_ms THEN '' "
                 "ELSE end_reason END, "
                 "event_count = event_count + 1, "
                 "prompt_count = prompt_count + excluded.prompt_count, "
                 "tool_count = tool_count + excluded.tool_count, "
                 "error_count = error_count + excluded.error_count"));
  const bool end = e.kind == EventKind::kSessionEnd;
  up->BindText(1, e.session_id);
  up->BindInt(2, scope_id);
  up->BindText(3, e.agent);
  up->BindText(4, e.cwd);
  up->BindText(5, e.git_branch);
  up->BindInt(6, e.ts_ms);
  up->BindInt(7, end ? e.ts_ms : 0);
  up->BindText(8, end ? std::string_view(e.detail) : std::string_view());
  up->BindInt(9, e.kind == EventKind::kUserPrompt ? 1 : 0);
  up->BindInt(10, tool_delta);
  up->BindInt(11, e.tool_error ? 1 : 0);
  up->BindInt(12, end ? 1 : e.kind == EventKind::kSessionStart ? 2 : 0);
  return up->Run();
}

constexpr std::string_view kSessionSelect =
    "SELECT m.id, s.workspace, s.project, m.agent, m.cwd, m.git_branch, m.started_ms, "
    "m.last_event_ms, m.ended_ms, m.end_reason, m.event_count, m.prompt_count, m.tool_count, "
    "m.error_count, m.summary_id, m.archive_sha256, coalesce(c.handoff_offered, ''), "
    "coalesce(c.delivered_ms, 0) FROM sessions m JOIN scopes s ON s.scope_id = m.scope_id "
    "LEFT JOIN session_context c ON c.session_id = m.id ";

Result<Session> ReadSession(const Statement& stmt) {
  Session s;
  s.id = Text(stmt, 0);
  s.scope = Scope{Text(stmt, 1), Text(stmt, 2)};
  s.agent = Text(stmt, 3);
  s.cwd = Text(stmt, 4);
  s.git_branch = Text(stmt, 5);
  s.started_ms = stmt.ColumnInt(6);
  s.last_event_ms = stmt.ColumnInt(7);
  s.ended_ms = stmt.ColumnInt(8);
  s.end_reason = Text(stmt, 9);
  s.event_count = stmt.ColumnInt(10);
  s.prompt_count = stmt.ColumnInt(11);
  s.tool_count = stmt.ColumnInt(12);
  s.error_count = stmt.ColumnInt(13);
  s.summary_id = Text(stmt, 14);
  s.archive_sha256 = Text(stmt, 15);
  s.handoff_offered = Text(stmt, 16);
  s.context_delivered_ms = stmt.ColumnInt(17);
  return s;
}

// ---- Handoffs ----

constexpr std::string_view kHandoffSelect =
    "SELECT m.id, s.workspace, s.project, m.from_session, m.from_agent, m.cwd, m.manual, "
    "m.summary, m.open_questions, m.next_steps, m.files_touched, m.state, m.created_ms, "
    "m.accepted_by_session, m.accepted_by_agent, m.accepted_ms FROM handoffs m JOIN scopes s ON "
    "s.scope_id = m.scope_id ";

Result<Handoff> ReadHandoff(const Statement& stmt) {
  Handoff h;
  h.id = Text(stmt, 0);
  const std::string what = "handoff " + h.id;
  h.scope = Scope{Text(stmt, 1), Text(stmt, 2)};
  h.from_session = Text(stmt, 3);
  h.from_agent = Text(stmt, 4);
  h.cwd = Text(stmt, 5);
  h.manual = stmt.ColumnInt(6) != 0;
  h.summary = Text(stmt, 7);
  ASSIGN_OR_RETURN(h.open_questions, ListColumn(stmt, 8, what));
  ASSIGN_OR_RETURN(h.next_steps, ListColumn(stmt, 9, what));
  ASSIGN_OR_RETURN(h.files_touched, ListColumn(stmt, 10, what));
  Result<HandoffState> state = ParseHandoffState(stmt.ColumnText(11));
  if (!state.ok()) return DataLoss(what + ": " + state.status().message());
  h.state = *state;
  h.created_ms = stmt.ColumnInt(12);
  h.accepted_by_session = Text(stmt, 13);
  h.accepted_by_agent = Text(stmt, 14);
  h.accepted_ms = stmt.ColumnInt(15);
  return h;
}

// ---- Lessons ----

constexpr std::string_view kLessonSelect =
    "SELECT m.id, s.workspace, s.project, m.is_global, m.title, m.rule, m.severity, m.phase, "
    "m.tool, m.input_regex, m.output_regex, m.file_globs, m.active, m.trigger_count, "
    "m.last_triggered_ms, m.created_ms, m.updated_ms FROM lessons m JOIN scopes s ON "
    "s.scope_id = m.scope_id ";

Result<Lesson> ReadLesson(const Statement& stmt) {
  Lesson l;
  l.id = Text(stmt, 0);
  const std::string what = "lesson " + l.id;
  l.scope = Scope{Text(stmt, 1), Text(stmt, 2)};
  l.global = stmt.ColumnInt(3) != 0;
  l.title = Text(stmt, 4);
  l.rule = Text(stmt, 5);
  Result<Severity> severity = SeverityFromCode(stmt.ColumnInt(6));
  if (!severity.ok()) return severity.status().WithContext(what);
  l.severity = *severity;
  Result<LessonPhase> phase = ParseLessonPhase(stmt.ColumnText(7));
  if (!phase.ok()) return DataLoss(what + ": " + phase.status().message());
  l.phase = *phase;
  l.tool = Text(stmt, 8);
  l.input_regex = Text(stmt, 9);
  l.output_regex = Text(stmt, 10);
  ASSIGN_OR_RETURN(l.file_globs, ListColumn(stmt, 11, what));
  l.active = stmt.ColumnInt(12) != 0;
  l.trigger_count = stmt.ColumnInt(13);
  l.last_triggered_ms = stmt.ColumnInt(14);
  l.created_ms = stmt.ColumnInt(15);
  l.updated_ms = stmt.ColumnInt(16);
  return l;
}

}  // namespace

// ---- Encodings ----

std::string EncodeStringList(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<std::string>> DecodeStringList(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return DataLoss("list column is not a JSON array");
  std::vector<std::string> out;
  out.reserve(doc.size());
  for (const nlohmann::json& item : doc) {
    if (!item.is_string()) return DataLoss("list column holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

int SeverityToCode(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return 0;
    case Severity::kWarning:
      return 1;
    case Severity::kInfo:
      return 2;
  }
  return 1;
}

Result<Severity> SeverityFromCode(int64_t code) {
  switch (code) {
    case 0:
      return Severity::kCritical;
    case 1:
      return Severity::kWarning;
    case 2:
      return Severity::kInfo;
    default:
      return DataLoss("unknown severity code " + std::to_string(code));
  }
}

bool ValidIngestKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// ---- Events and sessions ----

Result<std::vector<AppendResult>> InsertEvents(RowWriter& w, const std::vector<Event>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    RETURN_IF_ERROR(ValidateEvent(events[i]).WithContext("event " + std::to_string(i)));
  }
  Connection& db = w.db();
  std::vector<AppendResult> out;
  out.reserve(events.size());
  for (const Event& e : events) {
    // A key repeated inside the batch finds the row its first occurrence inserted.
    ASSIGN_OR_RETURN(StatementRef find, db.Prepare("SELECT seq FROM events WHERE ingest_key = ?1"));
    find->BindText(1, e.ingest_key);
    ASSIGN_OR_RETURN(bool dup, find->Step());
    if (dup) {
      out.push_back(AppendResult{find->ColumnInt(0), false});
      continue;
    }
    ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(e.scope));
    ASSIGN_OR_RETURN(int64_t tool_delta, ToolCountDelta(db, e));
    ASSIGN_OR_RETURN(int64_t seq, InsertEventRow(db, e, scope_id));
    RETURN_IF_ERROR(UpsertSession(db, e, scope_id, tool_delta));
    out.push_back(AppendResult{seq, true});
  }
  return out;
}

Result<Session> SelectSession(Connection& db, std::string_view id) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(std::string(kSessionSelect) + "WHERE m.id = ?1"));
  stmt->BindText(1, id);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return NotFound("session '" + std::string(id) + "' not found");
  return ReadSession(*stmt);
}

Result<std::vector<Session>> SelectSessions(Connection& db, ScopeCache& scopes,
                                            const SessionQuery& q) {
  ASSIGN_OR_RETURN(ScopeSet set, Resolve(db, scopes, q.scopes, q.all_scopes));
  if (set.none()) return std::vector<Session>();
  SqlBuilder b;
  b.Sql(kSessionSelect).Sql("WHERE 1");
  AppendScopeFilter(set, b);
  if (!q.agent.empty()) b.Sql(" AND m.agent = ").Text(q.agent);
  if (q.open_only) b.Sql(" AND m.ended_ms = 0");
  if (q.since_ms != 0) b.Sql(" AND m.last_event_ms >= ").Int(q.since_ms);
  b.Sql(" ORDER BY m.last_event_ms DESC, m.id DESC");
  AppendLimit(q.limit, b);
  return Collect<Session>(db, b, ReadSession);
}

Status UpdateSessionSummary(Connection& db, std::string_view id, std::string_view summary_id,
                            std::string_view archive_sha256) {
  ASSIGN_OR_RETURN(StatementRef upd,
                   db.Prepare("UPDATE sessions SET "
                              "summary_id = CASE WHEN ?2 = '' THEN summary_id ELSE ?2 END, "
                              "archive_sha256 = CASE WHEN ?3 = '' THEN archive_sha256 ELSE ?3 END "
                              "WHERE id = ?1"));
  upd->BindText(1, id);
  upd->BindText(2, summary_id);
  upd->BindText(3, archive_sha256);
  RETURN_IF_ERROR(upd->Run());
  if (db.changes() == 0) return NotFound("session '" + std::string(id) + "' not found");
  return Status::Ok();
}

Status UpsertSessionContext(Connection& db, std::string_view id, std::string_view handoff_offered,
                            int64_t delivered_ms) {
  if (id.empty()) return InvalidArgument("session id is empty");
  ASSIGN_OR_RETURN(
      StatementRef up,
      db.Prepare("INSERT INTO session_context(session_id, handoff_offered, delivered_ms) "
                 "VALUES(?1, ?2, ?3) ON CONFLICT(session_id) DO UPDATE SET "
                 "handoff_offered = CASE WHEN excluded.handoff_offered = '' THEN handoff_offered "
                 "ELSE excluded.handoff_offered END, "
                 "delivered_ms = CASE WHEN excluded.delivered_ms = 0 THEN delivered_ms "
                 "ELSE excluded.delivered_ms END"));
  up->BindText(1, id);
  up->BindText(2, handoff_offered);
  up->BindInt(3, delivered_ms);
  return up->Run();
}

Result<std::vector<Event>> SelectEvents(Connection& db, const EventQuery& q) {
  SqlBuilder b;
  b.Sql("SELECT ").Sql(kEventColumns).Sql(kEventFrom).Sql("WHERE m.session_id = ");
  b.Text(q.session_id).Sql(" AND m.seq > ").Int(q.after_seq).Sql(" ORDER BY m.seq");
  AppendLimit(q.limit, b);
  return Collect<Event>(db, b, ReadEvent);
}

Result<std::vector<Event>> SelectEventsByToolUse(Connection& db, std::string_view tool_use_id) {
  if (tool_use_id.empty()) return std::vector<Event>();
  SqlBuilder b;
  // `<> ''` repeats the partial index's condition so the planner can use it.
  b.Sql("SELECT ").Sql(kEventColumns).Sql(kEventFrom).Sql("WHERE m.tool_use_id = ");
  b.Text(std::string(tool_use_id)).Sql(" AND m.tool_use_id <> '' ORDER BY m.seq");
  return Collect<Event>(db, b, ReadEvent);
}

Result<std::vector<EventHit>> SearchEventRows(Connection& db, ScopeCache& scopes,
                                              const EventSearchQuery& q) {
  ASSIGN_OR_RETURN(ScopeSet set, Resolve(db, scopes, q.scopes, q.all_scopes));
  if (set.none()) return std::vector<EventHit>();
  // A term the tokenizer reduces to nothing ("--", "?") would be a phrase matching no row, and
  // with AND it would empty the whole answer; such terms are dropped instead.
  ASSIGN_OR_RETURN(std::unique_ptr<TokenCounter> tokens, TokenCounter::Create(db.raw()));
  std::string expr;
  for (const std::string& term : q.terms) {
    if (tokens->Count(term) == 0) continue;
    if (!expr.empty()) expr += " AND ";
    expr += QuoteFtsPhrase(term);
  }
  if (expr.empty()) return std::vector<EventHit>();
  SqlBuilder b(2);
  b.Sql("SELECT ").Sql(kEventColumns).Sql(", bm25(events_fts) FROM events_fts ");
  b.Sql("JOIN events m ON m.seq = events_fts.rowid JOIN scopes s ON s.scope_id = m.scope_id ");
  b.Sql("WHERE events_fts MATCH ?1");
  AppendScopeFilter(set, b);
  b.Sql(" ORDER BY bm25(events_fts), m.seq DESC");
  AppendLimit(q.limit, b);
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(b.sql()));
  stmt->BindText(1, expr);
  b.Bind(*stmt);
  std::vector<EventHit> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    ASSIGN_OR_RETURN(Event e, ReadEvent(*stmt));
    // bm25() is lower for better matches; the contract wants higher = better.
    out.push_back(EventHit{std::move(e), -stmt->ColumnDouble(22)});
  }
}

// ---- Handoffs ----

Status InsertHandoff(RowWriter& w, const Handoff& h) {
  if (h.id.empty()) return InvalidArgument("handoff id is empty");
  RETURN_IF_ERROR(ValidateScope(h.scope).WithContext("handoff " + h.id));
  Connection& db = w.db();
  ASSIGN_OR_RETURN(bool taken, Exists(db, "SELECT 1 FROM handoffs WHERE id = ?1", h.id));
  if (taken) return AlreadyExists("a handoff with id " + h.id + " already exists");
  ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(h.scope));
  ASSIGN_OR_RETURN(
      StatementRef ins,
      db.Prepare("INSERT INTO handoffs(id, scope_id, from_session, from_agent, cwd, manual, "
                 "summary, open_questions, next_steps, files_touched, state, created_ms, "
                 "accepted_by_session, accepted_by_agent, accepted_ms) VALUES(?1, ?2, ?3, ?4, "
                 "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"));
  const std::string questions = EncodeStringList(h.open_questions);
  const std::string steps = EncodeStringList(h.next_steps);
  const std::string files = EncodeStringList(h.files_touched);
  ins->BindText(1, h.id);
  ins->BindInt(2, scope_id);
  ins->BindText(3, h.from_session);
  ins->BindText(4, h.from_agent);
  ins->BindText(5, h.cwd);
  ins->BindInt(6, h.manual ? 1 : 0);
  ins->BindText(7, h.summary);
  ins->BindText(8, questions);
  ins->BindText(9, steps);
  ins->BindText(10, files);
  ins->BindText(11, HandoffStateName(h.state));
  ins->BindInt(12, h.created_ms);
  ins->BindText(13, h.accepted_by_session);
  ins->BindText(14, h.accepted_by_agent);
  ins->BindInt(15, h.accepted_ms);
  RETURN_IF_ERROR(ins->Run());
  if (h.manual || h.state != HandoffState::kOpen) return Status::Ok();
  // Older = earlier created_ms, ties broken by id (UUIDv7 ids sort by creation).
  ASSIGN_OR_RETURN(
      StatementRef expire,
      db.Prepare("UPDATE handoffs SET state = 'expired' WHERE scope_id = ?1 AND state = 'open' "
                 "AND manual = 0 AND id <> ?2 AND (created_ms < ?3 OR (created_ms = ?3 AND "
                 "id < ?2))"));
  expire->BindInt(1, scope_id);
  expire->BindText(2, h.id);
  expire->BindInt(3, h.created_ms);
  return expire->Run();
}

Result<Handoff> SelectHandoff(Connection& db, std::string_view id) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(std::string(kHandoffSelect) + "WHERE m.id = ?1"));
  stmt->BindText(1, id);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return NotFound("handoff " + std::string(id) + " not found");
  return ReadHandoff(*stmt);
}

Result<std::optional<Handoff>> SelectPendingHandoff(Connection& db, ScopeCache& scopes,
                                                    const Scope& scope,
                                                    std::string_view exclude_session) {
  ASSIGN_OR_RETURN(std::optional<int64_t> scope_id, LookupScopeId(db, scopes, scope));
  if (!scope_id) return std::optional<Handoff>();
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare(std::string(kHandoffSelect) +
                              "WHERE m.scope_id = ?1 AND m.state = 'open' AND (?2 = '' OR "
                              "m.from_session <> ?2) ORDER BY m.manual DESC, m.created_ms DESC, "
                              "m.id DESC LIMIT 1"));
  stmt->BindInt(1, *scope_id);
  stmt->BindText(2, exclude_session);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<Handoff>();
  ASSIGN_OR_RETURN(Handoff h, ReadHandoff(*stmt));
  return std::optional<Handoff>(std::move(h));
}

Result<bool> AcceptHandoffRow(Connection& db, std::string_view id, std::string_view session,
                              std::string_view agent, int64_t now_ms) {
  ASSIGN_OR_RETURN(StatementRef upd,
                   db.Prepare("UPDATE handoffs SET state = 'accepted', accepted_by_session = ?2, "
                              "accepted_by_agent = ?3, accepted_ms = ?4 WHERE id = ?1 AND "
                              "state = 'open'"));
  upd->BindText(1, id);
  upd->BindText(2, session);
  upd->BindText(3, agent);
  upd->BindInt(4, now_ms);
  RETURN_IF_ERROR(upd->Run());
  if (db.changes() == 1) return true;
  ASSIGN_OR_RETURN(bool exists, Exists(db, "SELECT 1 FROM handoffs WHERE id = ?1", id));
  if (!exists) return NotFound("handoff " + std::string(id) + " not found");
  return false;
}

Result<std::vector<Handoff>> SelectHandoffs(Connection& db, ScopeCache& scopes,
                                            const HandoffQuery& q) {
  ASSIGN_OR_RETURN(ScopeSet set, Resolve(db, scopes, q.scopes, q.all_scopes));
  if (set.none()) return std::vector<Handoff>();
  SqlBuilder b;
  b.Sql(kHandoffSelect).Sql("WHERE 1");
  AppendScopeFilter(set, b);
  if (q.state) b.Sql(" AND m.state = ").Text(std::string(HandoffStateName(*q.state)));
  b.Sql(" ORDER BY m.created_ms DESC, m.id DESC");
  AppendLimit(q.limit, b);
  return Collect<Handoff>(db, b, ReadHandoff);
}

// ---- Lessons ----

Status InsertLesson(RowWriter& w, const Lesson& l) {
  if (l.id.empty()) return InvalidArgument("lesson id is empty");
  if (l.rule.empty()) return InvalidArgument("lesson " + l.id + " has an empty rule");
  RETURN_IF_ERROR(ValidateScope(l.scope).WithContext("lesson " + l.id));
  Connection& db = w.db();
  ASSIGN_OR_RETURN(bool taken, Exists(db, "SELECT 1 FROM lessons WHERE id = ?1", l.id));
  if (taken) return AlreadyExists("a lesson with id " + l.id + " already exists");
  ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(l.scope));
  ASSIGN_OR_RETURN(
      StatementRef ins,
      db.Prepare("INSERT INTO lessons(id, scope_id, is_global, title, rule, severity, phase, "
                 "tool, input_regex, output_regex, file_globs, active, trigger_count, "
                 "last_triggered_ms, created_ms, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                 "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"));
  const std::string globs = EncodeStringList(l.file_globs);
  ins->BindText(1, l.id);
  ins->BindInt(2, scope_id);
  ins->BindInt(3, l.global ? 1 : 0);
  ins->BindText(4, l.title);
  ins->BindText(5, l.rule);
  ins->BindInt(6, SeverityToCode(l.severity));
  ins->BindText(7, LessonPhaseName(l.phase));
  ins->BindText(8, l.tool);
  ins->BindText(9, l.input_regex);
  ins->BindText(10, l.output_regex);
  ins->BindText(11, globs);
  ins->BindInt(12, l.active ? 1 : 0);
  ins->BindInt(13, l.trigger_count);
  ins->BindInt(14, l.last_triggered_ms);
  ins->BindInt(15, l.created_ms);
  ins->BindInt(16, l.updated_ms);
  return ins->Run();
}

Result<Lesson> SelectLesson(Connection& db, std::string_view id) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(std::string(kLessonSelect) + "WHERE m.id = ?1"));
  stmt->BindText(1, id);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return NotFound("lesson " + std::string(id) + " not found");
  return ReadLesson(*stmt);
}

Result<std::vector<Lesson>> SelectLessons(Connection& db, ScopeCache& scopes,
                                          const LessonQuery& q) {
  SqlBuilder b;
  b.Sql(kLessonSelect).Sql("WHERE 1");
  if (!q.all_scopes) {
    ASSIGN_OR_RETURN(ScopeSet set, Resolve(db, scopes, q.scopes, false));
    if (set.none() && !q.include_global) return std::vector<Lesson>();
    // A global lesson also belongs to the scope it was created in, so it is listed for that
    // scope even without include_global.
    b.Sql(" AND (");
    if (!set.none()) {
      b.Sql("m.scope_id IN (");
      for (size_t i = 0; i < set.ids.size(); ++i) {
        if (i != 0) b.Sql(", ");
        b.Int(set.ids[i]);
      }
      b.Sql(")");
      if (q.include_global) b.Sql(" OR ");
    }
    if (q.include_global) b.Sql("m.is_global <> 0");
    b.Sql(")");
  }
  if (q.active_only) b.Sql(" AND m.active <> 0");
  if (q.phase) b.Sql(" AND m.phase = ").Text(std::string(LessonPhaseName(*q.phase)));
  b.Sql(" ORDER BY m.severity, m.created_ms DESC, m.id DESC");
  AppendLimit(q.limit, b);
  return Collect<Lesson>(db, b, ReadLesson);
}

Result<Lesson> UpdateLessonRow(Connection& db, std::string_view id, const LessonPatch& patch,
                               int64_t now_ms) {
  if (patch.rule && patch.rule->empty()) return InvalidArgument("lesson rule is empty");
  ASSIGN_OR_RETURN(Lesson l, SelectLesson(db, id));
  if (patch.active) l.active = *patch.active;
  if (patch.rule) l.rule = *patch.rule;
  if (patch.severity) l.severity = *patch.severity;
  l.updated_ms = now_ms;
  ASSIGN_OR_RETURN(StatementRef upd,
                   db.Prepare("UPDATE lessons SET active = ?2, rule = ?3, severity = ?4, "
                              "updated_ms = ?5 WHERE id = ?1"));
  upd->BindText(1, l.id);
  upd->BindInt(2, l.active ? 1 : 0);
  upd->BindText(3, l.rule);
  upd->BindInt(4, SeverityToCode(l.severity));
  upd->BindInt(5, l.updated_ms);
  RETURN_IF_ERROR(upd->Run());
  return l;
}

Status RecordLessonTriggerRows(Connection& db, const std::vector<std::string>& ids,
                               int64_t now_ms) {
  ASSIGN_OR_RETURN(StatementRef upd,
                   db.Prepare("UPDATE lessons SET trigger_count = trigger_count + 1, "
                              "last_triggered_ms = max(last_triggered_ms, ?2) WHERE id = ?1"));
  // One firing per lesson per call, however often the caller lists it.
  for (const std::string& id : std::set<std::string>(ids.begin(), ids.end())) {
    upd->BindText(1, id);
    upd->BindInt(2, now_ms);
    RETURN_IF_ERROR(upd->Run());
    upd->Reset();
  }
  return Status::Ok();
}

}  // namespace memex::sqlite
