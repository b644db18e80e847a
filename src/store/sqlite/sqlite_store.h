// SqliteStore: the embedded implementation of memex::Store (SPEC §5) and memex::CaptureStore
// (SPEC §7) on one SQLite file in WAL mode with FTS5 indexes.
//
// Durability (storage.durability): "normal" runs synchronous=NORMAL — a write that returned OK
// survives a crash of the process; the last transactions may be lost if the machine loses power.
// "full" runs synchronous=FULL — a write that returned OK also survives power loss, at the cost
// of an fsync per transaction.
//
// Concurrency: one write connection behind a mutex; every write transaction is BEGIN IMMEDIATE,
// so writers in other processes queue on storage.busy_timeout_ms instead of failing, and a pool
// of read connections lets reads run concurrently with each other and with the writer (WAL).
//
// Thread-safety: safe for concurrent use from any number of threads, and from several processes
// sharing one file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "store/capture_store.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace memex::sqlite {
class Connection;
class ConnectionPool;
class DocMetaCache;
class RowWriter;
class ScopeCache;
class TokenCounter;
struct StoredRow;
}  // namespace memex::sqlite

namespace memex {

class SqliteStore final : public Store, public CaptureStore, public EmbeddingStore {
 public:
  // Opens (creating if missing) the database file at `path` and runs pending migrations.
  // `clock` must outlive the store.
  // Errors: kFailedPrecondition (directory or file not writable, read-only filesystem, a file of
  // another application, schema newer than this binary); kDataLoss (the file is not a database
  // or is corrupt: the message names the file and suggests `memex doctor` or restoring a
  // backup); kUnavailable (locked by another process beyond the busy timeout).
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const StorageConfig& cfg, const Clock& clock);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<PutResult> Put(const NewMemory& m) override;
  Result<std::vector<PutResult>> PutBatch(const std::vector<NewMemory>& ms) override;
  Result<Memory> Get(const std::string& id, bool include_forgotten = false) override;
  Result<std::vector<Memory>> History(const std::string& id) override;
  Result<PutResult> Update(const std::string& id, const MemoryPatch& patch) override;
  Result<int64_t> Forget(const std::string& id, bool hard) override;
  Result<std::vector<Memory>> List(const ListQuery& q) override;
  Result<int64_t> Count(const ListQuery& q) override;
  Result<StoreStats> Stats(const SearchFilter& filter) override;
  Result<TextResult> SearchText(const TextQuery& q) override;
  Result<IdentResult> SearchIdents(const IdentQuery& q) override;
  Result<std::vector<Neighbour>> SessionNeighbours(const NeighbourQuery& q) override;
  Result<std::vector<RankFact>> RankFacts(const std::vector<DocId>& docs) override;
  // Tombstones are skipped like unknown ids (a search never hands them out).
  Result<std::vector<Memory>> Hydrate(const std::vector<DocId>& docs) override;
  Status RecordAccess(const std::vector<AccessCount>& accesses) override;
  Result<std::string> SearchGeneration(const SearchFilter& filter) override;
  Status Scan(const SearchFilter& filter, bool include_forgotten,
              const MemoryVisitor& visit) override;
  Result<int64_t> ImportRows(const std::vector<Memory>& rows) override;
  // Links and archiving (store/store.h; sqlite_store_hygiene.cc, the SQL in link_rows.cc).
  Status AddLinks(const std::vector<MemoryLink>& links) override;
  Result<std::vector<MemoryLink>> Links(const std::string& id) override;
  Result<std::vector<std::string>> SetArchived(const std::vector<std::string>& ids,
                                               bool archived) override;
  // PRAGMA quick_check plus each full-text table's integrity check: about 4 s per million
  // memories, and writers wait while the full-text part runs (it needs the write lock).
  Status Check() override;
  // Bearer tokens (store/store.h; the SQL is in store/sqlite/token_rows.cc).
  Status CreateToken(const TokenRecord& t) override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Result<TokenRecord> FindTokenByHash(const std::string& hash) override;
  Result<TokenRecord> RevokeToken(const std::string& id_or_name, int64_t now_ms) override;
  Status TouchToken(const std::string& id, int64_t now_ms) override;

