#include "store/sqlite/migrations.h"

#include <string>
#include <vector>

#include "store/sqlite/row_codec.h"

namespace memex::sqlite {
namespace {

// "MMX1": marks the file as a memex database so another application's file is refused.
constexpr int64_t kApplicationId = 0x4D4D5831;

// Version 1. Notes on choices that are not obvious from the SQL:
// - memories.doc is the DocId handed to retrieval; AUTOINCREMENT so a purged doc is never reused
//   while a recall that saw it is still in flight.
// - chain = doc of version 1: History and Forget find every version through one index.
// - kind/status/origin are small integers (row_codec.cc pins the mapping).
// - hash_key = the first 64 bits of content_hash: the de-duplication index on it is a quarter
//   of the size of one on the hex text, and random inserts into it dominated write cost
//   (measured: 21k puts/s with the text index, 34k/s without any).
// - tags/idents/fts_extra keep exactly what was put into the indexes, so deletes from the
//   contentless FTS table never depend on today's tokenizer code.
// - Full text lives in one FTS5 table per scope, memories_fts_<scope_id> (row_codec.h
//   FtsTableSql), created together with the scope's row. Partitioning by scope makes a scoped
//   search cost what it would in a store holding only that scope: no doclist intersection with a
//   scope filter, which at 1M rows cost more than the search itself. The tables are contentless
//   (the text is stored once, in memories) and keep no per-row sizes (columnsize=0): search_docs
//   has them. Column `st` holds "h" for a superseded version and nothing otherwise, so "current
//   versions only" is `NOT st : h`, free when a scope has no history.
// - search_docs: one narrow row per indexed (not forgotten) version with what a search needs per
//   candidate, so candidate generation never touches the wide memories rows.
// - Exact identifiers live in the same FTS5 tables, column `ids`, one hashed token per
//   identifier (row_codec.h FtsIdentToken). A B-tree (ident, doc) index took random inserts that
//   halved ingest at 100k memories and got worse with size; FTS5 writes are log-structured.
// - scope_counts keeps per scope and kind counters (rows and indexed tokens) so BM25's N and
//   average length, and Stats, never COUNT(*); scopes.first_doc/last_doc bound the scope's docs
//   for extrapolating a very common term's df.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE scopes(
  scope_id INTEGER PRIMARY KEY,
  workspace TEXT NOT NULL,
  project TEXT NOT NULL,
  first_doc INTEGER NOT NULL DEFAULT 0,
  last_doc INTEGER NOT NULL DEFAULT 0,
  UNIQUE(workspace, project)
);
CREATE TABLE memories(
  doc INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  chain INTEGER NOT NULL,
  scope_id INTEGER NOT NULL REFERENCES scopes(scope_id),
  kind INTEGER NOT NULL,
  status INTEGER NOT NULL,
  origin INTEGER NOT NULL,
  version INTEGER NOT NULL,
  confidence REAL NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  last_accessed_ms INTEGER NOT NULL DEFAULT 0,
  access_count INTEGER NOT NULL DEFAULT 0,
  expires_ms INTEGER NOT NULL DEFAULT 0,
  deleted_ms INTEGER NOT NULL DEFAULT 0,
  supersedes TEXT NOT NULL DEFAULT '',
  superseded_by TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL,
  hash_key INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL DEFAULT '',
  agent TEXT NOT NULL DEFAULT '',
  session TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '',
  idents TEXT NOT NULL DEFAULT '',
  fts_extra TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL
);
CREATE INDEX memories_chain ON memories(chain, version);
CREATE INDEX memories_scope_updated ON memories(scope_id, updated_ms, id);
CREATE INDEX memories_live_hash ON memories(scope_id, hash_key)
  WHERE status <> 2 AND deleted_ms = 0;
CREATE UNIQUE INDEX memories_idempotency ON memories(scope_id, idempotency_key)
  WHERE idempotency_key <> '' AND deleted_ms = 0;
CREATE TABLE memory_tags(
  tag TEXT NOT NULL,
  doc INTEGER NOT NULL,
  PRIMARY KEY(tag, doc)
) WITHOUT ROWID;
CREATE TABLE search_docs(
  doc INTEGER PRIMARY KEY,
  scope_id INTEGER NOT NULL,
  superseded INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  doc_len INTEGER NOT NULL
);
CREATE TABLE scope_counts(
  scope_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  live INTEGER NOT NULL DEFAULT 0,
  superseded INTEGER NOT NULL DEFAULT 0,
  forgotten INTEGER NOT NULL DEFAULT 0,
  live_tokens INTEGER NOT NULL DEFAULT 0,
  superseded_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(scope_id, kind)
) WITHOUT ROWID;
)sql";

