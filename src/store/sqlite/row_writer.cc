#include "store/sqlite/row_writer.h"

#include <algorithm>

#include "core/tokens.h"

namespace memex::sqlite {
namespace {

// Identifiers longer than this are not indexed for the exact channel (they are still found by
// full text); keeps the index compact against pasted blobs.
constexpr size_t kMaxIdentBytes = 256;

bool Indexable(std::string_view ident) {
  if (ident.empty() || ident.size() > kMaxIdentBytes) return false;
  for (char c : ident) {
    if (static_cast<unsigned char>(c) < 0x20) return false;  // includes kListSeparator
  }
  return true;
}

// ExtractIdentifiers plus every trailing part of a path after a '/', so a query naming
// "sqlite_store.cc" or "store/sqlite_store.cc" finds a note about "src/store/sqlite_store.cc"
// (the query side extracts identifiers as written; only the index side expands).
std::vector<std::string> IndexedIdentifiers(std::string_view content) {
  std::vector<std::string> out;
  auto add = [&out](std::string ident) {
    if (!Indexable(ident)) return;
    if (std::find(out.begin(), out.end(), ident) == out.end()) out.push_back(std::move(ident));
  };
  for (std::string& ident : ExtractIdentifiers(content)) {
    const bool path =
        ident.find('/') != std::string::npos && ident.find("://") == std::string::npos;
    std::string whole = ident;
    add(std::move(ident));
    if (!path) continue;
    for (size_t slash = whole.find('/'); slash != std::string::npos;
         slash = whole.find('/', slash + 1)) {
      if (slash + 1 < whole.size()) add(whole.substr(slash + 1));
    }
  }
  return out;
}

}  // namespace

RowWriter::State RowWriter::StateOf(const Memory& m) {
  if (m.forgotten()) return State::kForgotten;
  if (m.status == MemoryStatus::kSuperseded) return State::kSuperseded;
  if (m.status == MemoryStatus::kArchived) return State::kArchived;
  return State::kLive;
}

void RowWriter::Count(int64_t scope_id, Kind kind, State state, int64_t delta, int64_t tokens) {
  Delta& d = deltas_[{scope_id, KindToCode(kind)}];
  switch (state) {
    case State::kLive:
      d.live += delta;
      d.live_tokens += tokens;
      break;
    case State::kSuperseded:
      d.superseded += delta;
      d.superseded_tokens += tokens;
      break;
    case State::kArchived:
      d.archived += delta;
      d.archived_tokens += tokens;
      break;
    case State::kForgotten:
      d.forgotten += delta;
      break;
  }
}

Result<DocId> RowWriter::NextDoc() {
  if (next_doc_ == 0) {
    // What AUTOINCREMENT would pick. Knowing the doc before the insert lets a new chain's row
    // carry chain = doc in the same statement; the write lock keeps the prediction valid.
    ASSIGN_OR_RETURN(next_doc_,
                     db_.QueryInt("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE "
                                  "name = 'memories'), 0), coalesce((SELECT max(doc) FROM "
                                  "memories), 0)) + 1"));
  }
  return next_doc_++;
}

Result<int64_t> RowWriter::DropSearchDoc(DocId doc) {
  ASSIGN_OR_RETURN(StatementRef del,
                   db_.Prepare("DELETE FROM search_docs WHERE doc = ?1 RETURNING doc_len"));
  del->BindInt(1, doc);
  ASSIGN_OR_RETURN(bool row, del->Step());
  int64_t len = row ? del->ColumnInt(0) : 0;
  if (row) RETURN_IF_ERROR(del->Run());  // finish the statement
  return len;
}

Result<int64_t> RowWriter::ScopeId(const Scope& scope) {
  if (auto id = scopes_.Find(scope)) return *id;
  if (auto it = new_scopes_.find(scope); it != new_scopes_.end()) return it->second;
  ASSIGN_OR_RETURN(
      StatementRef find,
      db_.Prepare("SELECT scope_id FROM scopes WHERE workspace = ?1 AND project = ?2"));
  find->BindText(1, scope.workspace);
  find->BindText(2, scope.project);
  ASSIGN_OR_RETURN(bool row, find->Step());
  if (row) {
    // Not created by this transaction (that would be in new_scopes_), so it is committed.
    int64_t id = find->ColumnInt(0);
    scopes_.Add(scope, id);
    return id;
  }
  ASSIGN_OR_RETURN(StatementRef ins,
                   db_.Prepare("INSERT INTO scopes(workspace, project) VALUES(?1, ?2)"));
  ins->BindText(1, scope.workspace);
  ins->BindText(2, scope.project);
  RETURN_IF_ERROR(ins->Run());
  int64_t id = sqlite3_last_insert_rowid(db_.raw());
  RETURN_IF_ERROR(db_.Exec(FtsTableSql(id)));
  new_scopes_.emplace(scope, id);
  return id;
}

Result<std::optional<PutResult>> RowWriter::FindLiveByHash(int64_t scope_id,
                                                           std::string_view hash) {
  // The WHERE clause repeats the partial index's condition so the planner can use it; an
  // archived memory (status 3) is no longer live: the same content makes a new memory.
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db_.Prepare("SELECT id, version, doc FROM memories WHERE scope_id = ?1 AND "
                               "hash_key = ?3 AND content_hash = ?2 AND status <> 2 AND "
                               "status <> 3 AND deleted_ms = 0 ORDER BY doc LIMIT 1"));
  stmt->BindInt(1, scope_id);
  stmt->BindText(2, hash);
  stmt->BindInt(3, HashKey(hash));
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<PutResult>();
  return std::optional<PutResult>(PutResult{std::string(stmt->ColumnText(0)),
                                            static_cast<int>(stmt->ColumnInt(1)), false,
                                            stmt->ColumnInt(2)});
}

