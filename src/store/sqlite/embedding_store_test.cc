// SqliteStore as an EmbeddingStore: the contract suite, plus what only the SQLite engine has
// (migration from schema v3, vectors written by one process read by another).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/embedding_store_contract_test.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_test_util.h"

namespace memex {
namespace {

using embedding_store_contract::EmbeddingStoreContractTest;
using embedding_store_contract::EmbeddingStoreFactory;
using embedding_store_contract::Stores;
using sqlite::testutil::TempDir;

struct OwnedStore {
  TempDir dir;
  std::unique_ptr<SqliteStore> store;
};

Stores MakeStores(const Clock& clock) {
  auto owner = std::make_shared<OwnedStore>();
  Result<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(owner->dir.File("memex.db"), StorageConfig{}, clock);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  owner->store = std::move(store).value();
  SqliteStore* s = owner->store.get();
  return Stores{owner, s, s};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, EmbeddingStoreContractTest,
                         ::testing::Values(EmbeddingStoreFactory{"sqlite", &MakeStores}),
                         embedding_store_contract::FactoryName);

TEST(SqliteEmbeddingStoreTest, AnotherProcessSeesVectorsAndTheirEpoch) {
  TempDir dir;
  FakeClock clock(1'700'000'000'000);
  auto a = SqliteStore::Open(dir.File("memex.db"), StorageConfig{}, clock);
  auto b = SqliteStore::Open(dir.File("memex.db"), StorageConfig{}, clock);
  ASSERT_TRUE(a.ok() && b.ok());
  NewMemory m;
  m.scope = Scope{"ws", "p"};
  m.content = "shared";
  ASSERT_TRUE((*a)->Put(m).ok());
  auto pending = (*b)->PendingEmbeddings("m", 0, 0);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  ASSERT_TRUE((*b)->PutEmbeddings("m", 2, {{(*pending)[0].doc, 0, {0.6f, 0.8f}}}).ok());
  auto page = (*a)->ReadEmbeddings("m", 0, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->vectors.size(), 1u);
  EXPECT_EQ(page->vectors[0].vec, (std::vector<float>{0.6f, 0.8f}));
  ASSERT_TRUE((*a)->DropEmbeddings("m").ok());
  EXPECT_GT((*b)->ReadEmbeddings("m", 0, 0)->epoch, page->epoch);
}

TEST(SqliteEmbeddingStoreTest, SchemaIsAtVersionFourWithTheVectorTables) {
  TempDir dir;
  FakeClock clock(1'700'000'000'000);
  auto s = SqliteStore::Open(dir.File("memex.db"), StorageConfig{}, clock);
  ASSERT_TRUE(s.ok());
  EXPECT_GE(sqlite::LatestSchemaVersion(), 4);
  auto db = sqlite::Connection::Open(dir.File("memex.db"), sqlite::ConnectionOptions{});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM sqlite_schema WHERE name IN "
                             "('embeddings', 'embedding_models')"),
            2);
}

}  // namespace
}  // namespace memex
