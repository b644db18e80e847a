// SqliteStore: opening, transactions and the write operations. The read operations are in
// sqlite_store_read.cc; row-level index maintenance in row_writer.cc.
#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "base/ids.h"
#include "core/scope.h"
#include "store/sqlite/capture_rows.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/connection_pool.h"
#include "store/sqlite/doc_meta_cache.h"
#include "store/sqlite/fts.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/row_codec.h"
#include "store/sqlite/row_writer.h"
#include "store/sqlite/scopes.h"
#include "store/sqlite/token_rows.h"

namespace memex {

using sqlite::Connection;
using sqlite::RowWriter;
using sqlite::StatementRef;
using sqlite::StoredRow;
using sqlite::Transaction;

namespace {

// Read connections kept open when idle; more are opened on demand.

Status SetupReader(Connection& db) { return sqlite::RegisterFtsFunctions(db.raw()); }

Status ValidateScope(const Scope& scope) {
  RETURN_IF_ERROR(ValidateScopeName(scope.workspace, "workspace"));
  return ValidateScopeName(scope.project, "project");
}

Status ValidateTags(const std::vector<std::string>& tags) {
  for (const std::string& tag : tags) {
    for (char c : tag) {
      if (static_cast<unsigned char>(c) < 0x20) {
        return InvalidArgument("tag '" + tag + "' contains a control character");
      }
    }
  }
  return Status::Ok();
}

Status ValidateConfidence(double confidence) {
  if (!std::isfinite(confidence) || confidence < 0 || confidence > 1) {
    return InvalidArgument("confidence must be between 0 and 1, got " + std::to_string(confidence));
  }
  return Status::Ok();
}

Status ValidateNew(const NewMemory& m) {
  if (m.content.empty()) return InvalidArgument("memory content is empty");
  RETURN_IF_ERROR(ValidateScope(m.scope));
  RETURN_IF_ERROR(ValidateTags(m.tags));
  RETURN_IF_ERROR(ValidateConfidence(m.confidence));
  if (m.status == MemoryStatus::kSuperseded) {
    return InvalidArgument("a new memory cannot be created superseded");
  }
  if (m.created_ms < 0 || m.expires_ms < 0) {
    return InvalidArgument("timestamps must not be negative");
  }
  return Status::Ok();
}

Status ValidateImported(const Memory& m) {
  const std::string what = "import row " + m.id + ": ";
  if (!IsUuid(m.id)) return InvalidArgument("import row id '" + m.id + "' is not a UUID");
  if (m.content.empty()) return InvalidArgument(what + "content is empty");
  if (m.version < 1) return InvalidArgument(what + "version must be >= 1");
  if (!m.supersedes.empty() && !IsUuid(m.supersedes)) {
    return InvalidArgument(what + "supersedes is not a UUID");
  }
  if (!m.content_hash.empty() && m.content_hash != Sha256Hex(m.content)) {
    return InvalidArgument(what + "content_hash does not match the content");
  }
  RETURN_IF_ERROR(ValidateScope(m.scope).WithContext("import row " + m.id));
  RETURN_IF_ERROR(ValidateTags(m.tags).WithContext("import row " + m.id));
  return ValidateConfidence(m.confidence).WithContext("import row " + m.id);
}

// Every version of the chain `id` belongs to, oldest first.
Result<std::vector<StoredRow>> LoadChain(Connection& db, const std::string& id) {
  ASSIGN_OR_RETURN(
      StatementRef stmt,
      db.Prepare("SELECT " + std::string(sqlite::kRowColumns) + std::string(sqlite::kRowFrom) +
                 "WHERE m.chain = (SELECT chain FROM memories WHERE id = ?1) "
                 "ORDER BY m.version, m.doc"));
  stmt->BindText(1, id);
  std::vector<StoredRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    ASSIGN_OR_RETURN(StoredRow r, sqlite::ReadRow(*stmt));
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<std::string> QueryText(Connection& db, std::string_view sql) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(sql));
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::string();
  return std::string(stmt->ColumnText(0));
}

}  // namespace