  // CaptureStore (store/capture_store.h; the SQL is in store/sqlite/capture_rows.cc).
  Result<std::vector<AppendResult>> AppendEvents(const std::vector<Event>& events) override;
  Result<Session> GetSession(const std::string& id) override;
  Result<std::vector<Session>> ListSessions(const SessionQuery& q) override;
  Status SetSessionSummary(const std::string& id, const std::string& summary_id,
                           const std::string& archive_sha256) override;
  Status SetSessionContext(const std::string& id, const std::string& handoff_offered,
                           int64_t delivered_ms) override;
  Result<std::vector<Event>> ListEvents(const EventQuery& q) override;
  Result<std::vector<Event>> EventsByToolUse(const std::string& tool_use_id) override;
  Result<std::vector<EventHit>> SearchEvents(const EventSearchQuery& q) override;
  Status PutHandoff(const Handoff& h) override;
  Result<Handoff> GetHandoff(const std::string& id) override;
  Result<std::optional<Handoff>> PendingHandoff(const Scope& scope,
                                                const std::string& exclude_session) override;
  Result<bool> AcceptHandoff(const std::string& id, const std::string& session,
                             const std::string& agent, int64_t now_ms) override;
  Result<std::vector<Handoff>> ListHandoffs(const HandoffQuery& q) override;
  Status PutLesson(const Lesson& l) override;
  Result<Lesson> GetLesson(const std::string& id) override;
  Result<std::vector<Lesson>> ListLessons(const LessonQuery& q) override;
  Result<Lesson> UpdateLesson(const std::string& id, const LessonPatch& patch,
                              int64_t now_ms) override;
  Status RecordLessonTriggers(const std::vector<std::string>& ids, int64_t now_ms) override;

  // EmbeddingStore (store/embedding_store.h; the SQL is in store/sqlite/embedding_rows.cc).
  Result<std::vector<PendingEmbed>> PendingEmbeddings(const std::string& model, DocId after_doc,
                                                      int limit) override;
  Status PutEmbeddings(const std::string& model, int dim,
                       const std::vector<NewVector>& vectors) override;
  Result<VectorPage> ReadEmbeddings(const std::string& model, int64_t after_seq,
                                    int limit) override;
  Result<std::vector<SearchableDoc>> FilterDocs(const std::vector<DocId>& docs,
                                                const SearchFilter& filter) override;
  Result<std::vector<EmbeddingCounts>> EmbeddingStats(const std::string& current_model) override;
  Result<int64_t> DropEmbeddings(const std::string& model) override;

  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, const Clock& clock);

  // Runs `body` inside one BEGIN IMMEDIATE transaction on the write connection with a RowWriter;
  // commits when it returns OK (after flushing the writer's counters), rolls back otherwise.
  Status WriteTxn(const std::function<Status(sqlite::RowWriter&)>& body);
  // Runs `body` with a pooled read connection inside one read transaction (one snapshot).
  Status ReadTxn(const std::function<Status(sqlite::Connection&)>& body);

  Result<PutResult> PutLocked(sqlite::RowWriter& w, const NewMemory& m, int64_t now_ms);

  const std::string path_;
  const Clock& clock_;
  std::unique_ptr<sqlite::ScopeCache> scopes_;
  std::unique_ptr<sqlite::ConnectionPool> readers_;
  std::unique_ptr<sqlite::DocMetaCache> doc_meta_;  // shared by every reader
  std::mutex write_mu_;
  std::unique_ptr<sqlite::Connection> writer_;    // guarded by write_mu_
  std::unique_ptr<sqlite::TokenCounter> tokens_;  // guarded by write_mu_
};

}  // namespace memex