// Version 2: bearer tokens (SPEC §9, docs/auth.md). Only the SHA-256 hex of a token is stored;
// the plaintext is shown once by `memex token create` and never written anywhere. Names are
// unique forever (a revoked token keeps its row and its name), so an audit line naming a token
// stays unambiguous. scopes is a JSON array of scope patterns (core/principal.h).
constexpr std::string_view kV2 = R"sql(
CREATE TABLE auth_tokens(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK(role IN ('read', 'write', 'admin')),
  scopes TEXT NOT NULL DEFAULT '[]',
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL DEFAULT 0,
  expires_ms INTEGER NOT NULL DEFAULT 0,
  revoked_ms INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 3: capture (SPEC §7, store/capture_store.h): hook events, the sessions they form,
// handoffs and lessons. Notes on choices that are not obvious from the SQL:
// - Scopes reuse the `scopes` table (scope_id), as memories do: one spelling of a scope, a small
//   integer per event row, and scoped reads use the same ScopeSet/filter code as memories.
// - events.seq is AUTOINCREMENT so a seq is never reused even if old events are pruned later:
//   ListEvents' after_seq is a cursor that stays valid. ingest_key is UNIQUE across the whole
//   store (the client generates 128 random bits per event), so a retried or re-drained event is
//   stored once whatever session or scope it claims; the writer checks the key before inserting
//   (BEGIN IMMEDIATE serialises writers across processes), the index is the last guard.
// - events.kind, handoffs.state and lessons.phase are the kebab names of core/capture.h (they
//   are few and short, and the file stays readable with the sqlite3 shell); lessons.severity is
//   a small integer (capture_rows.h: 0 critical .. 2 info) so "most severe first" is ORDER BY.
// - List columns (events.files, handoffs.open_questions/next_steps/files_touched,
//   lessons.file_globs) are JSON arrays of strings.
// - events_fts is an external-content FTS5 table over events (the text is stored once, in
//   events), kept in sync by triggers so every write path, including a future pruning DELETE,
//   updates it; deletes repeat the stored values, never recomputed ones. One table for all
//   scopes (unlike memories_fts_<scope>): event search is an occasional lookup, not recall's hot
//   path, so the scope filter is a join on the FTS rows.
// - session_context is keyed by session id without a foreign key: a SessionStart's briefing is
//   computed (and recorded) before its event is stored, so the row may precede the session's.
// - sessions.tool_count counts tool calls, not events: capture_rows.cc counts a tool_use_id
//   once whether its Pre, its Post or both arrive.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE sessions(
  id TEXT PRIMARY KEY,
  scope_id INTEGER NOT NULL REFERENCES scopes(scope_id),
  agent TEXT NOT NULL DEFAULT '',
  cwd TEXT NOT NULL DEFAULT '',
  git_branch TEXT NOT NULL DEFAULT '',
  started_ms INTEGER NOT NULL,
  last_event_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL DEFAULT 0,
  end_reason TEXT NOT NULL DEFAULT '',
  event_count INTEGER NOT NULL DEFAULT 0,
  prompt_count INTEGER NOT NULL DEFAULT 0,
  tool_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  summary_id TEXT NOT NULL DEFAULT '',
  archive_sha256 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_scope_last ON sessions(scope_id, last_event_ms);
CREATE INDEX sessions_last ON sessions(last_event_ms);
CREATE TABLE session_context(
  session_id TEXT PRIMARY KEY,
  handoff_offered TEXT NOT NULL DEFAULT '',
  delivered_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ingest_key TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  agent TEXT NOT NULL DEFAULT '',
  scope_id INTEGER NOT NULL REFERENCES scopes(scope_id),
  cwd TEXT NOT NULL DEFAULT '',
  git_branch TEXT NOT NULL DEFAULT '',
  ts_ms INTEGER NOT NULL,
  prompt TEXT NOT NULL DEFAULT '',
  tool_name TEXT NOT NULL DEFAULT '',
  tool_use_id TEXT NOT NULL DEFAULT '',
  tool_input TEXT NOT NULL DEFAULT '',
  tool_output TEXT NOT NULL DEFAULT '',
  tool_error INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  files TEXT NOT NULL DEFAULT '[]',
  raw TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_session ON events(session_id, seq);
CREATE INDEX events_tool_use ON events(tool_use_id) WHERE tool_use_id <> '';
CREATE VIRTUAL TABLE events_fts USING fts5(
  prompt, tool_name, tool_input, tool_output, message,
  content='events', content_rowid='seq',
  tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
  INSERT INTO events_fts(rowid, prompt, tool_name, tool_input, tool_output, message)
  VALUES(new.seq, new.prompt, new.tool_name, new.tool_input, new.tool_output, new.message);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, prompt, tool_name, tool_input, tool_output, message)
  VALUES('delete', old.seq, old.prompt, old.tool_name, old.tool_input, old.tool_output,
         old.message);
END;
CREATE TRIGGER events_fts_update
AFTER UPDATE OF prompt, tool_name, tool_input, tool_output, message ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, prompt, tool_name, tool_input, tool_output, message)
  VALUES('delete', old.seq, old.prompt, old.tool_name, old.tool_input, old.tool_output,
         old.message);
  INSERT INTO events_fts(rowid, prompt, tool_name, tool_input, tool_output, message)
  VALUES(new.seq, new.prompt, new.tool_name, new.tool_input, new.tool_output, new.message);
END;
CREATE TABLE handoffs(
  id TEXT PRIMARY KEY,
  scope_id INTEGER NOT NULL REFERENCES scopes(scope_id),
  from_session TEXT NOT NULL DEFAULT '',
  from_agent TEXT NOT NULL DEFAULT '',
  cwd TEXT NOT NULL DEFAULT '',
  manual INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT '',
  open_questions TEXT NOT NULL DEFAULT '[]',
  next_steps TEXT NOT NULL DEFAULT '[]',
  files_touched TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL CHECK(state IN ('open', 'accepted', 'expired')),
  created_ms INTEGER NOT NULL,
  accepted_by_session TEXT NOT NULL DEFAULT '',
  accepted_by_agent TEXT NOT NULL DEFAULT '',
  accepted_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX handoffs_scope_state ON handoffs(scope_id, state, manual, created_ms);
CREATE INDEX handoffs_created ON handoffs(created_ms);
CREATE TABLE lessons(
  id TEXT PRIMARY KEY,
  scope_id INTEGER NOT NULL REFERENCES scopes(scope_id),
  is_global INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '',
  rule TEXT NOT NULL,
  severity INTEGER NOT NULL CHECK(severity BETWEEN 0 AND 2),
  phase TEXT NOT NULL CHECK(phase IN ('pre-tool', 'post-tool', 'session-end')),
  tool TEXT NOT NULL DEFAULT '',
  input_regex TEXT NOT NULL DEFAULT '',
  output_regex TEXT NOT NULL DEFAULT '',
  file_globs TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  trigger_count INTEGER NOT NULL DEFAULT 0,
  last_triggered_ms INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX lessons_scope ON lessons(scope_id, severity, created_ms);
CREATE INDEX lessons_global ON lessons(is_global) WHERE is_global <> 0;
)sql";

// Version 4: memory vectors (store/embedding_store.h, docs/retrieval.md "Embeddings").
// - embedding_models maps a model id (Embedder::model_id()) to a small integer and fixes its
//   dimension: vectors of two models are never compared. epoch rises when the model's vectors
//   are dropped, so an in-memory index built from them knows to start over.
// - embeddings: one row per (doc, model, chunk); vec is `dim` little-endian float32s. seq is
//   AUTOINCREMENT so a reader that has seen seq N catches up with "seq > N" (a replaced vector
//   is deleted and re-inserted, so it gets a new seq). scope_id is copied from the memory so the
//   vector index can be partitioned by scope without a join.
// - The embedding queue is a query, not a table: current versions with no row for the model
//   (embeddings_doc answers "has a vector?" per doc).
constexpr std::string_view kV4 = R"sql(
CREATE TABLE embedding_models(
  model_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  dim INTEGER NOT NULL,
  epoch INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE embeddings(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id INTEGER NOT NULL,
  doc INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  vec BLOB NOT NULL
);
CREATE UNIQUE INDEX embeddings_doc ON embeddings(doc, model_id, chunk);
CREATE INDEX embeddings_model_seq ON embeddings(model_id, seq);
)sql";

// Version 5: session context (Store::SessionNeighbours). The memories of one session in write
// order, so recall can find the ones next to a hit; only memories that have a session.
constexpr std::string_view kV5 = R"sql(
CREATE INDEX memories_session ON memories(scope_id, session, created_ms, doc)
  WHERE session <> '';
)sql";

// Version 6: hygiene (SPEC §6; store/store.h AddLinks, SetArchived).
// - memory_links: typed edges between memory versions (core/link.h). kind is the snake_case
//   name, like events.kind. Keyed by (from, to, kind) so recording a link twice keeps the first;
//   memory_links_to answers "links to X". No foreign keys: RowWriter::Purge deletes a purged
//   version's links in the purge's transaction.
// - memories.archived_ms: when a memory was archived, so one sweep can be undone as a unit.
// - Archived rows leave searches the way superseded ones do: FTS column `st` holds "a" and
//   scope_counts keeps them apart (archived, archived_tokens), so a scope without archived rows
//   pays nothing and BM25's N counts only what the search may return. Rows archived before v6
//   (imported with status "archived") are moved here: counters in SQL, FTS rows in
//   MarkArchivedInFts.
constexpr std::string_view kV6 = R"sql(
CREATE TABLE memory_links(
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('near_duplicate', 'merged_into')),
  score REAL NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY(from_id, to_id, kind)
) WITHOUT ROWID;
CREATE INDEX memory_links_to ON memory_links(to_id);
ALTER TABLE memories ADD COLUMN archived_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scope_counts ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scope_counts ADD COLUMN archived_tokens INTEGER NOT NULL DEFAULT 0;
UPDATE memories SET archived_ms = updated_ms WHERE status = 3;
UPDATE scope_counts SET archived = a.n, archived_tokens = a.t,
  live = live - a.n, live_tokens = live_tokens - a.t
