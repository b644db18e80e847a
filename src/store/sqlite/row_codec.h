// How one memory version is laid out in the `memories` table and in the derived indexes
// (FTS body/tags/scope token, identifier buckets): the single source of those encodings, so
// writes and deletes always agree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/memory.h"
#include "core/search.h"
#include "store/sqlite/connection.h"

namespace memex::sqlite {

// Stable integer codes stored in the database (never renumber: they are on disk).
int KindToCode(Kind k);
int StatusToCode(MemoryStatus s);
int OriginToCode(Origin o);
Result<Kind> KindFromCode(int64_t code);
Result<MemoryStatus> StatusFromCode(int64_t code);
Result<Origin> OriginFromCode(int64_t code);
inline constexpr int kSupersededCode = 2;
inline constexpr int kArchivedCode = 3;

// Lists (tags, identifiers) are stored joined by U+001F, which validated input never contains.
inline constexpr char kListSeparator = '\x1f';
std::string JoinList(const std::vector<std::string>& items);
std::vector<std::string> SplitList(std::string_view joined);

// The select list of a full row, for `FROM memories m JOIN scopes s USING (scope_id)`;
// ReadRow() decodes it.
inline constexpr std::string_view kRowColumns =
    "m.doc, m.chain, m.scope_id, m.id, m.kind, m.status, m.origin, m.version, m.confidence, "
    "m.created_ms, m.updated_ms, m.last_accessed_ms, m.access_count, m.expires_ms, m.deleted_ms, "
    "m.supersedes, m.superseded_by, m.content_hash, m.idempotency_key, m.agent, m.session, "
    "m.tags, m.idents, m.fts_extra, m.content, s.workspace, s.project, m.archived_ms";
inline constexpr std::string_view kRowFrom = " FROM memories m JOIN scopes s USING (scope_id) ";

// A memory version with the store's bookkeeping for it.
struct StoredRow {
  Memory memory;
  DocId doc = 0;
  int64_t chain = 0;  // doc of the chain's first version
  int64_t scope_id = 0;
  std::vector<std::string> idents;  // as indexed in the `ids` FTS column (when not forgotten)
  std::string fts_extra;            // as appended to the FTS body (when not forgotten)

  bool superseded() const { return memory.status == MemoryStatus::kSuperseded; }
  bool archived() const { return memory.status == MemoryStatus::kArchived; }
};

// Decodes the columns of kRowColumns. Errors: kDataLoss for an unknown enum code.
Result<StoredRow> ReadRow(const Statement& stmt);

// The first 64 bits of a hex SHA-256 (memories.hash_key). Precondition: >= 16 hex digits.
int64_t HashKey(std::string_view hex_sha256);

// The full-text table of a scope, and the statement creating it (see migrations.cc).
std::string FtsTable(int64_t scope_id);
std::string FtsTableSql(int64_t scope_id);
// Values put into the FTS table for a row (deletes from a contentless table must repeat them).
void FtsBody(std::string_view content, std::string_view extra, std::string* out);
std::string FtsTags(const std::vector<std::string>& tags);
// The `st` column: "h" for a superseded version, "a" for an archived one (schema v6), "" for
// a current one. A search excludes them with `NOT st : h` / `NOT st : a`.
inline std::string_view FtsStatus(MemoryStatus s) {
  return s == MemoryStatus::kSuperseded ? "h" : s == MemoryStatus::kArchived ? "a" : "";
}
// The `ids` column: one token per exact identifier. An identifier holds characters the text
// tokenizer splits on ('/', '.', '_'), so each is indexed as "zz" + the decimal FNV-1a hash of
// its bytes: one alphanumeric token the tokenizer keeps whole (and Porter leaves alone, as it
// ends in a digit). Living in FTS5 rather than a B-tree keeps identifier writes log-structured.
std::string FtsIdentToken(std::string_view ident);
std::string FtsIdentTokens(const std::vector<std::string>& idents);

}  // namespace memex::sqlite
