#include "store/sqlite/scopes.h"

#include <algorithm>

namespace memex::sqlite {

std::optional<int64_t> ScopeCache::Find(const Scope& scope) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ids_.find(scope);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void ScopeCache::Add(const Scope& scope, int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  ids_.emplace(scope, id);
}

Result<std::optional<int64_t>> LookupScopeId(Connection& db, ScopeCache& cache,
                                             const Scope& scope) {
  if (auto id = cache.Find(scope)) return id;
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare("SELECT scope_id FROM scopes WHERE workspace = ?1 AND project = ?2"));
  stmt->BindText(1, scope.workspace);
  stmt->BindText(2, scope.project);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<int64_t>();
  int64_t id = stmt->ColumnInt(0);
  cache.Add(scope, id);  // a row visible to a reader is committed
  return std::optional<int64_t>(id);
}

Result<ScopeSet> ResolveScopes(Connection& db, ScopeCache& cache, const SearchFilter& filter) {
  ScopeSet set;
  if (filter.all_scopes) {
    set.all = true;
    return set;
  }
  for (const Scope& scope : filter.scopes) {
    ASSIGN_OR_RETURN(std::optional<int64_t> id, LookupScopeId(db, cache, scope));
    if (id) set.ids.push_back(*id);
  }
  std::sort(set.ids.begin(), set.ids.end());
  set.ids.erase(std::unique(set.ids.begin(), set.ids.end()), set.ids.end());
  return set;
}

}  // namespace memex::sqlite
