#include "vector/vector_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "vector/test_data.h"

namespace memex {
namespace {

using testing::BruteForce;
using testing::Recall;

constexpr int kDim = 32;

VectorConfig Config(int threshold, const std::string& quantize = "none") {
  VectorConfig c;
  c.hnsw_threshold = threshold;
  c.quantize = quantize;
  return c;
}

// An index with keys 1000, 1003, 1006... (never dense, never starting at 0).
struct Fixture {
  Fixture(size_t n, int dim, const VectorConfig& config, uint32_t seed = 7)
      : dim(dim), index(dim, config), vecs(testing::Clustered(n, dim, 20, 0.8f, seed)) {
    keys.resize(n);
    for (size_t i = 0; i < n; ++i) keys[i] = 1000 + 3 * static_cast<int64_t>(i);
    EXPECT_TRUE(index.AddBatch(keys.data(), vecs.data(), n).ok());
  }
  const float* row(size_t i) const { return vecs.data() + i * dim; }
  int dim;
  VectorIndex index;
  std::vector<int64_t> keys;
  std::vector<float> vecs;
};

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("memex_vector_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

void ExpectSortedBestFirst(const std::vector<VectorHit>& hits) {
  for (size_t i = 1; i < hits.size(); ++i) {
    EXPECT_TRUE(hits[i - 1].score > hits[i].score ||
                (hits[i - 1].score == hits[i].score && hits[i - 1].key < hits[i].key));
  }
}

// The three ways the index can answer: exact float scan, exact int8 scan, HNSW graph.
struct Mode {
  const char* name;
  int threshold;
  const char* quantize;
};
constexpr Mode kModes[] = {
    {"exact", 1 << 30, "none"}, {"int8", 1 << 30, "int8"}, {"hnsw", 200, "none"}};

TEST(VectorIndexTest, EmptyIndexAnswersNothing) {
  VectorIndex index(kDim, Config(100));
  std::vector<float> q(kDim, 0.1f);
  EXPECT_TRUE(index.Search(q.data(), {}).empty());
  EXPECT_EQ(index.size(), 0);
  EXPECT_FALSE(index.Contains(1));
  index.Remove(1);  // absent: no-op
}

TEST(VectorIndexTest, ExactScanEqualsBruteForce) {
  for (int dim : {kDim, 384, 768, 1536}) {
    Fixture f(600, dim, Config(1 << 30));
    EXPECT_FALSE(f.index.uses_hnsw());
    for (int q = 0; q < 20; ++q) {
      VectorSearchOptions opts;
      opts.k = 25;
      const auto got = f.index.Search(f.row(q * 7), opts);
      const auto want = BruteForce(f.keys, f.vecs, dim, f.row(q * 7), 25);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].key, want[i].key) << "dim " << dim << " rank " << i;
        EXPECT_NEAR(got[i].score, want[i].score, 1e-5);
      }
      EXPECT_EQ(got[0].key, f.keys[q * 7]);  // a stored vector finds itself first
    }
  }
}

TEST(VectorIndexTest, TiesGoToTheSmallerKey) {
  VectorIndex index(4, Config(1 << 30));
  const float v[4] = {1, 0, 0, 0};
  for (int64_t key : {50, 7, 30, 9}) ASSERT_TRUE(index.Add(key, v).ok());
  VectorSearchOptions opts;
  opts.k = 3;
  const auto hits = index.Search(v, opts);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].key, 7);
  EXPECT_EQ(hits[1].key, 9);
  EXPECT_EQ(hits[2].key, 30);
}

TEST(VectorIndexTest, Int8ScanMatchesFloatOrdering) {
  Fixture f(3000, 128, Config(1 << 30, "int8"));
  double recall = 0;
  for (int q = 0; q < 30; ++q) {
    VectorSearchOptions opts;
    opts.k = 10;
    const auto got = f.index.Search(f.row(q), opts);
    const auto want = BruteForce(f.keys, f.vecs, 128, f.row(q), 10);
    recall += Recall(got, want);
    ExpectSortedBestFirst(got);
    // Scores are float rescored, not approximations.
    for (const auto& h : got) {
      for (const auto& w : want) {
        if (w.key == h.key) {
          EXPECT_NEAR(h.score, w.score, 1e-5);
        }
      }
    }
  }
  EXPECT_GE(recall / 30, 0.99);
}

