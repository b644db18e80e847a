#include "store/sqlite/context_rows.h"

#include <string>

#include "store/sqlite/filter_sql.h"

namespace memex::sqlite {
namespace {

struct Anchor {
  int64_t scope_id = 0;
  std::string session;
  int64_t created_ms = 0;
  bool asks = false;
};

// One side of a doc's session: ?1 scope, ?2 session, ?3 created_ms, ?4 doc, ?5 radius.
std::string SideSql(const SearchFilter& filter, bool before, SqlBuilder& b) {
  b.Sql(
      "SELECT m.doc, m.updated_ms FROM memories m INDEXED BY memories_session "
      "WHERE m.scope_id = ?1 AND m.session = ?2 AND m.session <> '' AND m.deleted_ms = 0 AND ");
  b.Sql(before ? "(m.created_ms < ?3 OR (m.created_ms = ?3 AND m.doc < ?4))"
               : "(m.created_ms > ?3 OR (m.created_ms = ?3 AND m.doc > ?4))");
  AppendHistoryFilter(filter.include_history, filter.include_archived, b);
  AppendAttributeFilter(filter, b);
  b.Sql(before ? " ORDER BY m.created_ms DESC, m.doc DESC LIMIT ?5"
               : " ORDER BY m.created_ms ASC, m.doc ASC LIMIT ?5");
  return b.sql();
}

}  // namespace

Result<std::vector<Neighbour>> SelectSessionNeighbours(Connection& db, const NeighbourQuery& q) {
  std::vector<Neighbour> out;
  if (q.docs.empty() || q.radius <= 0) return out;
  ASSIGN_OR_RETURN(StatementRef anchor,
                   db.Prepare("SELECT scope_id, session, created_ms, instr(content, '?') > 0 "
                              "FROM memories WHERE doc = ?1"));
  SqlBuilder before_sql(6), after_sql(6);
  SideSql(q.filter, true, before_sql);
  SideSql(q.filter, false, after_sql);
  ASSIGN_OR_RETURN(StatementRef before, db.Prepare(before_sql.sql()));
  ASSIGN_OR_RETURN(StatementRef after, db.Prepare(after_sql.sql()));
  for (DocId doc : q.docs) {
    anchor->BindInt(1, doc);
    ASSIGN_OR_RETURN(bool found, anchor->Step());
    if (!found) {
      anchor->Reset();
      continue;
    }
    Anchor a{anchor->ColumnInt(0), std::string(anchor->ColumnText(1)), anchor->ColumnInt(2),
             anchor->ColumnInt(3) != 0};
    anchor->Reset();
    if (a.session.empty()) continue;
    for (auto [side, sql] : {std::pair{&*before, &before_sql}, std::pair{&*after, &after_sql}}) {
      sql->Bind(*side);  // Reset() clears bindings: the filter's values too
      side->BindInt(1, a.scope_id);
      side->BindText(2, a.session);
      side->BindInt(3, a.created_ms);
      side->BindInt(4, doc);
      side->BindInt(5, q.radius);
      int distance = 0;
      for (;;) {
        ASSIGN_OR_RETURN(bool row, side->Step());
        if (!row) break;
        out.push_back(
            {side->ColumnInt(0), doc, ++distance, side->ColumnInt(1), side == &*after, a.asks});
      }
      side->Reset();
    }
  }
  return out;
}

Result<std::vector<RankFact>> SelectRankFacts(Connection& db, const std::vector<DocId>& docs) {
  std::vector<RankFact> out;
  out.reserve(docs.size());
  ASSIGN_OR_RETURN(StatementRef row,
                   db.Prepare("SELECT agent, confidence, status, content FROM memories "
                              "WHERE doc = ?1 AND deleted_ms = 0"));
  for (DocId doc : docs) {
    row->BindInt(1, doc);
    ASSIGN_OR_RETURN(bool found, row->Step());
    if (found) {
      const int64_t status = row->ColumnInt(2);
      out.push_back(
          {doc, std::string(row->ColumnText(0)), row->ColumnDouble(1),
           status >= 0 && status <= 3 ? static_cast<MemoryStatus>(status) : MemoryStatus::kActive,
           std::string(row->ColumnText(3))});
    }
    row->Reset();
  }
  return out;
}

}  // namespace memex::sqlite