SqliteStore::SqliteStore(std::string path, const Clock& clock)
    : path_(std::move(path)),
      clock_(clock),
      scopes_(std::make_unique<sqlite::ScopeCache>()),
      doc_meta_(std::make_unique<sqlite::DocMetaCache>()) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const StorageConfig& cfg,
                                                       const Clock& clock) {
  ASSIGN_OR_RETURN(sqlite::ConnectionOptions options, sqlite::OptionsFromConfig(cfg));
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, clock));
  ASSIGN_OR_RETURN(store->writer_, Connection::Open(path, options));
  Connection& db = *store->writer_;
  ASSIGN_OR_RETURN(std::string mode, QueryText(db, "PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return FailedPrecondition("cannot put " + path + " in WAL mode (journal_mode is '" + mode +
                              "'); use a local filesystem that supports shared memory");
  }
  RETURN_IF_ERROR(sqlite::RegisterFtsFunctions(db.raw()));
  ASSIGN_OR_RETURN(store->tokens_, sqlite::TokenCounter::Create(db.raw()));
  RETURN_IF_ERROR(sqlite::Migrate(db, clock, sqlite::StoreMigrations()));
  sqlite::ConnectionOptions reader_options = options;
  reader_options.create = false;
  store->readers_ = std::make_unique<sqlite::ConnectionPool>(
      path, reader_options, static_cast<size_t>(cfg.read_connections), &SetupReader);
  // Fail at open, not at the first read, when readers cannot be opened.
  RETURN_IF_ERROR(store->ReadTxn([](Connection&) { return Status::Ok(); }));
  return store;
}

Status SqliteStore::WriteTxn(const std::function<Status(RowWriter&)>& body) {
  std::lock_guard<std::mutex> lock(write_mu_);
  Connection& db = *writer_;
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Mode::kWrite));
  RowWriter writer(db, *scopes_, *tokens_);
  RETURN_IF_ERROR(body(writer));
  RETURN_IF_ERROR(writer.Finish());
  RETURN_IF_ERROR(txn.Commit());
  writer.Committed();
  return Status::Ok();
}

Status SqliteStore::ReadTxn(const std::function<Status(Connection&)>& body) {
  ASSIGN_OR_RETURN(sqlite::ConnectionPool::Lease db, readers_->Acquire());
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db, Transaction::Mode::kRead));
  RETURN_IF_ERROR(body(*db));
  return txn.Commit();
}

Result<PutResult> SqliteStore::PutLocked(RowWriter& w, const NewMemory& nm, int64_t now_ms) {
  ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(nm.scope));
  if (!nm.idempotency_key.empty()) {
    ASSIGN_OR_RETURN(std::optional<PutResult> existing, w.FindByKey(scope_id, nm.idempotency_key));
    if (existing) return *existing;
  }
  Memory m;
  m.content_hash = Sha256Hex(nm.content);
  ASSIGN_OR_RETURN(std::optional<PutResult> same, w.FindLiveByHash(scope_id, m.content_hash));
  if (same) return *same;
  m.id = NewUuidV7(now_ms);
  m.scope = nm.scope;
  m.kind = nm.kind;
  m.content = nm.content;
  m.tags = NormalizeTags(nm.tags);
  m.origin = nm.origin;
  m.agent = nm.agent;
  m.session = nm.session;
  m.status = nm.status;
  m.confidence = nm.confidence;
  m.idempotency_key = nm.idempotency_key;
  // Version 1 is written when the memory was created (a back-dated import keeps its time).
  m.created_ms = nm.created_ms != 0 ? nm.created_ms : now_ms;
  m.updated_ms = m.created_ms;
  m.expires_ms = nm.expires_ms;
  ASSIGN_OR_RETURN(DocId doc, w.Insert(m, scope_id, 0));
  return PutResult{m.id, 1, true, doc};
}

Result<PutResult> SqliteStore::Put(const NewMemory& m) {
  RETURN_IF_ERROR(ValidateNew(m));
  PutResult result;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(result, PutLocked(w, m, clock_.NowMs()));
    return Status::Ok();
  }));
  return result;
}