TEST(VectorIndexTest, GraphIsBuiltWhenCrossingTheThreshold) {
  VectorIndex index(kDim, Config(100));
  const auto vecs = testing::RandomUnit(150, kDim, 3);
  for (int i = 0; i < 150; ++i) {
    ASSERT_TRUE(index.Add(i, vecs.data() + i * kDim).ok());
    EXPECT_EQ(index.uses_hnsw(), i + 1 > 100) << i;
  }
  EXPECT_EQ(index.size(), 150);
  VectorSearchOptions opts;
  opts.k = 1;
  for (int i = 0; i < 150; i += 10) {
    const auto hits = index.Search(vecs.data() + i * kDim, opts);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].key, i);
    EXPECT_NEAR(hits[0].score, 1.0f, 1e-5);
  }
  const VectorIndexStats st = index.stats();
  EXPECT_TRUE(st.hnsw);
  EXPECT_EQ(st.size, 150);
  EXPECT_EQ(st.deleted, 0);
  EXPECT_GT(st.memory_bytes, 150u * kDim * sizeof(float));
}

TEST(VectorIndexTest, AddBatchKeepsTheLastRowOfARepeatedKey) {
  for (const Mode& m : kModes) {
    VectorIndex index(kDim, Config(m.threshold, m.quantize));
    const auto vecs = testing::RandomUnit(400, kDim, 4);
    std::vector<int64_t> keys(400);
    for (int i = 0; i < 400; ++i) keys[i] = i % 300;  // keys 0..99 twice
    ASSERT_TRUE(index.AddBatch(keys.data(), vecs.data(), 400).ok());
    EXPECT_EQ(index.size(), 300) << m.name;
    VectorSearchOptions opts;
    opts.k = 1;
    const auto hits = index.Search(vecs.data() + 350 * kDim, opts);  // key 50's second row
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].key, 50) << m.name;
    EXPECT_NEAR(hits[0].score, 1.0f, 1e-4) << m.name;
  }
}

TEST(VectorIndexTest, AddReplacesAKeysVector) {
  for (const Mode& m : kModes) {
    Fixture f(500, kDim, Config(m.threshold, m.quantize));
    const auto fresh = testing::RandomUnit(1, kDim, 99);
    const int64_t key = f.keys[42];
    ASSERT_TRUE(f.index.Add(key, fresh.data()).ok());
    EXPECT_EQ(f.index.size(), 500) << m.name;
    VectorSearchOptions opts;
    opts.k = 1;
    auto hits = f.index.Search(fresh.data(), opts);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].key, key) << m.name;
    EXPECT_NEAR(hits[0].score, 1.0f, 1e-4);
    opts.k = 5;
    for (const auto& h : f.index.Search(f.row(42), opts)) {
      if (h.key == key) {
        EXPECT_LT(h.score, 0.9f) << m.name;  // the old vector is gone
      }
    }
  }
}

TEST(VectorIndexTest, RemovedKeysAreNeverReturned) {
  for (const Mode& m : kModes) {
    Fixture f(800, kDim, Config(m.threshold, m.quantize));
    std::set<int64_t> removed;
    for (size_t i = 0; i < 800; i += 5) {
      f.index.Remove(f.keys[i]);
      removed.insert(f.keys[i]);
    }
    EXPECT_EQ(f.index.size(), 800 - static_cast<int64_t>(removed.size())) << m.name;
    EXPECT_FALSE(f.index.Contains(f.keys[0]));
    EXPECT_TRUE(f.index.Contains(f.keys[1]));
    for (size_t i = 0; i < 800; i += 5) {
      VectorSearchOptions opts;
      opts.k = 20;
      const auto hits = f.index.Search(f.row(i), opts);  // a removed vector as the query
      EXPECT_EQ(hits.size(), 20u) << m.name;
      for (const auto& h : hits) EXPECT_EQ(removed.count(h.key), 0u) << m.name << " " << h.key;
    }
    // Removed then added back: found again.
    ASSERT_TRUE(f.index.Add(f.keys[5], f.row(5)).ok());
    VectorSearchOptions opts;
    opts.k = 1;
    EXPECT_EQ(f.index.Search(f.row(5), opts).at(0).key, f.keys[5]) << m.name;
    if (std::string(m.name) == "hnsw") {  // the key added back took one of the removed slots
      EXPECT_EQ(f.index.stats().deleted, static_cast<int64_t>(removed.size()) - 1);
    } else {
      EXPECT_EQ(f.index.stats().deleted, 0);
    }
  }
}