FROM (SELECT m.scope_id AS scope_id, m.kind AS kind, count(*) AS n,
             coalesce(sum(d.doc_len), 0) AS t
      FROM memories m LEFT JOIN search_docs d ON d.doc = m.doc
      WHERE m.status = 3 AND m.deleted_ms = 0 GROUP BY m.scope_id, m.kind) AS a
WHERE a.scope_id = scope_counts.scope_id AND a.kind = scope_counts.kind;
)sql";

// v6's data step: re-files the FTS rows of memories archived before v6 under st "a" (a
// contentless table's delete must repeat the values inserted, which only C++ can rebuild).
Status MarkArchivedInFts(Connection& db) {
  struct Row {
    int64_t doc, scope_id;
    std::string content, extra, tags, idents;
  };
  std::vector<Row> rows;
  {
    ASSIGN_OR_RETURN(StatementRef stmt,
                     db.Prepare("SELECT doc, scope_id, content, fts_extra, tags, idents FROM "
                                "memories WHERE status = 3 AND deleted_ms = 0"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      rows.push_back(Row{stmt->ColumnInt(0), stmt->ColumnInt(1), std::string(stmt->ColumnText(2)),
                         std::string(stmt->ColumnText(3)), std::string(stmt->ColumnText(4)),
                         std::string(stmt->ColumnText(5))});
    }
  }
  std::string body;
  for (const Row& r : rows) {
    const std::string table = FtsTable(r.scope_id);
    FtsBody(r.content, r.extra, &body);
    const std::string tags = FtsTags(SplitList(r.tags));
    const std::string ids = FtsIdentTokens(SplitList(r.idents));
    for (bool remove : {true, false}) {
      ASSIGN_OR_RETURN(StatementRef stmt,
                       db.Prepare(remove ? "INSERT INTO " + table + "(" + table +
                                               ", rowid, body, tags, st, ids) VALUES('delete', "
                                               "?1, ?2, ?3, ?4, ?5)"
                                         : "INSERT INTO " + table +
                                               "(rowid, body, tags, st, ids) VALUES(?1, ?2, ?3, "
                                               "?4, ?5)"));
      stmt->BindInt(1, r.doc);
      stmt->BindText(2, body);
      stmt->BindText(3, tags);
      stmt->BindText(
          4, remove ? FtsStatus(MemoryStatus::kActive) : FtsStatus(MemoryStatus::kArchived));
      stmt->BindText(5, ids);
      RETURN_IF_ERROR(stmt->Run());
    }
  }
  return Status::Ok();
}

Status EnsureMigrationsTable(Connection& db) {
  ASSIGN_OR_RETURN(int64_t app_id, db.QueryInt("PRAGMA application_id"));
  if (app_id != 0 && app_id != kApplicationId) {
    return FailedPrecondition(db.path() + " belongs to another application (application_id " +
                              std::to_string(app_id) + "); refusing to use it as a memex database");
  }
  ASSIGN_OR_RETURN(int64_t has_table,
                   db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                               "name = 'schema_migrations'"));
  if (has_table != 0) return Status::Ok();
  ASSIGN_OR_RETURN(int64_t other_tables,
                   db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table'"));
  if (other_tables != 0) {
    return FailedPrecondition(db.path() +
                              " is an SQLite database without memex's schema_migrations table; "
                              "refusing to use it as a memex database");
  }
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Mode::kWrite));
  RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_ms INTEGER NOT NULL);"
      "PRAGMA application_id = " +
      std::to_string(kApplicationId) + ";"));
  return txn.Commit();
}

