#include "store/sqlite/scopes.h"

#include <gtest/gtest.h>

namespace memex::sqlite {
namespace {

class ScopesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Connection>> db = Connection::Open(":memory:", {});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Exec("CREATE TABLE scopes(scope_id INTEGER PRIMARY KEY, workspace TEXT, "
                          "project TEXT);"
                          "INSERT INTO scopes VALUES (5, 'ws', 'a'), (9, 'ws', 'b');")
                    .ok());
  }
  std::unique_ptr<Connection> db_;
  ScopeCache cache_;
};

TEST_F(ScopesTest, LooksUpAndCachesIds) {
  EXPECT_FALSE(cache_.Find(Scope{"ws", "a"}));
  Result<std::optional<int64_t>> id = LookupScopeId(*db_, cache_, Scope{"ws", "a"});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(**id, 5);
  EXPECT_EQ(cache_.Find(Scope{"ws", "a"}), 5);
  EXPECT_FALSE(LookupScopeId(*db_, cache_, Scope{"ws", "zz"})->has_value());
  EXPECT_FALSE(cache_.Find(Scope{"ws", "zz"}));  // misses are not cached
}

TEST_F(ScopesTest, ResolvesFilters) {
  SearchFilter f;
  EXPECT_TRUE(ResolveScopes(*db_, cache_, f)->none());
  f.scopes = {Scope{"ws", "b"}, Scope{"ws", "unknown"}, Scope{"ws", "a"}, Scope{"ws", "b"}};
  Result<ScopeSet> set = ResolveScopes(*db_, cache_, f);
  ASSERT_TRUE(set.ok());
  EXPECT_FALSE(set->all);
  EXPECT_EQ(set->ids, (std::vector<int64_t>{5, 9}));
  f.all_scopes = true;
  EXPECT_TRUE(ResolveScopes(*db_, cache_, f)->all);
}

}  // namespace
}  // namespace memex::sqlite