Result<std::vector<PutResult>> SqliteStore::PutBatch(const std::vector<NewMemory>& ms) {
  for (size_t i = 0; i < ms.size(); ++i) {
    RETURN_IF_ERROR(ValidateNew(ms[i]).WithContext("batch item " + std::to_string(i)));
  }
  std::vector<PutResult> results;
  results.reserve(ms.size());
  if (ms.empty()) return results;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    const int64_t now_ms = clock_.NowMs();
    for (size_t i = 0; i < ms.size(); ++i) {
      // Later duplicates of an earlier item find it through the same hash/key lookups.
      Result<PutResult> r = PutLocked(w, ms[i], now_ms);
      if (!r.ok()) return r.status().WithContext("batch item " + std::to_string(i));
      results.push_back(std::move(r).value());
    }
    return Status::Ok();
  }));
  return results;
}

Result<PutResult> SqliteStore::Update(const std::string& id, const MemoryPatch& patch) {
  if (patch.content && patch.content->empty()) {
    return InvalidArgument("patch content is empty");
  }
  if (patch.tags) RETURN_IF_ERROR(ValidateTags(*patch.tags));
  if (patch.confidence) RETURN_IF_ERROR(ValidateConfidence(*patch.confidence));
  PutResult result;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(std::vector<StoredRow> chain, LoadChain(w.db(), id));
    if (chain.empty()) return NotFound("memory " + id + " not found");
    const StoredRow& newest = chain.back();
    if (newest.memory.forgotten()) return NotFound("memory " + id + " was forgotten");
    if (!patch.idempotency_key.empty()) {
      ASSIGN_OR_RETURN(std::optional<PutResult> existing,
                       w.FindByKey(newest.scope_id, patch.idempotency_key));
      if (existing) {
        result = *existing;
        return Status::Ok();
      }
    }
    const int64_t now_ms = clock_.NowMs();
    Memory next = newest.memory;
    if (patch.content) next.content = *patch.content;
    if (patch.tags) next.tags = NormalizeTags(*patch.tags);
    if (patch.kind) next.kind = *patch.kind;
    if (patch.confidence) next.confidence = *patch.confidence;
    if (patch.expires_ms) next.expires_ms = *patch.expires_ms;
    if (!patch.agent.empty()) next.agent = patch.agent;
    if (!patch.session.empty()) next.session = patch.session;
    next.id = NewUuidV7(now_ms);
    next.version = newest.memory.version + 1;
    next.supersedes = newest.memory.id;
    next.superseded_by.clear();
    next.content_hash = Sha256Hex(next.content);
    next.idempotency_key = patch.idempotency_key;
    next.updated_ms = std::max(now_ms, newest.memory.updated_ms);
    RETURN_IF_ERROR(w.MarkSuperseded(newest, next.id));
    ASSIGN_OR_RETURN(DocId doc, w.Insert(next, newest.scope_id, newest.chain));
    result = PutResult{next.id, next.version, true, doc};
    return Status::Ok();
  }));
  return result;
}

Result<int64_t> SqliteStore::Forget(const std::string& id, bool hard) {
  int64_t affected = 0;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(std::vector<StoredRow> chain, LoadChain(w.db(), id));
    if (chain.empty()) return NotFound("memory " + id + " not found");
    const int64_t now_ms = clock_.NowMs();
    for (const StoredRow& row : chain) {
      if (hard) {
        RETURN_IF_ERROR(w.Purge(row));
        ++affected;
      } else if (!row.memory.forgotten()) {
        RETURN_IF_ERROR(w.Tombstone(row, now_ms));
        ++affected;
      }
    }
    return Status::Ok();
  }));
  return affected;
}

Status SqliteStore::RecordAccess(const std::vector<AccessCount>& accesses) {
  if (accesses.empty()) return Status::Ok();
  return WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(StatementRef stmt,
                     w.db().Prepare("UPDATE memories SET access_count = access_count + ?3, "
                                    "last_accessed_ms = max(last_accessed_ms, ?2) WHERE id = ?1"));
    for (const AccessCount& a : accesses) {
      stmt->BindText(1, a.id);
      stmt->BindInt(2, a.last_ms);
      stmt->BindInt(3, a.count);
      RETURN_IF_ERROR(stmt->Run());
      stmt->Reset();
    }
    return Status::Ok();
  });
}

