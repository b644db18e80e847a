#include "store/sqlite/filter_sql.h"

#include "core/memory.h"
#include "store/sqlite/row_codec.h"

namespace memex::sqlite {

SqlBuilder& SqlBuilder::Sql(std::string_view text) {
  sql_ += text;
  return *this;
}

SqlBuilder& SqlBuilder::Int(int64_t value) {
  sql_ += '?';
  sql_ += std::to_string(next_index_);
  Arg& arg = args_.emplace_back();
  arg.index = next_index_++;
  arg.number = value;
  return *this;
}

SqlBuilder& SqlBuilder::Text(std::string value) {
  sql_ += '?';
  sql_ += std::to_string(next_index_);
  Arg& arg = args_.emplace_back();
  arg.index = next_index_++;
  arg.is_text = true;
  arg.text = std::move(value);
  return *this;
}

void SqlBuilder::Bind(Statement& stmt) const {
  for (const Arg& arg : args_) {
    if (arg.is_text) {
      stmt.BindText(arg.index, arg.text);
    } else {
      stmt.BindInt(arg.index, arg.number);
    }
  }
}

bool HasAttributeFilter(const SearchFilter& f) {
  return !f.kinds.empty() || !f.tags.empty() || f.since_ms != 0 || f.until_ms != 0;
}

void AppendAttributeFilter(const SearchFilter& f, SqlBuilder& b) {
  if (!f.kinds.empty()) {
    b.Sql(" AND m.kind IN (");
    for (size_t i = 0; i < f.kinds.size(); ++i) {
      if (i != 0) b.Sql(", ");
      b.Int(KindToCode(f.kinds[i]));
    }
    b.Sql(")");
  }
  for (const std::string& tag : NormalizeTags(f.tags)) {
    b.Sql(" AND EXISTS(SELECT 1 FROM memory_tags t WHERE t.tag = ")
        .Text(tag)
        .Sql(" AND t.doc = m.doc)");
  }
  if (f.since_ms != 0) b.Sql(" AND m.created_ms >= ").Int(f.since_ms);
  if (f.until_ms != 0) b.Sql(" AND m.created_ms < ").Int(f.until_ms);
}

void AppendScopeFilter(const ScopeSet& scopes, SqlBuilder& b) {
  if (scopes.all) return;
  if (scopes.ids.size() == 1) {
    b.Sql(" AND m.scope_id = ").Int(scopes.ids[0]);
    return;
  }
  b.Sql(" AND m.scope_id IN (");
  for (size_t i = 0; i < scopes.ids.size(); ++i) {
    if (i != 0) b.Sql(", ");
    b.Int(scopes.ids[i]);
  }
  b.Sql(")");
}

void AppendHistoryFilter(bool include_history, bool include_archived, SqlBuilder& b) {
  if (!include_history) b.Sql(" AND m.status <> 2");
  if (!include_archived) b.Sql(" AND m.status <> 3");
}

}  // namespace memex::sqlite
