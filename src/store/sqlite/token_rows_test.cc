#include "store/sqlite/token_rows.h"

#include <gtest/gtest.h>

#include <atomic>

#include "store/sqlite/sqlite_test_util.h"
#include "store/store_token_contract_test.h"

namespace memex {
namespace {

using store_token_contract::StoreTokenContractTest;
using store_token_contract::TokenStoreFactory;

// A SqliteStore on a fresh file. The files share one directory that lives for the whole test
// binary (a test's store is destroyed long before it is removed).
std::unique_ptr<Store> MakeSqliteStore(const Clock& clock) {
  static sqlite::testutil::TempDir dir;
  static std::atomic<int> next{0};
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(
      dir.File("tokens-" + std::to_string(next++) + ".db"), StorageConfig{}, clock);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTokenContractTest,
                         ::testing::Values(TokenStoreFactory{"sqlite", &MakeSqliteStore}),
                         store_token_contract::FactoryName);

TEST(TokenRows, ScopesColumnRoundTripsAndRejectsGarbage) {
  for (const std::vector<std::string>& scopes :
       {std::vector<std::string>{}, std::vector<std::string>{"*"},
        std::vector<std::string>{"acme/*", "b/c"}}) {
    Result<std::vector<std::string>> back =
        sqlite::DecodeTokenScopes(sqlite::EncodeTokenScopes(scopes));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, scopes);
  }
  EXPECT_EQ(sqlite::EncodeTokenScopes({"a/*"}), R"(["a/*"])");
  for (const char* bad : {"", "{}", "[1]", "[\"a\"", "null"}) {
    EXPECT_EQ(sqlite::DecodeTokenScopes(bad).status().code(), StatusCode::kDataLoss) << bad;
  }
}

}  // namespace
}  // namespace memex
