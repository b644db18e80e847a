// SemanticIndex's saved files against the store they were saved from: a database restored from
// an older backup (same epoch, fewer vectors) must not be served from files that are ahead of
// it. Vectors are written straight through the EmbeddingStore contract: no embedder needed.
#include "service/semantic_index.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

namespace fs = std::filesystem;
constexpr char kModel[] = "m1";
constexpr int kDim = 4;

class SemanticIndexFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-index-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    config_.hnsw_threshold = 1;  // a graph worth saving from the first vectors
    Open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    auto s = SqliteStore::Open((dir_ / "m.db").string(), StorageConfig{}, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  // Stores a memory and a vector for it (axis `axis` of kDim).
  void PutWithVector(const std::string& content, int axis) {
    NewMemory m;
    m.scope = Scope{"ws", "p"};
    m.content = content;
    ASSERT_TRUE(store_->Put(m).ok());
    auto pending = store_->PendingEmbeddings(kModel, 0, 0);
    ASSERT_TRUE(pending.ok() && pending->size() == 1u);
    std::vector<float> v(kDim, 0.0f);
    v[static_cast<size_t>(axis)] = 1.0f;
    ASSERT_TRUE(store_->PutEmbeddings(kModel, kDim, {{(*pending)[0].doc, 0, v}}).ok());
  }
  std::unique_ptr<SemanticIndex> Index() {
    return std::make_unique<SemanticIndex>(*store_, kModel, config_, (dir_ / "vectors").string());
  }

  fs::path dir_;
  FakeClock clock_{1700000000000};
  VectorConfig config_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SemanticIndexFilesTest, FilesAheadOfARestoredDatabaseAreNotUsed) {
  PutWithVector("first", 0);
  store_.reset();  // closed: the file is a consistent backup
  fs::copy_file(dir_ / "m.db", dir_ / "backup.db");
  Open();
  PutWithVector("second", 1);
  PutWithVector("third", 2);
  {
    auto index = Index();
    ASSERT_TRUE(index->CatchUp().ok());
    ASSERT_TRUE(index->Persist(SemanticIndex::SaveWhen::kAlways).ok());
  }
  // The next process with the same database loads the files.
  {
    auto index = Index();
    ASSERT_TRUE(index->CatchUp().ok());
    EXPECT_EQ(index->stats().loaded, 3);
    EXPECT_EQ(index->stats().vectors, 3);
  }
  // The database restored from the backup: one vector, the files hold three.
  store_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir_ / ("m.db" + std::string(suffix)));
  fs::copy_file(dir_ / "backup.db", dir_ / "m.db");
  Open();
  auto index = Index();
  ASSERT_TRUE(index->CatchUp().ok());
  EXPECT_EQ(index->stats().loaded, 0) << "the files are ahead of the store";
  EXPECT_EQ(index->stats().vectors, 1) << "rebuilt from the store";
  // A vector written after the restore is found, whatever seq it got.
  PutWithVector("fourth", 3);
  ASSERT_TRUE(index->CatchUp().ok());
  EXPECT_EQ(index->stats().vectors, 2);
}

}  // namespace
}  // namespace memex
