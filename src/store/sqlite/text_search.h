// The lexical search primitives of the SQLite store: SearchText (BM25 statistics from FTS5) and
// SearchIdents (exact identifier postings). Contracts: core/search.h and store/store.h.
//
// How SearchText bounds its work (so common terms cost no more than rare ones):
//   1. each term is probed in each scope's full-text table with ORDER BY rowid DESC LIMIT cap+1,
//      which reads only the tail of the doclists; fewer than cap+1 rows = exact df, otherwise df
//      is extrapolated from the rowid span those rows cover (estimated = true);
//   2. candidates = every document matching any term when the dfs sum to <= cap; otherwise
//      every document matching the rarest terms that fit the cap (pruned), or the newest cap
//      documents matching any term (windowed);
//   3. per-term tf comes from the memex_tf() auxiliary function (fts.h) over an expression that
//      names every term, so tf is complete even for terms that did not drive the candidates.
// Scopes are separate tables (migrations.cc) and history is `NOT st : h` inside FTS5; kinds, tags
// and date filters join the narrow `search_docs` table on the rows FTS5 produced, so with such
// filters the cap bounds the rows examined before those filters. Without them, candidates'
// updated_ms and doc_len come from a DocMetaCache (doc_meta_cache.h) instead of that join.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "core/search.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/doc_meta_cache.h"
#include "store/sqlite/scopes.h"

namespace memex::sqlite {

// Documents BM25 may see in `scopes`: current versions, plus superseded ones when
// `include_history` and archived ones when `include_archived` (tombstones never). From the
// per-scope counters, O(scopes).
Result<int64_t> SearchableDocCount(Connection& db, const ScopeSet& scopes, bool include_history,
                                   bool include_archived);

// Preconditions: `db` has memex_tf registered; the caller holds a read transaction on `db` so
// every query sees one snapshot.
// The candidate query on one scope's full-text table: ?1 MATCH expression, ?2 cap, ?3 number of
// term phrases; `condition` is the WHERE clause on search_docs `m` (placeholders from ?4).
// Exposed for the query-plan test.
std::string CandidateSql(std::string_view table, std::string_view condition);

// `meta` (may be null) serves candidates' updated_ms and doc_len when the query has no attribute
// filter, sparing a search_docs seek per candidate; it is filled as a side effect.
Result<TextResult> SearchText(Connection& db, const ScopeSet& scopes, const TextQuery& q,
                              DocMetaCache* meta = nullptr);
Result<IdentResult> SearchIdents(Connection& db, const ScopeSet& scopes, const IdentQuery& q);

}  // namespace memex::sqlite
