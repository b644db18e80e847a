#include "store/sqlite/connection.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_test_util.h"

namespace memex::sqlite {
namespace {

using testutil::TempDir;

TEST(SqliteStatusTest, MapsResultCodesToCanonicalCodes) {
  struct Case {
    int rc;
    StatusCode code;
  };
  const Case cases[] = {
      {SQLITE_BUSY, StatusCode::kUnavailable},
      {SQLITE_BUSY_SNAPSHOT, StatusCode::kUnavailable},
      {SQLITE_LOCKED, StatusCode::kUnavailable},
      {SQLITE_READONLY, StatusCode::kFailedPrecondition},
      {SQLITE_READONLY_DIRECTORY, StatusCode::kFailedPrecondition},
      {SQLITE_CANTOPEN, StatusCode::kFailedPrecondition},
      {SQLITE_PERM, StatusCode::kFailedPrecondition},
      {SQLITE_CORRUPT, StatusCode::kDataLoss},
      {SQLITE_NOTADB, StatusCode::kDataLoss},
      {SQLITE_FULL, StatusCode::kResourceExhausted},
      {SQLITE_CONSTRAINT_UNIQUE, StatusCode::kInvalidArgument},
      {SQLITE_IOERR, StatusCode::kInternal},
      {SQLITE_MISUSE, StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    Status st = SqliteStatus(c.rc, nullptr, "/data/memex.db", "ctx");
    EXPECT_EQ(st.code(), c.code) << c.rc;
    EXPECT_EQ(st.message().rfind("ctx: ", 0), 0u) << st.message();
  }
  Status corrupt = SqliteStatus(SQLITE_CORRUPT, nullptr, "/data/memex.db", "read");
  EXPECT_NE(corrupt.message().find("/data/memex.db"), std::string::npos);
  EXPECT_NE(corrupt.message().find("memex doctor"), std::string::npos);
}

TEST(OptionsFromConfigTest, MapsDurabilityToSynchronous) {
  StorageConfig cfg;
  cfg.busy_timeout_ms = 1234;
  cfg.cache_size_mb = 8;
  cfg.mmap_size_mb = 0;
  Result<ConnectionOptions> normal = OptionsFromConfig(cfg);
  ASSERT_TRUE(normal.ok());
  EXPECT_FALSE(normal->synchronous_full);
  EXPECT_EQ(normal->busy_timeout_ms, 1234);
  EXPECT_EQ(normal->cache_size_mb, 8);
  EXPECT_EQ(normal->mmap_size_mb, 0);
  cfg.durability = "full";
  EXPECT_TRUE(OptionsFromConfig(cfg)->synchronous_full);
  cfg.durability = "FULL!";
  EXPECT_EQ(OptionsFromConfig(cfg).status().code(), StatusCode::kInvalidArgument);
}

class ConnectionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> Open(const ConnectionOptions& options = {}) {
    Result<std::unique_ptr<Connection>> db = Connection::Open(dir_.File("t.db"), options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  TempDir dir_;
};

TEST_F(ConnectionTest, AppliesPragmas) {
  ConnectionOptions options;
  options.synchronous_full = true;
  options.busy_timeout_ms = 777;
  options.cache_size_mb = 2;
  auto db = Open(options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->QueryInt("PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(*db->QueryInt("PRAGMA busy_timeout"), 777);
  EXPECT_EQ(*db->QueryInt("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(*db->QueryInt("PRAGMA cache_size"), -2048);
  options.synchronous_full = false;
  auto normal = Open(options);
  EXPECT_EQ(*normal->QueryInt("PRAGMA synchronous"), 1);  // NORMAL
}

TEST_F(ConnectionTest, OpenWithoutCreateFailsOnMissingFile) {
  ConnectionOptions options;
  options.create = false;
  Result<std::unique_ptr<Connection>> db = Connection::Open(dir_.File("missing.db"), options);
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ConnectionTest, CachesStatementsAndIsolatesNestedUse) {
  auto db = Open();
  ASSERT_TRUE(db->Exec("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2), (3);").ok());
  const std::string sql = "SELECT x FROM t WHERE x >= ?1 ORDER BY x";
  Statement* first = nullptr;
  {
    Result<StatementRef> a = db->Prepare(sql);
    ASSERT_TRUE(a.ok());
    first = &**a;
  }
  Result<StatementRef> outer = db->Prepare(sql);
  ASSERT_TRUE(outer.ok());
  EXPECT_EQ(&**outer, first);  // reused from the cache
  (*outer)->BindInt(1, 1);
  int outer_rows = 0;
  while (*(*outer)->Step()) {
    // The same SQL while the outer loop is running gets its own statement.
    Result<StatementRef> inner = db->Prepare(sql);
    ASSERT_TRUE(inner.ok());
    EXPECT_NE(&**inner, first);
    (*inner)->BindInt(1, 3);
    ASSERT_TRUE(*(*inner)->Step());
    EXPECT_EQ((*inner)->ColumnInt(0), 3);
    ++outer_rows;
  }
  EXPECT_EQ(outer_rows, 3);
}

TEST_F(ConnectionTest, ReportsErrorsAsStatus) {
  auto db = Open();
  EXPECT_EQ(db->Prepare("SELEC nonsense").status().code(), StatusCode::kInternal);
  ASSERT_TRUE(db->Exec("CREATE TABLE u(x INTEGER UNIQUE); INSERT INTO u VALUES (1);").ok());
  Status dup = db->Exec("INSERT INTO u VALUES (1)");
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.message().find("UNIQUE"), std::string::npos) << dup.message();
  Result<StatementRef> bad_bind = db->Prepare("SELECT ?1");
  ASSERT_TRUE(bad_bind.ok());
  (*bad_bind)->BindInt(5, 1);  // out of range: reported by the next Step
  EXPECT_FALSE((*bad_bind)->Step().ok());
}

TEST_F(ConnectionTest, TransactionRollsBackUnlessCommitted) {
  auto db = Open();
  ASSERT_TRUE(db->Exec("CREATE TABLE t(x INTEGER)").ok());
  {
    Result<Transaction> txn = Transaction::Begin(*db, Transaction::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM t"), 0);
  {
    Result<Transaction> txn = Transaction::Begin(*db, Transaction::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(txn->Commit().ok());
    EXPECT_FALSE(txn->Commit().ok());  // already finished
  }
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM t"), 1);
}

TEST_F(ConnectionTest, SecondWriterWaitsThenReportsUnavailable) {
  ConnectionOptions options;
  options.busy_timeout_ms = 50;
  auto a = Open(options);
  auto b = Open(options);
  ASSERT_TRUE(a->Exec("PRAGMA journal_mode=WAL; CREATE TABLE t(x INTEGER)").ok());
  Result<Transaction> held = Transaction::Begin(*a, Transaction::Mode::kWrite);
  ASSERT_TRUE(held.ok());
  Result<Transaction> blocked = Transaction::Begin(*b, Transaction::Mode::kWrite);
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable) << blocked.status().ToString();
  // Readers are not blocked by the writer (WAL).
  Result<Transaction> reader = Transaction::Begin(*b, Transaction::Mode::kRead);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*b->QueryInt("SELECT count(*) FROM t"), 0);
}

}  // namespace
}  // namespace memex::sqlite