Result<int64_t> SqliteStore::ImportRows(const std::vector<Memory>& rows) {
  for (const Memory& m : rows) RETURN_IF_ERROR(ValidateImported(m));
  // A version's predecessor has a lower version number, so version order lets every row find
  // its chain among the rows inserted before it.
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rows[a].version < rows[b].version; });
  int64_t inserted = 0;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    Connection& db = w.db();
    for (size_t i : order) {
      Memory m = rows[i];
      ASSIGN_OR_RETURN(StatementRef exists, db.Prepare("SELECT 1 FROM memories WHERE id = ?1"));
      exists->BindText(1, m.id);
      ASSIGN_OR_RETURN(bool found, exists->Step());
      if (found) continue;
      int64_t chain = 0;
      if (!m.supersedes.empty()) {
        ASSIGN_OR_RETURN(StatementRef prev, db.Prepare("SELECT chain FROM memories WHERE id = ?1"));
        prev->BindText(1, m.supersedes);
        ASSIGN_OR_RETURN(bool has_prev, prev->Step());
        if (has_prev) chain = prev->ColumnInt(0);
      }
      if (m.content_hash.empty()) m.content_hash = Sha256Hex(m.content);
      m.tags = NormalizeTags(m.tags);
      ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(m.scope));
      Result<DocId> doc = w.Insert(m, scope_id, chain);
      if (!doc.ok()) return doc.status().WithContext("import row " + m.id);
      ++inserted;
    }
    return Status::Ok();
  }));
  return inserted;
}

Status SqliteStore::Check() {
  std::string problems;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare("PRAGMA quick_check"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      std::string_view line = stmt->ColumnText(0);
      if (line != "ok") {
        problems += problems.empty() ? "" : "; ";
        problems += line;
      }
    }
    return Status::Ok();
  }));
  if (problems.empty()) {
    // The FTS5 check is an INSERT command, so it runs on the write connection (in a transaction
    // that is rolled back: it changes nothing).
    std::lock_guard<std::mutex> lock(write_mu_);
    ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*writer_, Transaction::Mode::kWrite));
    std::vector<int64_t> scope_ids;
    {
      ASSIGN_OR_RETURN(StatementRef stmt, writer_->Prepare("SELECT scope_id FROM scopes"));
      while (true) {
        ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        scope_ids.push_back(stmt->ColumnInt(0));
      }
    }
    for (int64_t scope_id : scope_ids) {
      const std::string table = sqlite::FtsTable(scope_id);
      Status fts =
          writer_->Exec("INSERT INTO " + table + "(" + table + ") VALUES('integrity-check')");
      if (!fts.ok()) {
        problems += problems.empty() ? "" : "; ";
        problems += "full-text index " + table + ": " + fts.message();
      }
    }
    // The hook events' index (schema v3).
    if (Status fts = writer_->Exec("INSERT INTO events_fts(events_fts) VALUES('integrity-check')");
        !fts.ok()) {
      problems += problems.empty() ? "" : "; ";
      problems += "full-text index events_fts: " + fts.message();
    }
  }
  if (problems.empty()) return Status::Ok();
  return DataLoss("integrity check of " + path_ + " failed: " + problems +
                  "; run `memex doctor` or restore a backup");
}

// ---- Bearer tokens: thin forwarders to token_rows.cc ----

Status SqliteStore::CreateToken(const TokenRecord& t) {
  return WriteTxn([&](RowWriter& w) { return sqlite::InsertToken(w.db(), t); });
}

Result<std::vector<TokenRecord>> SqliteStore::ListTokens() {
  std::vector<TokenRecord> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectTokens(db));
    return Status::Ok();
  }));
  return out;
}

Result<TokenRecord> SqliteStore::FindTokenByHash(const std::string& hash) {
  TokenRecord out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectTokenByHash(db, hash));
    return Status::Ok();
  }));
  return out;
}