Status NewerSchema(const Connection& db, int current, int latest) {
  return FailedPrecondition("database " + db.path() + " has schema version " +
                            std::to_string(current) + ", newer than this memex binary (" +
                            std::to_string(latest) +
                            "); upgrade memex or restore a backup made by this version");
}

}  // namespace

const std::vector<Migration>& StoreMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema: memories, tags, identifiers, counters, fts5", kV1},
      {2, "auth_tokens: bearer tokens, hashed at rest", kV2},
      {3, "capture: sessions, events + events_fts, handoffs, lessons", kV3},
      {4, "embeddings: memory vectors per model", kV4},
      {5, "memories_session: session neighbours for recall context", kV5},
      {6, "hygiene: memory_links, archived_ms, archived counters", kV6, &MarkArchivedInFts},
  };
  return kMigrations;
}

int LatestSchemaVersion() { return StoreMigrations().back().version; }

Result<int> SchemaVersion(Connection& db) {
  ASSIGN_OR_RETURN(int64_t has_table,
                   db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                               "name = 'schema_migrations'"));
  if (has_table == 0) return 0;
  ASSIGN_OR_RETURN(int64_t v, db.QueryInt("SELECT coalesce(max(version), 0) FROM "
                                          "schema_migrations"));
  return static_cast<int>(v);
}

