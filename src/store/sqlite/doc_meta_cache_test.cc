#include "store/sqlite/doc_meta_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace memex::sqlite {
namespace {

TEST(DocMetaCacheTest, RemembersWhatWasPut) {
  DocMetaCache cache;
  DocMetaCache::Meta m;
  EXPECT_FALSE(cache.Find(1, &m));
  cache.Put(1, {1700000000000, 42});
  cache.Put(5000, {-5, 0});  // another chunk; negative times are real values
  ASSERT_TRUE(cache.Find(1, &m));
  EXPECT_EQ(m.updated_ms, 1700000000000);
  EXPECT_EQ(m.doc_len, 42);
  ASSERT_TRUE(cache.Find(5000, &m));
  EXPECT_EQ(m.updated_ms, -5);
  EXPECT_FALSE(cache.Find(2, &m));
  EXPECT_FALSE(cache.Find(4999, &m));
}

TEST(DocMetaCacheTest, IgnoresDocumentsOutsideItsRange) {
  DocMetaCache cache;
  DocMetaCache::Meta m;
  cache.Put(-1, {1, 1});
  cache.Put(int64_t{1} << 40, {1, 1});
  EXPECT_FALSE(cache.Find(-1, &m));
  EXPECT_FALSE(cache.Find(int64_t{1} << 40, &m));
}

TEST(DocMetaCacheTest, ConcurrentPutsAndFindsAgree) {
  DocMetaCache cache;
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int64_t d = 0; d < 20000; ++d) {
        // Every thread writes the same values, as every reader of one database would.
        cache.Put(d, {d * 10, static_cast<int32_t>(d % 97)});
        DocMetaCache::Meta m;
        const int64_t probe = (d * 7 + t) % 20000;
        if (cache.Find(probe, &m)) {
          EXPECT_EQ(m.updated_ms, probe * 10);
          EXPECT_EQ(m.doc_len, probe % 97);
        }
      }
    });
  }
  threads.clear();
  DocMetaCache::Meta m;
  for (int64_t d = 0; d < 20000; ++d) {
    ASSERT_TRUE(cache.Find(d, &m));
    EXPECT_EQ(m.updated_ms, d * 10);
  }
}

}  // namespace
}  // namespace memex::sqlite
