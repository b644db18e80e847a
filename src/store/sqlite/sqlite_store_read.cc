// SqliteStore: the read operations. Each runs on a pooled read connection inside one read
// transaction, so it sees one consistent snapshot while the writer carries on (WAL).
#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include "store/sqlite/connection.h"
#include "store/sqlite/context_rows.h"
#include "store/sqlite/filter_sql.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/row_codec.h"
#include "store/sqlite/scopes.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/text_search.h"

namespace memex {

using sqlite::Connection;
using sqlite::ScopeSet;
using sqlite::SqlBuilder;
using sqlite::StatementRef;
using sqlite::StoredRow;

namespace {

// Appends " AND ..." for ListQuery::archived_only / archived_ms.
void AppendArchivedOnly(const ListQuery& q, SqlBuilder& b) {
  if (!q.archived_only) return;
  b.Sql(" AND m.status = ").Int(sqlite::kArchivedCode);
  if (q.archived_ms != 0) b.Sql(" AND m.archived_ms = ").Int(q.archived_ms);
}

// `SELECT <row> FROM memories m JOIN scopes s WHERE <filter>` for List and Scan.
SqlBuilder RowQuery(const ScopeSet& scopes, const SearchFilter& filter, bool include_history,
                    bool include_archived, bool include_forgotten) {
  SqlBuilder b;
  b.Sql("SELECT ").Sql(sqlite::kRowColumns).Sql(sqlite::kRowFrom).Sql("WHERE 1");
  sqlite::AppendScopeFilter(scopes, b);
  sqlite::AppendHistoryFilter(include_history, include_archived, b);
  if (!include_forgotten) b.Sql(" AND m.deleted_ms = 0");
  sqlite::AppendAttributeFilter(filter, b);
  return b;
}

// Runs `b` and appends every decoded row to `out`.
Status CollectRows(Connection& db, const SqlBuilder& b, std::vector<Memory>& out) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(b.sql()));
  b.Bind(*stmt);
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    ASSIGN_OR_RETURN(StoredRow r, sqlite::ReadRow(*stmt));
    out.push_back(std::move(r.memory));
  }
}

int64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace

Result<Memory> SqliteStore::Get(const std::string& id, bool include_forgotten) {
  Memory out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(StatementRef stmt,
                     db.Prepare("SELECT " + std::string(sqlite::kRowColumns) +
                                std::string(sqlite::kRowFrom) + "WHERE m.id = ?1"));
    stmt->BindText(1, id);
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return NotFound("memory " + id + " not found");
    ASSIGN_OR_RETURN(StoredRow r, sqlite::ReadRow(*stmt));
    if (r.memory.forgotten() && !include_forgotten) {
      return NotFound("memory " + id + " was forgotten");
    }
    out = std::move(r.memory);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Memory>> SqliteStore::History(const std::string& id) {
  std::vector<Memory> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    SqlBuilder b;
    b.Sql("SELECT ").Sql(sqlite::kRowColumns).Sql(sqlite::kRowFrom);
    b.Sql("WHERE m.chain = (SELECT chain FROM memories WHERE id = ")
        .Text(id)
        .Sql(") ORDER BY m.version, m.doc");
    RETURN_IF_ERROR(CollectRows(db, b, out));
    if (out.empty()) return NotFound("memory " + id + " not found");
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Memory>> SqliteStore::List(const ListQuery& q) {
  std::vector<Memory> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(ScopeSet scopes, sqlite::ResolveScopes(db, *scopes_, q.filter));
    if (scopes.none()) return Status::Ok();
    SqlBuilder b = RowQuery(scopes, q.filter, q.filter.include_history,
                            q.filter.include_archived || q.archived_only, q.include_forgotten);
    AppendArchivedOnly(q, b);
    b.Sql(q.oldest_first ? " ORDER BY m.updated_ms, m.id"
                         : " ORDER BY m.updated_ms DESC, m.id DESC");
    b.Sql(" LIMIT ")
        .Int(q.limit > 0 ? q.limit : -1)
        .Sql(" OFFSET ")
        .Int(std::max<int64_t>(0, q.offset));
    return CollectRows(db, b, out);
  }));
  return out;
}

