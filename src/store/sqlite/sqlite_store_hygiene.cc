// SqliteStore's hygiene methods (links, archiving): transactions around store/sqlite/link_rows.cc
// and RowWriter::SetArchived.

#include <optional>

#include "store/sqlite/link_rows.h"
#include "store/sqlite/row_writer.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {

using sqlite::Connection;
using sqlite::RowWriter;
using sqlite::StoredRow;

Status SqliteStore::AddLinks(const std::vector<MemoryLink>& links) {
  if (links.empty()) return Status::Ok();
  return WriteTxn([&](RowWriter& w) { return sqlite::InsertLinks(w.db(), links, clock_.NowMs()); });
}

Result<std::vector<MemoryLink>> SqliteStore::Links(const std::string& id) {
  std::vector<MemoryLink> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectLinks(db, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<std::string>> SqliteStore::SetArchived(const std::vector<std::string>& ids,
                                                          bool archived) {
  std::vector<std::string> changed;
  if (ids.empty()) return changed;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    changed.clear();
    const int64_t now_ms = clock_.NowMs();
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(std::optional<StoredRow> head, sqlite::SelectChainHead(w.db(), id));
      if (!head || head->memory.forgotten() || head->superseded()) continue;
      if (head->archived() == archived) continue;
      RETURN_IF_ERROR(w.SetArchived(*head, archived, now_ms));
      changed.push_back(head->memory.id);
    }
    return Status::Ok();
  }));
  return changed;
}

}  // namespace memex
