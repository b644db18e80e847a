#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_test_util.h"
#include "store/store_contract_test.h"
#include "store/store_hygiene_contract_test.h"
#include "store/store_search_contract_test.h"

namespace memex {
namespace {

using sqlite::testutil::TempDir;
using sqlite::testutil::TempSqliteStore;
using store_contract::StoreContractTest;
using store_contract::StoreFactory;
using store_contract::StoreHygieneTest;

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreFactory{"sqlite", &TempSqliteStore::Make}),
                         store_contract::FactoryName);
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreHygieneTest,
                         ::testing::Values(StoreFactory{"sqlite", &TempSqliteStore::Make}),
                         store_contract::FactoryName);

constexpr int64_t kT0 = 1'700'000'000'000;

// Runs SQL on the file through a separate raw connection (what another tool would see).
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::vector<std::vector<std::string>> RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::vector<std::string>> rows;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(row);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

NewMemory Note(const std::string& content) {
  NewMemory m;
  m.scope = Scope{"ws", "p"};
  m.content = content;
  return m;
}

ListQuery AllOf(const Scope& scope) {
  ListQuery q;
  q.filter.scopes = {scope};
  return q;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<SqliteStore>> OpenStore(const StorageConfig& cfg = StorageConfig{}) {
    return SqliteStore::Open(path_, cfg, clock_);
  }

  TempDir dir_;
  std::string path_ = dir_.File("memex.db");
  FakeClock clock_{kT0};
};

TEST_F(SqliteStoreTest, UsesWalAndRecordsMigrationsOnce) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Put(Note("kept across reopen")).ok());
  }
  EXPECT_EQ(RawQuery(path_, "PRAGMA journal_mode")[0][0], "wal");
  auto rows = RawQuery(path_, "SELECT version, name, applied_ms FROM schema_migrations");
  ASSERT_EQ(rows.size(), static_cast<size_t>(sqlite::LatestSchemaVersion()));
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_FALSE(rows[0][1].empty());
  EXPECT_EQ(rows[0][2], std::to_string(kT0));
  clock_.Advance(60'000);
  auto again = OpenStore();  // re-open: nothing to migrate
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(RawQuery(path_, "SELECT version, name, applied_ms FROM schema_migrations"), rows);
  EXPECT_EQ(*(*again)->Count(AllOf(Scope{"ws", "p"})), 1);
  EXPECT_TRUE((*again)->Check().ok());
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanTheBinary) {
  ASSERT_TRUE(OpenStore().ok());
  RawExec(path_, "INSERT INTO schema_migrations VALUES(999, 'from the future', 0)");
  auto store = OpenStore();
  ASSERT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), std::string::npos) << store.status().message();
}

TEST_F(SqliteStoreTest, RefusesAnotherApplicationsDatabase) {
  RawExec(path_, "CREATE TABLE accounts(id INTEGER PRIMARY KEY)");
  EXPECT_EQ(OpenStore().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, GarbageFileIsDataLoss) {
  std::mt19937 rng(7);
  std::ofstream out(path_, std::ios::binary);
  for (int i = 0; i < 16384; ++i) out.put(static_cast<char>(rng()));
  out.close();
  auto store = OpenStore();
  ASSERT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
  EXPECT_NE(store.status().message().find(path_), std::string::npos);
  EXPECT_NE(store.status().message().find("memex doctor"), std::string::npos);
}

TEST_F(SqliteStoreTest, DamagedPagesAreDataLoss) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store.ok());
    std::vector<NewMemory> batch;
    for (int i = 0; i < 3000; ++i) {
      batch.push_back(Note("memory number " + std::to_string(i) + " with some padding text"));
    }
    ASSERT_TRUE((*store)->PutBatch(batch).ok());
  }  // closing checkpoints the WAL into the main file
  const auto size = std::filesystem::file_size(path_);
  ASSERT_GT(size, 64u * 1024);
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    std::mt19937 rng(3);
    for (uint64_t off = 8192; off + 4096 < size; off += 16384) {
      f.seekp(static_cast<std::streamoff>(off + 100));
      for (int i = 0; i < 2000; ++i) f.put(static_cast<char>(rng()));
    }
  }
  auto store = OpenStore();
  if (!store.ok()) {
    EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
    return;
  }
  Status st = (*store)->Check();
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("memex doctor"), std::string::npos);
}

TEST_F(SqliteStoreTest, UnwritableLocationIsFailedPrecondition) {
  // A "directory" that is a regular file cannot hold a database, even for root.
  { std::ofstream(dir_.File("plain-file")) << "x"; }
  auto store = SqliteStore::Open(dir_.File("plain-file") + "/memex.db", StorageConfig{}, clock_);
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition) << store.status().ToString();
}

