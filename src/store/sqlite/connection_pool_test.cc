#include "store/sqlite/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

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

TEST(ConnectionPoolTest, BoundsActiveLeasesAcrossThreads) {
  testutil::TempDir dir;
  { ASSERT_TRUE(Connection::Open(dir.File("p.db"), {}).ok()); }
  ConnectionOptions options;
  options.create = false;
  ConnectionPool pool(dir.File("p.db"), options, 1, nullptr);
  std::atomic<bool> second_got_it{false};
  std::optional<ConnectionPool::Lease> held;
  {
    Result<ConnectionPool::Lease> a = pool.Acquire();
    ASSERT_TRUE(a.ok());
    held.emplace(std::move(a).value());
  }
  std::thread other([&] {
    Result<ConnectionPool::Lease> b = pool.Acquire();  // waits: the one slot is leased
    second_got_it = b.ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(second_got_it.load());
  held.reset();  // returning the lease wakes the waiter
  other.join();
  EXPECT_TRUE(second_got_it.load());
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST(ConnectionPoolTest, SurplusConnectionsOfNestedLeasesAreClosed) {
  testutil::TempDir dir;
  { ASSERT_TRUE(Connection::Open(dir.File("p.db"), {}).ok()); }
  ConnectionOptions options;
  options.create = false;
  ConnectionPool pool(dir.File("p.db"), options, 1, nullptr);
  {
    Result<ConnectionPool::Lease> a = pool.Acquire();
    Result<ConnectionPool::Lease> b = pool.Acquire();  // nested on this thread: no wait
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(pool.open_count(), 2u);
  }
  EXPECT_EQ(pool.open_count(), 1u);
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
