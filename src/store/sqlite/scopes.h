// Scope ids of the SQLite store: the `scopes` table maps workspace/project to a small integer
// used in rows, FTS scope tokens and identifier buckets. Ids are never deleted or reused, so a
// committed id can be cached for the life of the process.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "base/status.h"
#include "core/scope.h"
#include "core/search.h"
#include "store/sqlite/connection.h"

namespace memex::sqlite {

// Committed scope ids. Thread-safety: safe for concurrent use.
class ScopeCache {
 public:
  std::optional<int64_t> Find(const Scope& scope) const;
  void Add(const Scope& scope, int64_t id);

 private:
  mutable std::mutex mu_;
  std::map<Scope, int64_t> ids_;  // guarded by mu_
};

// Which scopes a read covers: every scope, or the listed ids (empty = nothing matches).
struct ScopeSet {
  bool all = false;
  std::vector<int64_t> ids;  // ascending, unique; scopes without rows are left out
  bool none() const { return !all && ids.empty(); }
};

// Looks up the id of `scope` on `db` (cache first). nullopt when the scope has never been used.
Result<std::optional<int64_t>> LookupScopeId(Connection& db, ScopeCache& cache, const Scope& scope);

// Resolves the filter's scopes to ids on `db`.
Result<ScopeSet> ResolveScopes(Connection& db, ScopeCache& cache, const SearchFilter& filter);

}  // namespace memex::sqlite
