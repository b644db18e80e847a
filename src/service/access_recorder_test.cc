#include "service/access_recorder.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_test_util.h"

namespace memex {
namespace {

class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now; }
  int64_t now = 1'700'000'000'000;
};

class AccessRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open(dir_.File("m.db"), StorageConfig{}, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    NewMemory m;
    m.scope = Scope{"w", "p"};
    m.content = "one";
    a_ = store_->Put(m)->id;
    m.content = "two";
    b_ = store_->Put(m)->id;
  }
  int64_t Count(const std::string& id) { return store_->Get(id)->access_count; }

  sqlite::testutil::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<SqliteStore> store_;
  std::string a_, b_;
};

TEST_F(AccessRecorderTest, BatchesUntilTheDelayPasses) {
  AccessRecorder rec(*store_, clock_, {.max_delay_ms = 1000, .max_pending = 100});
  rec.Note({a_, b_});
  clock_.now += 500;
  rec.Note({a_});
  EXPECT_EQ(Count(a_), 0);  // still pending
  clock_.now += 600;        // the batch is now 1.1 s old: this Note writes it
  rec.Note({a_});
  EXPECT_EQ(Count(a_), 3);
  EXPECT_EQ(Count(b_), 1);
  EXPECT_EQ(store_->Get(a_)->last_accessed_ms, clock_.now);
}

TEST_F(AccessRecorderTest, WritesWhenTheBatchIsFull) {
  AccessRecorder rec(*store_, clock_, {.max_delay_ms = 60000, .max_pending = 2});
  rec.Note({a_});
  EXPECT_EQ(Count(a_), 0);
  rec.Note({b_});
  EXPECT_EQ(Count(a_), 1);
  EXPECT_EQ(Count(b_), 1);
}

TEST_F(AccessRecorderTest, DestructionFlushesWhatIsPending) {
  {
    AccessRecorder rec(*store_, clock_, {.max_delay_ms = 60000, .max_pending = 100});
    rec.Note({a_, a_});
    EXPECT_EQ(Count(a_), 0);
  }
  EXPECT_EQ(Count(a_), 2);
}

TEST_F(AccessRecorderTest, UnknownIdsAreSkipped) {
  AccessRecorder rec(*store_, clock_);
  rec.Note({"0198c3e2-0000-7000-8000-000000000000", a_});
  rec.Flush();
  EXPECT_EQ(Count(a_), 1);
}

}  // namespace
}  // namespace memex