TEST(VectorIndexTest, VectorAndKeysReadBackWhatWasStored) {
  for (const Mode& m : kModes) {
    Fixture f(300, kDim, Config(m.threshold, m.quantize));
    for (size_t i = 0; i < 300; i += 3) f.index.Remove(f.keys[i]);
    std::vector<int64_t> expected;
    for (size_t i = 0; i < 300; ++i) {
      std::optional<std::vector<float>> v = f.index.Vector(f.keys[i]);
      if (i % 3 == 0) {
        EXPECT_FALSE(v.has_value()) << m.name << " " << i;
        continue;
      }
      expected.push_back(f.keys[i]);
      ASSERT_TRUE(v.has_value()) << m.name << " " << i;
      EXPECT_EQ(*v, std::vector<float>(f.row(i), f.row(i) + kDim)) << m.name << " " << i;
    }
    EXPECT_EQ(f.index.Keys(), expected) << m.name;
    EXPECT_FALSE(f.index.Vector(1).has_value());
  }
}

TEST(VectorIndexTest, KLargerThanTheIndexReturnsEverything) {
  for (const Mode& m : kModes) {
    Fixture f(300, kDim, Config(m.threshold, m.quantize));
    VectorSearchOptions opts;
    opts.k = 1000;
    const auto hits = f.index.Search(f.row(0), opts);
    EXPECT_GE(hits.size(), std::string(m.name) == "hnsw" ? 290u : 300u) << m.name;
    ExpectSortedBestFirst(hits);
  }
}

TEST(VectorIndexTest, FilteredSearchReturnsOnlyAllowedKeysAndKOfThem) {
  struct Filter {
    const char* name;
    int modulus;  // keys whose index i has i % modulus == 0 are allowed
  };
  const Filter filters[] = {{"half", 2}, {"tenth", 10}, {"1%", 100}, {"0.2%", 500}};
  for (const Mode& m : kModes) {
    Fixture f(5000, kDim, Config(m.threshold == 200 ? 1000 : m.threshold, m.quantize));
    for (const Filter& flt : filters) {
      // Keys are 1000 + 3i.
      const std::function<bool(int64_t)> allow = [&](int64_t key) {
        return ((key - 1000) / 3) % flt.modulus == 0;
      };
      const int64_t allowed = (5000 + flt.modulus - 1) / flt.modulus;
      for (int64_t count : {int64_t{0}, allowed}) {
        double recall = 0;
        for (int q = 0; q < 20; ++q) {
          VectorSearchOptions opts;
          opts.k = 40;
          opts.allow = &allow;
          opts.allowed_count = count;
          const float* query = f.row(q * 13 + 1);
          const auto hits = f.index.Search(query, opts);
          const auto want = BruteForce(f.keys, f.vecs, kDim, query, 40, &allow);
          ASSERT_EQ(hits.size(), want.size()) << m.name << " " << flt.name << " " << count;
          for (const auto& h : hits) ASSERT_TRUE(allow(h.key)) << m.name << " " << flt.name;
          ExpectSortedBestFirst(hits);
          recall += Recall(hits, want);
        }
        EXPECT_GE(recall / 20, 0.95) << m.name << " " << flt.name << " count " << count;
      }
    }
  }
}

