// Row-level writes of the SQLite store. Every change to `memories` goes through RowWriter, which
// keeps the derived state in the same transaction: FTS5 rows, identifier postings, tag rows and
// the per-scope counters. Deletes from the contentless FTS table repeat the values stored in the
// row (row_codec.h), never values recomputed by today's tokenizer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "core/memory.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/fts.h"
#include "store/sqlite/row_codec.h"
#include "store/sqlite/scopes.h"
#include "store/store.h"

namespace memex::sqlite {

// Thread-safety: not thread-safe; one RowWriter lives inside one write transaction on the write
// connection. Call Finish() before committing and Committed() after.
class RowWriter {
 public:
  // `tokens` counts document lengths for search_docs; all three outlive the writer.
  RowWriter(Connection& db, ScopeCache& scopes, TokenCounter& tokens)
      : db_(db), scopes_(scopes), tokens_(tokens) {}

  // The write connection, for reads inside the same transaction.
  Connection& db() { return db_; }

  // The id of `scope`, creating its row and full-text table when new.
  Result<int64_t> ScopeId(const Scope& scope);

  // The live (not superseded, not forgotten) row with this content hash in the scope, if any.
  Result<std::optional<PutResult>> FindLiveByHash(int64_t scope_id, std::string_view hash);
  // The non-forgotten row written with this idempotency key in the scope, if any.
  Result<std::optional<PutResult>> FindByKey(int64_t scope_id, std::string_view key);

  // Inserts `m` verbatim (id, version, timestamps, status ... already set) into `scope_id` as part
  // of chain `chain` (0 = a new chain rooted at this row). Unless the row is forgotten, indexes
  // it: FTS5 (body = content + IdentifierExpansion(content)), search_docs, identifiers
  // (ExtractIdentifiers(content) plus the trailing parts of paths: "src/a/b.cc" is also indexed
  // as "a/b.cc" and "b.cc"). Tags are recorded either way.
  Result<DocId> Insert(const Memory& m, int64_t scope_id, int64_t chain);

  // Marks a current row superseded by `next_id` and moves its index entries to history.
  Status MarkSuperseded(const StoredRow& row, const std::string& next_id);
  // Archives (archived_ms = now_ms, status kArchived) or restores (status kActive, archived_ms 0)
  // a newest version, moving its index entries and counters between current and archived.
  // Precondition: not forgotten, not superseded, and not already in the target state.
  Status SetArchived(const StoredRow& row, bool archived, int64_t now_ms);
  // Tombstones a row (deleted_ms = now_ms) and removes it from FTS5 and identifiers.
  // Precondition: not already forgotten.
  Status Tombstone(const StoredRow& row, int64_t now_ms);
  // Deletes a row and everything derived from it (index entries, tags, vectors, links).
  Status Purge(const StoredRow& row);

  // Writes the accumulated counter deltas. Call once before commit.
  Status Finish();
  // Publishes scope ids created in this transaction. Call after a successful commit.
  void Committed();

 private:
  enum class State { kLive, kSuperseded, kArchived, kForgotten };
  static State StateOf(const Memory& m);
  void Count(int64_t scope_id, Kind kind, State state, int64_t delta, int64_t tokens);
  Result<DocId> NextDoc();
  // Removes the row's search_docs entry; returns its document length.
  Result<int64_t> DropSearchDoc(DocId doc);
  // Deletes the doc's vectors of every model.
  Status DropVectors(int64_t doc);

  // Adds (or, with `remove`, deletes) the row's FTS entry; `status` picks the `st` column.
  Status FtsWrite(bool remove, DocId doc, std::string_view content, std::string_view extra,
                  const std::vector<std::string>& tags, const std::vector<std::string>& idents,
                  int64_t scope_id, MemoryStatus status);
  // Moves a row's FTS entry from its stored status to `to` (delete, then insert).
  Status FtsMove(const StoredRow& row, MemoryStatus to);

  struct Delta {
    int64_t live = 0, superseded = 0, forgotten = 0, archived = 0;
    int64_t live_tokens = 0, superseded_tokens = 0, archived_tokens = 0;
  };

  Connection& db_;
  ScopeCache& scopes_;
  TokenCounter& tokens_;
  DocId next_doc_ = 0;  // 0 = not read yet in this transaction
  std::map<Scope, int64_t> new_scopes_;
  std::map<std::pair<int64_t, int>, Delta> deltas_;
  std::map<int64_t, std::pair<DocId, DocId>> spans_;  // scope -> first/last doc inserted
  std::string body_buf_;  // reused FTS body, avoids an allocation per row
  std::map<int64_t, std::pair<std::string, std::string>> fts_sql_;  // scope -> insert, delete
};

}  // namespace memex::sqlite