Result<int64_t> SqliteStore::Count(const ListQuery& q) {
  int64_t count = 0;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(ScopeSet scopes, sqlite::ResolveScopes(db, *scopes_, q.filter));
    if (scopes.none()) return Status::Ok();
    if (!q.include_forgotten && !q.archived_only && !sqlite::HasAttributeFilter(q.filter)) {
      ASSIGN_OR_RETURN(count, sqlite::SearchableDocCount(db, scopes, q.filter.include_history,
                                                         q.filter.include_archived));
      return Status::Ok();
    }
    SqlBuilder b;
    b.Sql("SELECT count(*) FROM memories m WHERE 1");
    sqlite::AppendScopeFilter(scopes, b);
    sqlite::AppendHistoryFilter(q.filter.include_history,
                                q.filter.include_archived || q.archived_only, b);
    if (!q.include_forgotten) b.Sql(" AND m.deleted_ms = 0");
    sqlite::AppendAttributeFilter(q.filter, b);
    AppendArchivedOnly(q, b);
    ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(b.sql()));
    b.Bind(*stmt);
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (row) count = stmt->ColumnInt(0);
    return Status::Ok();
  }));
  return count;
}

Result<StoreStats> SqliteStore::Stats(const SearchFilter& filter) {
  StoreStats stats;
  stats.db_bytes = FileBytes(path_) + FileBytes(path_ + "-wal");
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(stats.schema_version, sqlite::SchemaVersion(db));
    ASSIGN_OR_RETURN(ScopeSet scopes, sqlite::ResolveScopes(db, *scopes_, filter));
    if (scopes.none()) return Status::Ok();
    // Counters answer scope and kind filters; tags and dates need the rows.
    const bool by_rows = !filter.tags.empty() || filter.since_ms != 0 || filter.until_ms != 0;
    SqlBuilder b;
    if (by_rows) {
      b.Sql(
          "SELECT m.scope_id, s.workspace, s.project, m.kind, "
          "sum(m.deleted_ms = 0 AND m.status NOT IN (2, 3)), "
          "sum(m.deleted_ms = 0 AND m.status = 2), sum(m.deleted_ms <> 0), min(m.updated_ms), "
          "max(m.updated_ms), sum(m.deleted_ms = 0 AND m.status = 3) FROM memories m JOIN "
          "scopes s USING (scope_id) WHERE 1");
      sqlite::AppendScopeFilter(scopes, b);
      sqlite::AppendAttributeFilter(filter, b);
      b.Sql(" GROUP BY m.scope_id, m.kind");
    } else {
      b.Sql(
          "SELECT m.scope_id, s.workspace, s.project, m.kind, m.live, m.superseded, "
          "m.forgotten, 0, 0, m.archived FROM scope_counts m JOIN scopes s USING (scope_id) "
          "WHERE 1");
      sqlite::AppendScopeFilter(scopes, b);
      if (!filter.kinds.empty()) {
        SearchFilter kinds_only;
        kinds_only.kinds = filter.kinds;
        sqlite::AppendAttributeFilter(kinds_only, b);
      }
    }
    b.Sql(" ORDER BY s.workspace, s.project");
    ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(b.sql()));
    b.Bind(*stmt);
    std::map<Kind, int64_t> kinds;
    std::vector<int64_t> scope_ids;
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      const int64_t scope_id = stmt->ColumnInt(0);
      if (scope_ids.empty() || scope_ids.back() != scope_id) {
        scope_ids.push_back(scope_id);
        ScopeCount& sc = stats.scopes.emplace_back();
        sc.scope = Scope{std::string(stmt->ColumnText(1)), std::string(stmt->ColumnText(2))};
      }
      ScopeCount& sc = stats.scopes.back();
      ASSIGN_OR_RETURN(Kind kind, sqlite::KindFromCode(stmt->ColumnInt(3)));
      const int64_t live = stmt->ColumnInt(4), sup = stmt->ColumnInt(5), gone = stmt->ColumnInt(6);
      sc.live += live;
      sc.superseded += sup;
      sc.forgotten += gone;
      sc.archived += stmt->ColumnInt(9);
      if (live > 0) kinds[kind] += live;
      if (by_rows) {
        const int64_t lo = stmt->ColumnInt(7), hi = stmt->ColumnInt(8);
        if (stats.oldest_ms == 0 || lo < stats.oldest_ms) stats.oldest_ms = lo;
        stats.newest_ms = std::max(stats.newest_ms, hi);
      }
    }
    for (const ScopeCount& sc : stats.scopes) {
      stats.live += sc.live;
      stats.superseded += sc.superseded;
      stats.forgotten += sc.forgotten;
      stats.archived += sc.archived;
    }
    for (const auto& [kind, n] : kinds) stats.by_kind.emplace_back(kind, n);
    if (!by_rows) {
      // Oldest and newest write per scope, each one probe of the (scope_id, updated_ms) index.
      for (int64_t scope_id : scope_ids) {
        for (bool newest : {false, true}) {
          ASSIGN_OR_RETURN(StatementRef stmt,
                           db.Prepare(newest ? "SELECT coalesce(max(updated_ms), 0) FROM memories "
                                               "WHERE scope_id = ?1"
                                             : "SELECT coalesce(min(updated_ms), 0) FROM memories "
                                               "WHERE scope_id = ?1"));
          stmt->BindInt(1, scope_id);
          ASSIGN_OR_RETURN(bool row, stmt->Step());
          const int64_t v = row ? stmt->ColumnInt(0) : 0;
          if (v == 0) continue;
          if (!newest && (stats.oldest_ms == 0 || v < stats.oldest_ms)) stats.oldest_ms = v;
          if (newest) stats.newest_ms = std::max(stats.newest_ms, v);
        }
      }
    }
    return Status::Ok();
  }));
  return stats;
}