// Opens `path` as an unprivileged user and exits 0 when that fails with kFailedPrecondition.
// Root ignores permission bits, so a root test run drops to `nobody` in the death-test child.
[[noreturn]] void OpenUnprivilegedAndExit(const std::string& path) {
  if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) std::_Exit(2);
  FakeClock clock(kT0);
  auto store = SqliteStore::Open(path, StorageConfig{}, clock);
  if (store.status().code() == StatusCode::kFailedPrecondition) std::_Exit(0);
  std::fprintf(stderr, "unexpected: %s\n", store.status().ToString().c_str());
  std::_Exit(1);
}

TEST_F(SqliteStoreTest, ReadOnlyDirectoryAndFileAreFailedPrecondition) {
  ASSERT_TRUE(OpenStore().ok());  // leaves a valid, closed database at path_
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  ASSERT_EQ(chmod(path_.c_str(), 0444), 0);
  EXPECT_EXIT(OpenUnprivilegedAndExit(path_), ::testing::ExitedWithCode(0), "");
  ASSERT_EQ(chmod(path_.c_str(), 0644), 0);
  const std::string ro_dir = dir_.File("ro");
  ASSERT_EQ(mkdir(ro_dir.c_str(), 0555), 0);
  EXPECT_EXIT(OpenUnprivilegedAndExit(ro_dir + "/memex.db"), ::testing::ExitedWithCode(0), "");
  chmod(ro_dir.c_str(), 0755);
}

TEST_F(SqliteStoreTest, RejectsUnknownDurability) {
  StorageConfig cfg;
  cfg.durability = "sometimes";
  EXPECT_EQ(OpenStore(cfg).status().code(), StatusCode::kInvalidArgument);
  cfg.durability = "full";
  EXPECT_TRUE(OpenStore(cfg).ok());
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileWritingAtOnceLoseNothing) {
  auto a = OpenStore();
  auto b = OpenStore();
  ASSERT_TRUE(a.ok() && b.ok());
  constexpr int kPerStore = 500;
  std::atomic<int> failures{0};
  auto writer = [&](SqliteStore* store, const std::string& who) {
    for (int i = 0; i < kPerStore; ++i) {
      Result<PutResult> r = store->Put(Note(who + " wrote item " + std::to_string(i)));
      if (!r.ok() || !r->created) ++failures;
    }
  };
  std::thread ta(writer, a->get(), "a");
  std::thread tb(writer, b->get(), "b");
  ta.join();
  tb.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*(*a)->Count(AllOf(Scope{"ws", "p"})), 2 * kPerStore);
  EXPECT_EQ(*(*b)->Count(AllOf(Scope{"ws", "p"})), 2 * kPerStore);
  TextQuery q;
  q.terms = {"item"};
  q.filter.scopes = {Scope{"ws", "p"}};
  EXPECT_EQ((*b)->SearchText(q)->terms[0].df, 2 * kPerStore);
  EXPECT_TRUE((*a)->Check().ok());
}

TEST_F(SqliteStoreTest, WindowedCandidatesAreTheNewestDocuments) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  std::vector<NewMemory> batch;
  for (int i = 0; i < 30; ++i) batch.push_back(Note("common word entry" + std::to_string(i)));
  ASSERT_TRUE((*store)->PutBatch(batch).ok());
  TextQuery q;
  q.terms = {"common"};
  q.filter.scopes = {Scope{"ws", "p"}};
  q.candidate_cap = 5;
  Result<TextResult> r = (*store)->SearchText(q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->windowed);
  ASSERT_EQ(r->candidates.size(), 5u);
  Result<std::vector<Memory>> rows = (*store)->Hydrate({r->candidates[0].doc});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].content, "common word entry29");
  for (size_t i = 1; i < r->candidates.size(); ++i) {
    EXPECT_LT(r->candidates[i].doc, r->candidates[i - 1].doc);
  }
  EXPECT_TRUE(r->terms[0].estimated);
  EXPECT_GE(r->terms[0].df, 6);
  EXPECT_LE(r->terms[0].df, 30);
}

TEST_F(SqliteStoreTest, StatsCountTheWalFile) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Note("something")).ok());
  const auto wal = std::filesystem::file_size(path_ + "-wal");
  EXPECT_GT(wal, 0u);
  SearchFilter all;
  all.all_scopes = true;
  EXPECT_GE((*store)->Stats(all)->db_bytes,
            static_cast<int64_t>(std::filesystem::file_size(path_) + wal));
}

TEST_F(SqliteStoreTest, ForgottenRowsLeaveTheFullTextIndex) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  Result<PutResult> a = (*store)->Put(Note("ephemeral marmalade"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*store)->Forget(a->id, false).ok());
  // The contentless table really dropped the postings (not just filtered at query time).
  auto rows = RawQuery(path_,
                       "SELECT count(*) FROM memories_fts_1 WHERE memories_fts_1 MATCH "
                       "'marmalade'");
  EXPECT_EQ(rows[0][0], "0");
  EXPECT_TRUE((*store)->Check().ok());
}

}  // namespace
}  // namespace memex
