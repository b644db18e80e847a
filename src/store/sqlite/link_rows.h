// The memory_links table (migration v6) and the row lookup behind archiving: the SQL of
// SqliteStore's hygiene methods (sqlite_store_hygiene.cc). Each function runs on a connection the
// caller has already put inside a transaction (write for the mutations); contracts as the
// matching methods of store/store.h.
//
// Thread-safety: as the Connection passed in (one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/link.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/row_codec.h"

namespace memex::sqlite {

// Store::AddLinks without the transaction: validates every link first (kInvalidArgument for
// from == to or a score outside 0..1, kNotFound naming an unknown id), then inserts; a link
// already recorded is kept as it is. created_ms 0 becomes `now_ms`.
Status InsertLinks(Connection& db, const std::vector<MemoryLink>& links, int64_t now_ms);
// Store::Links: every link from or to `id`, oldest first.
Result<std::vector<MemoryLink>> SelectLinks(Connection& db, const std::string& id);

// The newest version of the chain `id` belongs to (any version's id), or nullopt when unknown.
Result<std::optional<StoredRow>> SelectChainHead(Connection& db, const std::string& id);

}  // namespace memex::sqlite