// With a graph, new keys take the slots of removed ones: an index that forgets as much as it
// learns does not grow, and the re-linked slots are found like the others.
TEST(VectorIndexTest, NewKeysTakeTheSlotsOfRemovedOnesInTheGraph) {
  Fixture f(1000, kDim, Config(200));
  ASSERT_TRUE(f.index.uses_hnsw());
  std::vector<int64_t> keys;  // the live set, for brute force
  std::vector<float> vecs;
  for (size_t i = 0; i < 1000; ++i) {
    if (i % 2 == 0) {
      f.index.Remove(f.keys[i]);
    } else {
      keys.push_back(f.keys[i]);
      vecs.insert(vecs.end(), f.row(i), f.row(i) + kDim);
    }
  }
  EXPECT_EQ(f.index.stats().deleted, 500);
  const std::vector<float> fresh = testing::Clustered(500, kDim, 20, 0.8f, 99);
  std::vector<int64_t> fresh_keys(500);
  for (size_t i = 0; i < 500; ++i) fresh_keys[i] = 900000 + static_cast<int64_t>(i);
  ASSERT_TRUE(f.index.AddBatch(fresh_keys.data(), fresh.data(), 250).ok());  // a batch
  for (size_t i = 250; i < 500; ++i) {                                       // and one by one
    ASSERT_TRUE(f.index.Add(fresh_keys[i], fresh.data() + i * kDim).ok());
  }
  keys.insert(keys.end(), fresh_keys.begin(), fresh_keys.end());
  vecs.insert(vecs.end(), fresh.begin(), fresh.end());

  const VectorIndexStats st = f.index.stats();
  EXPECT_EQ(st.size, 1000);
  EXPECT_EQ(st.slots, 1000);  // not 1500
  EXPECT_EQ(st.deleted, 0);
  EXPECT_TRUE(st.hnsw);
  double recall = 0;
  int queries = 0;
  for (size_t i = 0; i < 500; i += 5) {
    const float* q = fresh.data() + i * kDim;
    VectorSearchOptions opts;
    opts.k = 10;
    const auto hits = f.index.Search(q, opts);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].key, fresh_keys[i]);  // a new vector finds itself first
    for (const VectorHit& h : hits) {
      if (h.key < fresh_keys[0]) {
        EXPECT_EQ((h.key - 1000) % 6, 3) << h.key;  // none of the removed
      }
    }
    recall += Recall(hits, BruteForce(keys, vecs, kDim, q, 10));
    ++queries;
  }
  EXPECT_GE(recall / queries, 0.95);
}

TEST(VectorIndexTest, SaveLoadRoundTripGivesEqualResults) {
  for (const Mode& m : kModes) {
    Fixture f(1200, kDim, Config(m.threshold, m.quantize));
    for (size_t i = 0; i < 1200; i += 9) f.index.Remove(f.keys[i]);
    const std::string path = TempPath(std::string("roundtrip_") + m.name);
    ASSERT_TRUE(f.index.Save(path, "stamp-42").ok());
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    EXPECT_FALSE(std::filesystem::exists(path + ".graph.tmp"));

    VectorIndex loaded(kDim, Config(m.threshold, m.quantize));
    auto stamp = loaded.Load(path);
    ASSERT_TRUE(stamp.ok()) << stamp.status().ToString();
    EXPECT_EQ(*stamp, "stamp-42");
    EXPECT_EQ(loaded.size(), f.index.size());
    EXPECT_EQ(loaded.uses_hnsw(), f.index.uses_hnsw());
    EXPECT_EQ(loaded.stats().deleted, f.index.stats().deleted);
    for (size_t i = 0; i < 1200; i += 50) {
      VectorSearchOptions opts;
      opts.k = 15;
      const auto a = f.index.Search(f.row(i), opts);
      const auto b = loaded.Search(f.row(i), opts);
      ASSERT_EQ(a.size(), b.size());
      for (size_t j = 0; j < a.size(); ++j) {
        EXPECT_EQ(a[j].key, b[j].key) << m.name;
        EXPECT_EQ(a[j].score, b[j].score) << m.name;
      }
      EXPECT_EQ(loaded.Contains(f.keys[i]), f.index.Contains(f.keys[i]));
    }
    // The loaded index keeps working: adds and removes.
    ASSERT_TRUE(loaded.Add(1, f.row(3)).ok());
    loaded.Remove(f.keys[3]);
    VectorSearchOptions opts;
    opts.k = 1;
    EXPECT_EQ(loaded.Search(f.row(3), opts).at(0).key, 1);
    std::remove(path.c_str());
  }
}