Status Migrate(Connection& db, const Clock& clock, const std::vector<Migration>& migrations) {
  RETURN_IF_ERROR(EnsureMigrationsTable(db));
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  for (const Migration& m : migrations) {
    // Read the version inside the write transaction: another process may have just migrated.
    ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Mode::kWrite));
    ASSIGN_OR_RETURN(int current, SchemaVersion(db));
    if (current > latest) {
      return NewerSchema(db, current, latest);
    }
    if (m.version <= current) continue;
    if (m.version != current + 1) {
      return Internal("migration " + std::to_string(m.version) + " follows version " +
                      std::to_string(current));
    }
    RETURN_IF_ERROR(db.Exec(m.sql).WithContext("migration " + std::to_string(m.version)));
    if (m.after != nullptr) {
      RETURN_IF_ERROR(m.after(db).WithContext("migration " + std::to_string(m.version)));
    }
    ASSIGN_OR_RETURN(StatementRef ins,
                     db.Prepare("INSERT INTO schema_migrations(version, name, applied_ms) "
                                "VALUES(?1, ?2, ?3)"));
    ins->BindInt(1, m.version);
    ins->BindText(2, m.name);
    ins->BindInt(3, clock.NowMs());
    RETURN_IF_ERROR(ins->Run());
    RETURN_IF_ERROR(txn.Commit());
  }
  // A newer database with nothing pending here still has to be refused.
  ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current > latest) {
    return NewerSchema(db, current, latest);
  }
  return Status::Ok();
}

}  // namespace memex::sqlite
