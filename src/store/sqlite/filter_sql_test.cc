#include "store/sqlite/filter_sql.h"

#include <gtest/gtest.h>

namespace memex::sqlite {
namespace {

TEST(SqlBuilderTest, NumbersPlaceholdersFromTheFirstIndex) {
  SqlBuilder b(3);
  b.Sql("SELECT ").Int(7).Sql(", ").Text("x").Sql(", ").Int(-1);
  EXPECT_EQ(b.sql(), "SELECT ?3, ?4, ?5");
  Result<std::unique_ptr<Connection>> db = Connection::Open(":memory:", {});
  ASSERT_TRUE(db.ok());
  Result<StatementRef> stmt = (*db)->Prepare("SELECT ?1, ?2, " + b.sql().substr(7));
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  (*stmt)->BindInt(1, 1);
  (*stmt)->BindInt(2, 2);
  b.Bind(**stmt);
  ASSERT_TRUE(*(*stmt)->Step());
  EXPECT_EQ((*stmt)->ColumnInt(2), 7);
  EXPECT_EQ((*stmt)->ColumnText(3), "x");
  EXPECT_EQ((*stmt)->ColumnInt(4), -1);
}

TEST(FilterSqlTest, AttributeFilter) {
  SearchFilter f;
  EXPECT_FALSE(HasAttributeFilter(f));
  SqlBuilder none;
  AppendAttributeFilter(f, none);
  EXPECT_EQ(none.sql(), "");
  f.kinds = {Kind::kFact, Kind::kLesson};
  f.tags = {"B", "a", "a"};
  f.since_ms = 10;
  f.until_ms = 20;
  EXPECT_TRUE(HasAttributeFilter(f));
  SqlBuilder b;
  AppendAttributeFilter(f, b);
  EXPECT_EQ(b.sql(),
            " AND m.kind IN (?1, ?2)"
            " AND EXISTS(SELECT 1 FROM memory_tags t WHERE t.tag = ?3 AND t.doc = m.doc)"
            " AND EXISTS(SELECT 1 FROM memory_tags t WHERE t.tag = ?4 AND t.doc = m.doc)"
            " AND m.created_ms >= ?5 AND m.created_ms < ?6");
}

TEST(FilterSqlTest, ScopeAndHistoryFilters) {
  SqlBuilder one;
  AppendScopeFilter(ScopeSet{false, {4}}, one);
  EXPECT_EQ(one.sql(), " AND m.scope_id = ?1");
  SqlBuilder many;
  AppendScopeFilter(ScopeSet{false, {1, 2}}, many);
  EXPECT_EQ(many.sql(), " AND m.scope_id IN (?1, ?2)");
  SqlBuilder all;
  AppendScopeFilter(ScopeSet{true, {}}, all);
  EXPECT_EQ(all.sql(), "");
  SqlBuilder hist;
  AppendHistoryFilter(false, true, hist);
  EXPECT_EQ(hist.sql(), " AND m.status <> 2");
  SqlBuilder with_hist;
  AppendHistoryFilter(true, true, with_hist);
  EXPECT_EQ(with_hist.sql(), "");
  SqlBuilder current;
  AppendHistoryFilter(false, false, current);
  EXPECT_EQ(current.sql(), " AND m.status <> 2 AND m.status <> 3");
  SqlBuilder no_archive;
  AppendHistoryFilter(true, false, no_archive);
  EXPECT_EQ(no_archive.sql(), " AND m.status <> 3");
}

}  // namespace
}  // namespace memex::sqlite
