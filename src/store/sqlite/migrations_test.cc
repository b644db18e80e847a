#include "store/sqlite/migrations.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_test_util.h"

namespace memex::sqlite {
namespace {

using testutil::TempDir;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Connection>> db = Connection::Open(dir_.File("m.db"), {});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  int64_t Count(const std::string& sql) { return *db_->QueryInt(sql); }

  TempDir dir_;
  FakeClock clock_{1000};
  std::unique_ptr<Connection> db_;
  std::vector<Migration> two_ = {
      {1, "create a", "CREATE TABLE a(x INTEGER)"},
      {2, "create b", "CREATE TABLE b(y INTEGER)"},
  };
};

TEST_F(MigrationsTest, AppliesEachMigrationOnceAndRecordsIt) {
  EXPECT_EQ(*SchemaVersion(*db_), 0);
  ASSERT_TRUE(Migrate(*db_, clock_, two_).ok());
  EXPECT_EQ(*SchemaVersion(*db_), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations"), 2);
  EXPECT_EQ(Count("SELECT applied_ms FROM schema_migrations WHERE version = 2"), 1000);
  clock_.Set(2000);
  ASSERT_TRUE(Migrate(*db_, clock_, two_).ok());  // nothing pending: no-op
  EXPECT_EQ(Count("SELECT max(applied_ms) FROM schema_migrations"), 1000);
  std::vector<Migration> three = two_;
  three.push_back({3, "create c", "CREATE TABLE c(z INTEGER)"});
  ASSERT_TRUE(Migrate(*db_, clock_, three).ok());
  EXPECT_EQ(*SchemaVersion(*db_), 3);
  EXPECT_EQ(Count("SELECT applied_ms FROM schema_migrations WHERE version = 3"), 2000);
}

TEST_F(MigrationsTest, AFailingMigrationLeavesThePreviousVersion) {
  std::vector<Migration> broken = two_;
  broken.push_back({3, "broken", "CREATE TABLE c(z INTEGER); CREATE TABLE a(dup INTEGER)"});
  Status st = Migrate(*db_, clock_, broken);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("migration 3"), std::string::npos) << st.message();
  EXPECT_EQ(*SchemaVersion(*db_), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), 0);  // rolled back
}

TEST_F(MigrationsTest, RefusesNewerSchema) {
  ASSERT_TRUE(Migrate(*db_, clock_, two_).ok());
  std::vector<Migration> one(two_.begin(), two_.begin() + 1);
  Status st = Migrate(*db_, clock_, one);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("schema version 2"), std::string::npos) << st.message();
}

TEST_F(MigrationsTest, RefusesOtherApplicationsDatabases) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE users(id INTEGER)").ok());
  EXPECT_EQ(Migrate(*db_, clock_, two_).code(), StatusCode::kFailedPrecondition);
  Result<std::unique_ptr<Connection>> other = Connection::Open(dir_.File("other.db"), {});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("PRAGMA application_id = 42").ok());
  EXPECT_EQ(Migrate(**other, clock_, two_).code(), StatusCode::kFailedPrecondition);
}

TEST_F(MigrationsTest, StoreMigrationsAreContiguousAndApply) {
  const auto& all = StoreMigrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(all[i].name.empty());
  }
  EXPECT_EQ(LatestSchemaVersion(), all.back().version);
  ASSERT_TRUE(Migrate(*db_, clock_, all).ok());
  EXPECT_EQ(*SchemaVersion(*db_), LatestSchemaVersion());
  EXPECT_EQ(Count("SELECT count(*) FROM sqlite_schema WHERE name = 'search_docs'"), 1);
}

TEST_F(MigrationsTest, UpgradesAVersion1FileToAuthTokens) {
  const auto& all = StoreMigrations();
  ASSERT_GE(all.size(), 2u);
  const std::string path = dir_.File("v1.db");
  {
    Result<std::unique_ptr<Connection>> v1 = Connection::Open(path, {});
    ASSERT_TRUE(v1.ok()) << v1.status().ToString();
    ASSERT_TRUE(Migrate(**v1, clock_, {all.front()}).ok());
    EXPECT_EQ(*SchemaVersion(**v1), 1);
    ASSERT_TRUE((*v1)->Exec("INSERT INTO scopes(workspace, project) VALUES('ws', 'p')").ok());
  }
  Result<std::unique_ptr<Connection>> db = Connection::Open(path, {});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  clock_.Set(5000);
  ASSERT_TRUE(Migrate(**db, clock_, all).ok());
  EXPECT_EQ(*SchemaVersion(**db), LatestSchemaVersion());
  EXPECT_EQ(*(*db)->QueryInt("SELECT applied_ms FROM schema_migrations WHERE version = 2"), 5000);
  EXPECT_EQ(*(*db)->QueryInt("SELECT applied_ms FROM schema_migrations WHERE version = 1"), 1000);
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM scopes WHERE project = 'p'"), 1);  // kept
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM auth_tokens"), 0);
  EXPECT_TRUE((*db)
                  ->Exec("INSERT INTO auth_tokens(id, name, hash, role, created_ms) "
                         "VALUES('i', 'n', 'h', 'read', 1)")
                  .ok());
  EXPECT_FALSE((*db)
                   ->Exec("INSERT INTO auth_tokens(id, name, hash, role, created_ms) "
                          "VALUES('j', 'm', 'g', 'owner', 1)")
                   .ok());  // the role is checked
}

}  // namespace
}  // namespace memex::sqlite
