#include "service/recall_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

namespace fs = std::filesystem;

const Scope kP{"ws", "p"};
const Scope kQ{"ws", "q"};

class RecallCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-rcache-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    store_ = Open();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<SqliteStore> Open() {
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }
  std::string Put(MemoryService& svc, std::string content, Scope scope = kP) {
    RememberRequest r;
    r.memory.scope = std::move(scope);
    r.memory.content = std::move(content);
    auto res = svc.Remember(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? res->id : "";
  }
  RecallResponse Recall(std::string query, Scope scope = kP) {
    RecallRequest req;
    req.query = std::move(query);
    req.filter.scopes = {std::move(scope)};
    auto r = service_->Recall(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RecallResponse{};
  }

  fs::path dir_;
  Config config_;
  SystemClock clock_;
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
};

TEST_F(RecallCacheTest, RepeatsAreServedUntilTheScopeChanges) {
  Put(*service_, "postgres replication lag alert");
  RecallResponse first = Recall("replication lag");
  EXPECT_FALSE(first.cached);
  ASSERT_EQ(first.hits.size(), 1u);
  RecallResponse again = Recall("replication lag");
  EXPECT_TRUE(again.cached);
  ASSERT_EQ(again.hits.size(), 1u);
  EXPECT_EQ(again.hits[0].memory.id, first.hits[0].memory.id);
  EXPECT_FALSE(Recall("replication").cached);  // another query: another entry

  // A write in another scope leaves this scope's answers alone.
  Put(*service_, "replication in the other scope", kQ);
  EXPECT_TRUE(Recall("replication lag").cached);

  // A new memory in the scope: recomputed, and it is found.
  Put(*service_, "replication lag fixed by raising wal_keep_size");
  RecallResponse after = Recall("replication lag");
  EXPECT_FALSE(after.cached);
  EXPECT_EQ(after.hits.size(), 2u);
}

TEST_F(RecallCacheTest, UpdatesAndForgetsInvalidate) {
  std::string id = Put(*service_, "deploys run on fridays");
  ASSERT_EQ(Recall("deploys").hits.size(), 1u);
  UpdateRequest up;
  up.id = id;
  up.patch.content = "deploys never run on fridays";
  auto updated = service_->Update(up);
  ASSERT_TRUE(updated.ok());
  RecallResponse r = Recall("deploys");
  EXPECT_FALSE(r.cached);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].memory.content, "deploys never run on fridays");
  ASSERT_TRUE(service_->Forget(updated->id, false).ok());
  r = Recall("deploys");
  EXPECT_FALSE(r.cached);
  EXPECT_TRUE(r.hits.empty());
}

TEST_F(RecallCacheTest, WritesFromAnotherConnectionInvalidate) {
  Put(*service_, "the cache key is the query text");
  ASSERT_EQ(Recall("cache key").hits.size(), 1u);
  ASSERT_TRUE(Recall("cache key").cached);
  // Another process on the same file (its own store, connections and service).
  auto other_store = Open();
  MemoryService other(*other_store, config_, clock_, *redactor_);
  Put(other, "a second note about the cache key");
  RecallResponse r = Recall("cache key");
  EXPECT_FALSE(r.cached);
  EXPECT_EQ(r.hits.size(), 2u);
}

TEST_F(RecallCacheTest, KeysDifferInEveryField) {
  RecallRequest a;
  a.query = "x";
  a.filter.scopes = {kP};
  RecallRequest b = a;
  b.filter.scopes = {kQ};
  RecallRequest c = a;
  c.offset = 10;
  RecallRequest d = a;
  d.filter.include_history = true;
  RecallRequest e = a;
  e.query = "x ";
  std::set<std::string> keys = {RecallCache::Key(a, 10), RecallCache::Key(a, 20),
                                RecallCache::Key(b, 10), RecallCache::Key(c, 10),
                                RecallCache::Key(d, 10), RecallCache::Key(e, 10)};
  EXPECT_EQ(keys.size(), 6u);
}

TEST_F(RecallCacheTest, LeastRecentlyUsedGoFirstAndEntriesExpire) {
  RecallCache cache(2, 1000);
  RecallResponse r;
  cache.Put("a", "g", r, 0);
  cache.Put("b", "g", r, 0);
  EXPECT_TRUE(cache.Find("a", "g", 10));  // a is now the most recent
  cache.Put("c", "g", r, 10);
  EXPECT_FALSE(cache.Find("b", "g", 10));
  EXPECT_TRUE(cache.Find("a", "g", 10));
  EXPECT_FALSE(cache.Find("a", "other generation", 10));  // and dropped
  EXPECT_FALSE(cache.Find("a", "g", 10));
  EXPECT_FALSE(cache.Find("c", "g", 2000));  // expired
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(RecallCacheTest, KeepsWithinItsByteBudget) {
  RecallResponse big;
  big.hits.resize(1);
  big.hits[0].memory.content.assign(20000, 'x');
  RecallCache cache(100, 60000, 200000);  // room for about nine such answers
  for (int i = 0; i < 30; ++i) cache.Put("k" + std::to_string(i), "g", big, 0);
  EXPECT_LE(cache.bytes(), 200000u);
  EXPECT_LT(cache.size(), 10u);
  EXPECT_TRUE(cache.Find("k29", "g", 0));  // the newest stay
  RecallResponse huge;
  huge.hits.resize(1);
  huge.hits[0].memory.content.assign(100000, 'x');  // over 1/8 of the budget: not cached
  cache.Put("huge", "g", huge, 0);
  EXPECT_FALSE(cache.Find("huge", "g", 0));
}

}  // namespace
}  // namespace memex
