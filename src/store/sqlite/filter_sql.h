// SQL for SearchFilter conditions, shared by List/Count/Scan/Stats and the search primitives so
// every read applies a filter the same way (core/search.h is the contract).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/search.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/scopes.h"

namespace memex::sqlite {

// SQL text plus the values of its numbered placeholders, which it assigns in order starting at
// `first_index` (so hand-written ?1, ?2 ... can precede the generated ones).
// Thread-safety: not thread-safe (a value type).
class SqlBuilder {
 public:
  explicit SqlBuilder(int first_index = 1) : next_index_(first_index) {}

  SqlBuilder& Sql(std::string_view text);
  SqlBuilder& Int(int64_t value);  // appends "?N"
  SqlBuilder& Text(std::string value);

  const std::string& sql() const { return sql_; }
  // Binds every generated placeholder of `stmt`.
  void Bind(Statement& stmt) const;

 private:
  // Not a std::variant: GCC 12 -O3 reports a false maybe-uninitialized on variant<int, string>.
  struct Arg {
    int index = 0;
    bool is_text = false;
    int64_t number = 0;
    std::string text;
  };
  std::string sql_;
  std::vector<Arg> args_;
  int next_index_;
};

// True when the filter has conditions beyond scope and history (kinds, tags, created_ms bounds).
bool HasAttributeFilter(const SearchFilter& filter);
// Appends " AND ..." for kinds, tags (all required) and created_ms bounds on alias `m`.
void AppendAttributeFilter(const SearchFilter& filter, SqlBuilder& b);
// Appends " AND m.scope_id IN (...)" unless `scopes.all`. Precondition: !scopes.none().
void AppendScopeFilter(const ScopeSet& scopes, SqlBuilder& b);
// Appends " AND m.status <> 2" unless `include_history` and " AND m.status <> 3" unless
// `include_archived` (superseded and archived rows).
void AppendHistoryFilter(bool include_history, bool include_archived, SqlBuilder& b);

}  // namespace memex::sqlite