TEST(VectorIndexTest, LoadBuildsTheGraphForAFileSavedBelowTheThreshold) {
  Fixture f(500, kDim, Config(1 << 30));
  const std::string path = TempPath("rethreshold");
  ASSERT_TRUE(f.index.Save(path, "s").ok());
  VectorIndex loaded(kDim, Config(100));
  ASSERT_TRUE(loaded.Load(path).ok());
  EXPECT_TRUE(loaded.uses_hnsw());
  VectorSearchOptions opts;
  opts.k = 1;
  EXPECT_EQ(loaded.Search(f.row(7), opts).at(0).key, f.keys[7]);
  std::remove(path.c_str());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

TEST(VectorIndexTest, DamagedFilesAreDataLossAndLeaveTheIndexAlone) {
  for (const Mode& m : kModes) {
    Fixture f(400, kDim, Config(m.threshold, m.quantize));
    const std::string path = TempPath(std::string("damaged_") + m.name);
    ASSERT_TRUE(f.index.Save(path, "stamp").ok());
    const std::string good = ReadFile(path);

    Fixture other(50, kDim, Config(m.threshold, m.quantize), 8);
    auto expect_loss = [&](const std::string& bytes, const std::string& what) {
      WriteFile(path, bytes);
      auto r = other.index.Load(path);
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << m.name << " " << what;
      EXPECT_EQ(other.index.size(), 50) << what;
    };
    expect_loss("", "empty");
    expect_loss(good.substr(0, 20), "inside the header");
    expect_loss(good.substr(0, good.size() / 2), "half");
    expect_loss(good.substr(0, good.size() - 1), "one byte short");
    expect_loss(good + "x", "one byte long");
    for (size_t at : {size_t{0}, size_t{30}, size_t{60}, good.size() / 3, good.size() - 3}) {
      std::string bad = good;
      bad[at] ^= 0x04;
      expect_loss(bad, "flipped bit at " + std::to_string(at));
    }
    WriteFile(path, good);
    EXPECT_TRUE(other.index.Load(path).ok());
    EXPECT_EQ(other.index.size(), 400);
    std::remove(path.c_str());
  }
}

TEST(VectorIndexTest, OtherDimensionOrVersionIsFailedPrecondition) {
  Fixture f(100, kDim, Config(1 << 30));
  const std::string path = TempPath("wrongdim");
  ASSERT_TRUE(f.index.Save(path, "s").ok());
  VectorIndex wide(kDim * 2, Config(1 << 30));
  EXPECT_EQ(wide.Load(path).status().code(), StatusCode::kFailedPrecondition);

  std::string bytes = ReadFile(path);
  bytes[8] = 9;  // format version (after the 8-byte magic)
  WriteFile(path, bytes);
  VectorIndex same(kDim, Config(1 << 30));
  EXPECT_EQ(same.Load(path).status().code(), StatusCode::kFailedPrecondition);
  std::remove(path.c_str());
  EXPECT_EQ(same.Load(path).status().code(), StatusCode::kNotFound);
}

TEST(VectorIndexTest, ConcurrentSearchesWithConcurrentAdds) {
  Fixture f(2000, kDim, Config(500));
  ASSERT_TRUE(f.index.uses_hnsw());
  const auto extra = testing::RandomUnit(400, kDim, 21);
  std::atomic<bool> writing{true};
  std::atomic<int> searches{0};
  std::vector<std::jthread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      int i = 0;
      // Bounded: at least 200 searches each, and at most until the writer is done + 200.
      for (int after = 0; after < 200; ++i) {
        if (!writing) ++after;
        VectorSearchOptions opts;
        opts.k = 10;
        const std::function<bool(int64_t)> even = [](int64_t key) { return key % 2 == 0; };
        if (i % 3 == 0) opts.allow = &even;
        const auto hits = f.index.Search(f.row(static_cast<size_t>((i * 31 + t) % 2000)), opts);
        EXPECT_EQ(hits.size(), 10u);
        ExpectSortedBestFirst(hits);
        for (const auto& h : hits) {
          if (opts.allow) {
            EXPECT_EQ(h.key % 2, 0);
          }
        }
        ++searches;
      }
    });
  }
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(f.index.Add(100000 + i, extra.data() + i * kDim).ok());
    if (i % 4 == 0) f.index.Remove(f.keys[static_cast<size_t>(i)]);
  }
  writing = false;
  readers.clear();
  EXPECT_GE(searches.load(), 600);
  EXPECT_EQ(f.index.size(), 2000 + 400 - 100);
  VectorSearchOptions opts;
  opts.k = 1;
  EXPECT_EQ(f.index.Search(extra.data() + 399 * kDim, opts).at(0).key, 100399);
}

}  // namespace
}  // namespace memex
