// SQL of what ranking reads besides the search channels: session context
// (Store::SessionNeighbours, the memories written next to a hit in the same scope and session)
// and rank facts (Store::RankFacts). Runs inside the caller's read transaction.
#pragma once

#include <vector>

#include "base/status.h"
#include "core/search.h"
#include "store/sqlite/connection.h"

namespace memex::sqlite {

// For each of q.docs that has a session, its q.radius nearest live neighbours on each side in
// (created_ms, doc) order that q.filter's kinds, tags, dates and history setting let through
// (the scope is the doc's own). Uses the memories_session index (schema version 5).
Result<std::vector<Neighbour>> SelectSessionNeighbours(Connection& db, const NeighbourQuery& q);

// The agent, confidence and status of each live doc of `docs`, in the order of `docs` (rowid
// lookups).
Result<std::vector<RankFact>> SelectRankFacts(Connection& db, const std::vector<DocId>& docs);

}  // namespace memex::sqlite
