#include "store/sqlite/link_rows.h"

#include <cmath>
#include <set>

namespace memex::sqlite {
namespace {

Status ValidateLink(const MemoryLink& l) {
  if (l.from_id.empty() || l.to_id.empty()) return InvalidArgument("a link needs both ids");
  if (l.from_id == l.to_id) {
    return InvalidArgument("memory " + l.from_id + " cannot be linked to itself");
  }
  if (!std::isfinite(l.score) || l.score < 0 || l.score > 1) {
    return InvalidArgument("link score must be between 0 and 1, got " + std::to_string(l.score));
  }
  if (l.created_ms < 0) return InvalidArgument("link created_ms must not be negative");
  return Status::Ok();
}

}  // namespace

Status InsertLinks(Connection& db, const std::vector<MemoryLink>& links, int64_t now_ms) {
  for (const MemoryLink& l : links) RETURN_IF_ERROR(ValidateLink(l));
  std::set<std::string> known;
  {
    ASSIGN_OR_RETURN(StatementRef exists, db.Prepare("SELECT 1 FROM memories WHERE id = ?1"));
    for (const MemoryLink& l : links) {
      for (const std::string* id : {&l.from_id, &l.to_id}) {
        if (known.count(*id) != 0) continue;
        exists->BindText(1, *id);
        ASSIGN_OR_RETURN(bool found, exists->Step());
        exists->Reset();
        if (!found) return NotFound("memory " + *id + " not found");
        known.insert(*id);
      }
    }
  }
  ASSIGN_OR_RETURN(StatementRef ins,
                   db.Prepare("INSERT OR IGNORE INTO memory_links(from_id, to_id, kind, score, "
                              "created_ms) VALUES(?1, ?2, ?3, ?4, ?5)"));
  for (const MemoryLink& l : links) {
    ins->BindText(1, l.from_id);
    ins->BindText(2, l.to_id);
    ins->BindText(3, LinkKindName(l.kind));
    ins->BindDouble(4, l.score);
    ins->BindInt(5, l.created_ms != 0 ? l.created_ms : now_ms);
    RETURN_IF_ERROR(ins->Run());
    ins->Reset();
  }
  return Status::Ok();
}

Result<std::vector<MemoryLink>> SelectLinks(Connection& db, const std::string& id) {
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare("SELECT from_id, to_id, kind, score, created_ms FROM memory_links "
                              "WHERE from_id = ?1 UNION SELECT from_id, to_id, kind, score, "
                              "created_ms FROM memory_links WHERE to_id = ?1 "
                              "ORDER BY created_ms, from_id, to_id, kind"));
  stmt->BindText(1, id);
  std::vector<MemoryLink> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    MemoryLink& l = out.emplace_back();
    l.from_id = stmt->ColumnText(0);
    l.to_id = stmt->ColumnText(1);
    Result<LinkKind> kind = ParseLinkKind(stmt->ColumnText(2));
    if (!kind.ok()) return DataLoss("stored link kind: " + kind.status().message());
    l.kind = *kind;
    l.score = stmt->ColumnDouble(3);
    l.created_ms = stmt->ColumnInt(4);
  }
}

Result<std::optional<StoredRow>> SelectChainHead(Connection& db, const std::string& id) {
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare("SELECT " + std::string(kRowColumns) + std::string(kRowFrom) +
                              "WHERE m.chain = (SELECT chain FROM memories WHERE id = ?1) "
                              "ORDER BY m.version DESC, m.doc DESC LIMIT 1"));
  stmt->BindText(1, id);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<StoredRow>();
  ASSIGN_OR_RETURN(StoredRow r, ReadRow(*stmt));
  return std::optional<StoredRow>(std::move(r));
}

}  // namespace memex::sqlite