Result<std::optional<PutResult>> RowWriter::FindByKey(int64_t scope_id, std::string_view key) {
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db_.Prepare("SELECT id, version, doc FROM memories WHERE scope_id = ?1 AND "
                               "idempotency_key = ?2 AND idempotency_key <> '' AND "
                               "deleted_ms = 0"));
  stmt->BindInt(1, scope_id);
  stmt->BindText(2, key);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<PutResult>();
  return std::optional<PutResult>(PutResult{std::string(stmt->ColumnText(0)),
                                            static_cast<int>(stmt->ColumnInt(1)), false,
                                            stmt->ColumnInt(2)});
}

Result<DocId> RowWriter::Insert(const Memory& m, int64_t scope_id, int64_t chain) {
  const bool indexed = !m.forgotten();
  std::vector<std::string> idents;
  std::string extra;
  if (indexed) {
    idents = IndexedIdentifiers(m.content);
    extra = IdentifierExpansion(m.content);
  }
  const std::string tags = JoinList(m.tags);
  const std::string ident_list = JoinList(idents);
  ASSIGN_OR_RETURN(const DocId doc, NextDoc());
  ASSIGN_OR_RETURN(
      StatementRef ins,
      db_.Prepare("INSERT INTO memories(doc, chain, scope_id, id, kind, status, origin, version, "
                  "confidence, created_ms, updated_ms, last_accessed_ms, access_count, "
                  "expires_ms, deleted_ms, supersedes, superseded_by, content_hash, hash_key, "
                  "idempotency_key, agent, session, tags, idents, fts_extra, content, "
                  "archived_ms) "
                  "VALUES(?25, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                  "?16, ?17, ?26, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?27)"));
  ins->BindInt(25, doc);
  ins->BindInt(26, HashKey(m.content_hash));
  ins->BindInt(1, chain != 0 ? chain : doc);
  ins->BindInt(2, scope_id);
  ins->BindText(3, m.id);
  ins->BindInt(4, KindToCode(m.kind));
  ins->BindInt(5, StatusToCode(m.status));
  ins->BindInt(6, OriginToCode(m.origin));
  ins->BindInt(7, m.version);
  ins->BindDouble(8, m.confidence);
  ins->BindInt(9, m.created_ms);
  ins->BindInt(10, m.updated_ms);
  ins->BindInt(11, m.last_accessed_ms);
  ins->BindInt(12, m.access_count);
  ins->BindInt(13, m.expires_ms);
  ins->BindInt(14, m.deleted_ms);
  ins->BindText(15, m.supersedes);
  ins->BindText(16, m.superseded_by);
  ins->BindText(17, m.content_hash);
  ins->BindText(18, m.idempotency_key);
  ins->BindText(19, m.agent);
  ins->BindText(20, m.session);
  ins->BindText(21, tags);
  ins->BindText(22, ident_list);
  ins->BindText(23, extra);
  ins->BindText(24, m.content);
  // An archived row always has an archive time (a row put or imported archived without one
  // counts as archived when it was written).
  ins->BindInt(27, m.status != MemoryStatus::kArchived ? 0
                   : m.archived_ms != 0                ? m.archived_ms
                                                       : m.updated_ms);
  RETURN_IF_ERROR(ins->Run());
  if (!m.tags.empty()) {
    ASSIGN_OR_RETURN(StatementRef tag,
                     db_.Prepare("INSERT OR IGNORE INTO memory_tags(tag, doc) VALUES(?1, ?2)"));
    for (const std::string& t : m.tags) {
      tag->BindText(1, t);
      tag->BindInt(2, doc);
      RETURN_IF_ERROR(tag->Run());
      tag->Reset();
    }
  }
  const bool superseded = m.status == MemoryStatus::kSuperseded;
  int64_t doc_len = 0;
  if (indexed) {
    RETURN_IF_ERROR(FtsWrite(false, doc, m.content, extra, m.tags, idents, scope_id, m.status));
    // body_buf_ still holds the body FtsWrite indexed.
    doc_len = tokens_.Count(body_buf_) + tokens_.Count(FtsTags(m.tags));
    ASSIGN_OR_RETURN(StatementRef sd,
                     db_.Prepare("INSERT INTO search_docs(doc, scope_id, superseded, kind, "
                                 "created_ms, updated_ms, doc_len) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
                                 "?7)"));
    sd->BindInt(1, doc);
    sd->BindInt(2, scope_id);
    sd->BindInt(3, superseded ? 1 : 0);
    sd->BindInt(4, KindToCode(m.kind));
    sd->BindInt(5, m.created_ms);
    sd->BindInt(6, m.updated_ms);
    sd->BindInt(7, doc_len);
    RETURN_IF_ERROR(sd->Run());
  }
  Count(scope_id, m.kind, StateOf(m), +1, doc_len);
  auto [span, fresh] = spans_.try_emplace(scope_id, doc, doc);
  if (!fresh) span->second.second = doc;
  return doc;
}

Status RowWriter::FtsWrite(bool remove, DocId doc, std::string_view content, std::string_view extra,
                           const std::vector<std::string>& tags,
                           const std::vector<std::string>& idents, int64_t scope_id,
                           MemoryStatus status) {
  auto [sql, fresh] = fts_sql_.try_emplace(scope_id);
  if (fresh) {
    const std::string table = FtsTable(scope_id);
    sql->second.first =
        "INSERT INTO " + table + "(rowid, body, tags, st, ids) VALUES(?1, ?2, ?3, ?4, ?5)";
    sql->second.second = "INSERT INTO " + table + "(" + table +
                         ", rowid, body, tags, st, ids) VALUES('delete', ?1, ?2, ?3, ?4, ?5)";
  }
  ASSIGN_OR_RETURN(StatementRef stmt, db_.Prepare(remove ? sql->second.second : sql->second.first));
  FtsBody(content, extra, &body_buf_);
  const std::string tag_text = FtsTags(tags);
  stmt->BindInt(1, doc);
  stmt->BindText(2, body_buf_);
  stmt->BindText(3, tag_text);
  stmt->BindText(4, FtsStatus(status));
  const std::string id_tokens = FtsIdentTokens(idents);
  stmt->BindText(5, id_tokens);
  return stmt->Run();
}

Status RowWriter::MarkSuperseded(const StoredRow& row, const std::string& next_id) {
  ASSIGN_OR_RETURN(
      StatementRef upd,
      db_.Prepare("UPDATE memories SET status = 2, superseded_by = ?2 WHERE doc = ?1"));
  upd->BindInt(1, row.doc);
  upd->BindText(2, next_id);
  RETURN_IF_ERROR(upd->Run());
  const Memory& m = row.memory;
  if (m.forgotten() || row.superseded()) return Status::Ok();
  RETURN_IF_ERROR(FtsMove(row, MemoryStatus::kSuperseded));
  ASSIGN_OR_RETURN(StatementRef sd,
                   db_.Prepare("UPDATE search_docs SET superseded = 1 WHERE doc = ?1 "
                               "RETURNING doc_len"));
  sd->BindInt(1, row.doc);
  ASSIGN_OR_RETURN(bool found, sd->Step());
  const int64_t doc_len = found ? sd->ColumnInt(0) : 0;
  if (found) RETURN_IF_ERROR(sd->Run());
  Count(row.scope_id, m.kind, StateOf(m), -1, -doc_len);
  Count(row.scope_id, m.kind, State::kSuperseded, +1, doc_len);
  return Status::Ok();
}

Status RowWriter::FtsMove(const StoredRow& row, MemoryStatus to) {
  const Memory& m = row.memory;
  RETURN_IF_ERROR(FtsWrite(true, row.doc, m.content, row.fts_extra, m.tags, row.idents,
                           row.scope_id, m.status));
  return FtsWrite(false, row.doc, m.content, row.fts_extra, m.tags, row.idents, row.scope_id, to);
}

Status RowWriter::SetArchived(const StoredRow& row, bool archived, int64_t now_ms) {
  const Memory& m = row.memory;
  const MemoryStatus to = archived ? MemoryStatus::kArchived : MemoryStatus::kActive;
  ASSIGN_OR_RETURN(StatementRef upd,
                   db_.Prepare("UPDATE memories SET status = ?2, archived_ms = ?3 WHERE doc = ?1"));
  upd->BindInt(1, row.doc);
  upd->BindInt(2, StatusToCode(to));
  upd->BindInt(3, archived ? now_ms : 0);
  RETURN_IF_ERROR(upd->Run());
  // Only the `st` token changes: the row keeps its search_docs entry and its vectors, so a
  // restore needs no re-embedding.
  RETURN_IF_ERROR(FtsMove(row, to));
  ASSIGN_OR_RETURN(StatementRef len, db_.Prepare("SELECT doc_len FROM search_docs WHERE doc = ?1"));
  len->BindInt(1, row.doc);
  ASSIGN_OR_RETURN(bool found, len->Step());
  const int64_t doc_len = found ? len->ColumnInt(0) : 0;
  Count(row.scope_id, m.kind, StateOf(m), -1, -doc_len);
  Count(row.scope_id, m.kind, archived ? State::kArchived : State::kLive, +1, doc_len);
  return Status::Ok();
}

// A forgotten memory's vectors go with its text: a vector says something about the content,
// and a tombstone is never searched.
Status RowWriter::DropVectors(int64_t doc) {
  ASSIGN_OR_RETURN(StatementRef del, db_.Prepare("DELETE FROM embeddings WHERE doc = ?1"));
  del->BindInt(1, doc);
  return del->Run();
}

Status RowWriter::Tombstone(const StoredRow& row, int64_t now_ms) {
  const Memory& m = row.memory;
  if (m.forgotten()) return Status::Ok();
  ASSIGN_OR_RETURN(StatementRef upd,
                   db_.Prepare("UPDATE memories SET deleted_ms = ?2 WHERE doc = ?1"));
  upd->BindInt(1, row.doc);
  upd->BindInt(2, now_ms);
  RETURN_IF_ERROR(upd->Run());
  RETURN_IF_ERROR(FtsWrite(true, row.doc, m.content, row.fts_extra, m.tags, row.idents,
                           row.scope_id, m.status));
  ASSIGN_OR_RETURN(int64_t doc_len, DropSearchDoc(row.doc));
  RETURN_IF_ERROR(DropVectors(row.doc));
  Count(row.scope_id, m.kind, StateOf(m), -1, -doc_len);
  Count(row.scope_id, m.kind, State::kForgotten, +1, 0);
  return Status::Ok();
}

Status RowWriter::Purge(const StoredRow& row) {
  const Memory& m = row.memory;
  int64_t doc_len = 0;
  if (!m.forgotten()) {
    RETURN_IF_ERROR(FtsWrite(true, row.doc, m.content, row.fts_extra, m.tags, row.idents,
                             row.scope_id, m.status));
    ASSIGN_OR_RETURN(doc_len, DropSearchDoc(row.doc));
  }
  if (!m.tags.empty()) {
    ASSIGN_OR_RETURN(StatementRef tag,
                     db_.Prepare("DELETE FROM memory_tags WHERE tag = ?1 AND doc = ?2"));
    for (const std::string& t : m.tags) {
      tag->BindText(1, t);
      tag->BindInt(2, row.doc);
      RETURN_IF_ERROR(tag->Run());
      tag->Reset();
    }
  }
  ASSIGN_OR_RETURN(StatementRef del, db_.Prepare("DELETE FROM memories WHERE doc = ?1"));
  del->BindInt(1, row.doc);
  RETURN_IF_ERROR(del->Run());
  RETURN_IF_ERROR(DropVectors(row.doc));
  // A link names a version; one that no longer exists explains nothing.
  ASSIGN_OR_RETURN(StatementRef links,
                   db_.Prepare("DELETE FROM memory_links WHERE from_id = ?1 OR to_id = ?1"));
  links->BindText(1, m.id);
  RETURN_IF_ERROR(links->Run());
  Count(row.scope_id, m.kind, StateOf(m), -1, -doc_len);
  return Status::Ok();
}

Status RowWriter::Finish() {
  if (!spans_.empty()) {
    ASSIGN_OR_RETURN(StatementRef stmt,
                     db_.Prepare("UPDATE scopes SET first_doc = CASE WHEN first_doc = 0 THEN ?2 "
                                 "ELSE min(first_doc, ?2) END, last_doc = max(last_doc, ?3) "
                                 "WHERE scope_id = ?1"));
    for (const auto& [scope_id, span] : spans_) {
      stmt->BindInt(1, scope_id);
      stmt->BindInt(2, span.first);
      stmt->BindInt(3, span.second);
      RETURN_IF_ERROR(stmt->Run());
      stmt->Reset();
    }
    spans_.clear();
  }
  if (deltas_.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(
      StatementRef stmt,
      db_.Prepare("INSERT INTO scope_counts(scope_id, kind, live, superseded, forgotten, "
                  "live_tokens, superseded_tokens, archived, archived_tokens) "
                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                  "ON CONFLICT(scope_id, kind) DO UPDATE SET live = live + excluded.live, "
                  "superseded = superseded + excluded.superseded, "
                  "forgotten = forgotten + excluded.forgotten, "
                  "live_tokens = live_tokens + excluded.live_tokens, "
                  "superseded_tokens = superseded_tokens + excluded.superseded_tokens, "
                  "archived = archived + excluded.archived, "
                  "archived_tokens = archived_tokens + excluded.archived_tokens"));
  for (const auto& [key, d] : deltas_) {
    stmt->BindInt(1, key.first);
    stmt->BindInt(2, key.second);
    stmt->BindInt(3, d.live);
    stmt->BindInt(4, d.superseded);
    stmt->BindInt(5, d.forgotten);
    stmt->BindInt(6, d.live_tokens);
    stmt->BindInt(7, d.superseded_tokens);
    stmt->BindInt(8, d.archived);
    stmt->BindInt(9, d.archived_tokens);
    RETURN_IF_ERROR(stmt->Run());
    stmt->Reset();
  }
  deltas_.clear();
  return Status::Ok();
}

void RowWriter::Committed() {
  for (const auto& [scope, id] : new_scopes_) scopes_.Add(scope, id);
  new_scopes_.clear();
}

}  // namespace memex::sqlite