Result<std::string> SqliteStore::SearchGeneration(const SearchFilter& filter) {
  std::string out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(ScopeSet scopes, sqlite::ResolveScopes(db, *scopes_, filter));
    // Every write of a memory moves one of these per-scope figures: a new row raises last_doc, a
    // supersession moves live to superseded, a forget moves live to forgotten, an archive or a
    // restore moves between live and archived, a purge lowers a count. One fixed statement,
    // filtered here, so the statement cache holds one entry.
    ASSIGN_OR_RETURN(StatementRef stmt,
                     db.Prepare("SELECT c.scope_id, sum(c.live), sum(c.superseded), "
                                "sum(c.forgotten), s.first_doc, s.last_doc, sum(c.archived) "
                                "FROM scope_counts c JOIN scopes s USING (scope_id) "
                                "GROUP BY c.scope_id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      const int64_t scope_id = stmt->ColumnInt(0);
      if (!scopes.all && !std::binary_search(scopes.ids.begin(), scopes.ids.end(), scope_id)) {
        continue;
      }
      for (int c = 0; c < 7; ++c) {
        out += std::to_string(stmt->ColumnInt(c));
        out += c == 6 ? ';' : ',';
      }
    }
    return Status::Ok();
  }));
  return out;
}

Result<TextResult> SqliteStore::SearchText(const TextQuery& q) {
  TextResult out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(ScopeSet scopes, sqlite::ResolveScopes(db, *scopes_, q.filter));
    ASSIGN_OR_RETURN(out, sqlite::SearchText(db, scopes, q, doc_meta_.get()));
    return Status::Ok();
  }));
  return out;
}

Result<IdentResult> SqliteStore::SearchIdents(const IdentQuery& q) {
  IdentResult out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(ScopeSet scopes, sqlite::ResolveScopes(db, *scopes_, q.filter));
    ASSIGN_OR_RETURN(out, sqlite::SearchIdents(db, scopes, q));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Neighbour>> SqliteStore::SessionNeighbours(const NeighbourQuery& q) {
  std::vector<Neighbour> out;
  if (q.docs.empty() || q.radius <= 0) return out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectSessionNeighbours(db, q));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<RankFact>> SqliteStore::RankFacts(const std::vector<DocId>& docs) {
  std::vector<RankFact> out;
  if (docs.empty()) return out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectRankFacts(db, docs));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Memory>> SqliteStore::Hydrate(const std::vector<DocId>& docs) {
  std::vector<Memory> out;
  out.reserve(docs.size());
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(StatementRef stmt,
                     db.Prepare("SELECT " + std::string(sqlite::kRowColumns) +
                                std::string(sqlite::kRowFrom) + "WHERE m.doc = ?1"));
    for (DocId doc : docs) {
      stmt->BindInt(1, doc);
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (row) {
        ASSIGN_OR_RETURN(StoredRow r, sqlite::ReadRow(*stmt));
        if (!r.memory.forgotten()) out.push_back(std::move(r.memory));
      }
      stmt->Reset();
    }
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::Scan(const SearchFilter& filter, bool include_forgotten,
                         const MemoryVisitor& visit) {
  return ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(ScopeSet scopes, sqlite::ResolveScopes(db, *scopes_, filter));
    if (scopes.none()) return Status::Ok();
    SqlBuilder b = RowQuery(scopes, filter, /*include_history=*/true, /*include_archived=*/true,
                            include_forgotten);
    b.Sql(" ORDER BY m.updated_ms, m.id");  // stored values only: a re-import scans the same
    ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(b.sql()));
    b.Bind(*stmt);
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) return Status::Ok();
      ASSIGN_OR_RETURN(StoredRow r, sqlite::ReadRow(*stmt));
      RETURN_IF_ERROR(visit(r.memory));
    }
  });
}

}  // namespace memex