Result<TokenRecord> SqliteStore::RevokeToken(const std::string& id_or_name, int64_t now_ms) {
  TokenRecord out;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::RevokeTokenRow(w.db(), id_or_name, now_ms));
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::TouchToken(const std::string& id, int64_t now_ms) {
  return WriteTxn([&](RowWriter& w) { return sqlite::TouchTokenRow(w.db(), id, now_ms); });
}

// ---- CaptureStore: forwarding to store/sqlite/capture_rows.cc ----

Result<std::vector<AppendResult>> SqliteStore::AppendEvents(const std::vector<Event>& events) {
  std::vector<AppendResult> out;
  if (events.empty()) return out;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::InsertEvents(w, events));
    return Status::Ok();
  }));
  return out;
}

Result<Session> SqliteStore::GetSession(const std::string& id) {
  Session out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectSession(db, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Session>> SqliteStore::ListSessions(const SessionQuery& q) {
  std::vector<Session> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectSessions(db, *scopes_, q));
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::SetSessionSummary(const std::string& id, const std::string& summary_id,
                                      const std::string& archive_sha256) {
  return WriteTxn([&](RowWriter& w) {
    return sqlite::UpdateSessionSummary(w.db(), id, summary_id, archive_sha256);
  });
}

Status SqliteStore::SetSessionContext(const std::string& id, const std::string& handoff_offered,
                                      int64_t delivered_ms) {
  return WriteTxn([&](RowWriter& w) {
    return sqlite::UpsertSessionContext(w.db(), id, handoff_offered, delivered_ms);
  });
}

Result<std::vector<Event>> SqliteStore::ListEvents(const EventQuery& q) {
  std::vector<Event> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectEvents(db, q));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Event>> SqliteStore::EventsByToolUse(const std::string& tool_use_id) {
  std::vector<Event> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectEventsByToolUse(db, tool_use_id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<EventHit>> SqliteStore::SearchEvents(const EventSearchQuery& q) {
  std::vector<EventHit> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SearchEventRows(db, *scopes_, q));
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::PutHandoff(const Handoff& h) {
  return WriteTxn([&](RowWriter& w) { return sqlite::InsertHandoff(w, h); });
}

Result<Handoff> SqliteStore::GetHandoff(const std::string& id) {
  Handoff out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectHandoff(db, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<Handoff>> SqliteStore::PendingHandoff(const Scope& scope,
                                                           const std::string& exclude_session) {
  std::optional<Handoff> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectPendingHandoff(db, *scopes_, scope, exclude_session));
    return Status::Ok();
  }));
  return out;
}

Result<bool> SqliteStore::AcceptHandoff(const std::string& id, const std::string& session,
                                        const std::string& agent, int64_t now_ms) {
  bool out = false;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::AcceptHandoffRow(w.db(), id, session, agent, now_ms));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Handoff>> SqliteStore::ListHandoffs(const HandoffQuery& q) {
  std::vector<Handoff> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectHandoffs(db, *scopes_, q));
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::PutLesson(const Lesson& l) {
  return WriteTxn([&](RowWriter& w) { return sqlite::InsertLesson(w, l); });
}

Result<Lesson> SqliteStore::GetLesson(const std::string& id) {
  Lesson out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectLesson(db, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Lesson>> SqliteStore::ListLessons(const LessonQuery& q) {
  std::vector<Lesson> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectLessons(db, *scopes_, q));
    return Status::Ok();
  }));
  return out;
}

Result<Lesson> SqliteStore::UpdateLesson(const std::string& id, const LessonPatch& patch,
                                         int64_t now_ms) {
  Lesson out;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::UpdateLessonRow(w.db(), id, patch, now_ms));
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::RecordLessonTriggers(const std::vector<std::string>& ids, int64_t now_ms) {
  if (ids.empty()) return Status::Ok();
  return WriteTxn(
      [&](RowWriter& w) { return sqlite::RecordLessonTriggerRows(w.db(), ids, now_ms); });
}

}  // namespace memex
