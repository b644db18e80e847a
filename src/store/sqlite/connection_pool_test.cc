#include "store/sqlite/connection_pool.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_test_util.h"

namespace memex::sqlite {
namespace {

TEST(ConnectionPoolTest, ReusesIdleConnectionsAndGrowsOnDemand) {
  testutil::TempDir dir;
  { ASSERT_TRUE(Connection::Open(dir.File("p.db"), {}).ok()); }  // create the file
  int setup_calls = 0;
  ConnectionOptions options;
  options.create = false;
  ConnectionPool pool(dir.File("p.db"), options, 1, [&](Connection&) {
    ++setup_calls;
    return Status::Ok();
  });
  Connection* first = nullptr;
  {
    Result<ConnectionPool::Lease> a = pool.Acquire();
    ASSERT_TRUE(a.ok());
    first = &**a;
    // A second lease while the first is held never waits: it opens another connection.
    Result<ConnectionPool::Lease> b = pool.Acquire();
    ASSERT_TRUE(b.ok());
    EXPECT_NE(&**b, first);
  }
  EXPECT_EQ(setup_calls, 2);
  Result<ConnectionPool::Lease> again = pool.Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(setup_calls, 2);  // served from the idle list (max_idle = 1)
}

TEST(ConnectionPoolTest, ReportsOpenErrors) {
  testutil::TempDir dir;
  ConnectionOptions options;
  options.create = false;
  ConnectionPool pool(dir.File("missing.db"), options, 2, nullptr);
  EXPECT_EQ(pool.Acquire().status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace memex::sqlite
