#include "embed/use_lite_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "embed/model_dir.h"
#include "embed/use_lite_testing.h"

namespace memex {
namespace {

namespace fs = std::filesystem;
using use_lite_testing::Cosine;

class UseLiteEmbedderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string dir = use_lite_testing::ModelDirOrFail();
    if (dir.empty()) return;
    Result<std::unique_ptr<UseLiteEmbedder>> e = UseLiteEmbedder::Open(dir, {.threads = 2});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    embedder_ = std::move(e).value().release();
  }
  static void TearDownTestSuite() {
    delete embedder_;
    embedder_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(embedder_, nullptr) << "run scripts/fetch-model"; }
  static UseLiteEmbedder* embedder_;
};

UseLiteEmbedder* UseLiteEmbedderTest::embedder_ = nullptr;

TEST_F(UseLiteEmbedderTest, DescribesItsVectorSpace) {
  EXPECT_EQ(embedder_->model_id(), "use-lite-v1");
  EXPECT_EQ(embedder_->dim(), 512);
  EXPECT_EQ(embedder_->max_tokens(), 128);
}

TEST_F(UseLiteEmbedderTest, EmbedsLikeTheReferenceOnWorkerThreads) {
  std::vector<use_lite_testing::GoldenCase> golden = use_lite_testing::LoadGolden();
  std::vector<std::string> texts;
  // Enough tokens that the batch is split across both workers; every text appears 8 times.
  for (int rep = 0; rep < 8; ++rep) {
    for (const auto& c : golden) texts.push_back(c.text);
  }
  Result<Embeddings> e = embedder_->Embed(texts);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->dim, 512);
  ASSERT_EQ(e->size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& want = golden[i % golden.size()].embedding;
    EXPECT_GT(Cosine(e->row(i), want.data(), 512), 0.99999) << i << ": " << texts[i];
  }
}

TEST_F(UseLiteEmbedderTest, ConcurrentCallsAgree) {
  const std::vector<std::string> texts = {"concurrent embedding calls", "HttpServer::Start()",
                                          "ﬁle ﬂow", ""};
  Result<Embeddings> want = embedder_->Embed(texts);
  ASSERT_TRUE(want.ok());
  std::vector<Embeddings> got(4);
  {
    std::vector<std::jthread> threads;
    for (size_t t = 0; t < got.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 5; ++i) {
          Result<Embeddings> e = embedder_->Embed(texts);
          if (e.ok()) got[t] = *e;
        }
      });
    }
  }
  for (const Embeddings& e : got) EXPECT_EQ(e.data, want->data);
}

TEST_F(UseLiteEmbedderTest, EmptyInputsAndInvalidUtf8) {
  Result<Embeddings> none = embedder_->Embed({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->size(), 0u);

  Result<Embeddings> empty = embedder_->Embed({""});
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->size(), 1u);
  double norm = 0;
  for (int k = 0; k < 512; ++k) norm += double(empty->row(0)[k]) * empty->row(0)[k];
  EXPECT_NEAR(norm, 1.0, 1e-5);

  Result<Embeddings> bad = embedder_->Embed({"fine", "bad \xff byte"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("texts[1]"), std::string::npos);
}

TEST_F(UseLiteEmbedderTest, ParaphrasesAreCloserThanUnrelatedText) {
  Result<Embeddings> e = embedder_->Embed({"How do I restart the web server?",
                                           "What is the way to reboot the HTTP daemon?",
                                           "My grandmother grows tomatoes in her garden."});
  ASSERT_TRUE(e.ok());
  EXPECT_GT(Cosine(e->row(0), e->row(1), 512), Cosine(e->row(0), e->row(2), 512) + 0.1);
}

TEST(UseLiteEmbedderOpenTest, AMissingModelIsAFailedPrecondition) {
  Result<std::unique_ptr<UseLiteEmbedder>> e = UseLiteEmbedder::Open("/nonexistent/model");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kFailedPrecondition);
}

TEST(ModelDirTest, DefaultCacheDirFollowsFetchModel) {
  EXPECT_EQ(DefaultModelCacheDir("/home/u", ""), "/home/u/.cache/memex/models/use-lite-v1");
  EXPECT_EQ(DefaultModelCacheDir("/home/u", "/xdg"), "/xdg/memex/models/use-lite-v1");
  EXPECT_EQ(DefaultModelCacheDir("", "/xdg"), "/xdg/memex/models/use-lite-v1");
  EXPECT_EQ(DefaultModelCacheDir("", ""), "");
}

TEST(ModelDirTest, FindsTheFirstCompleteCandidate) {
  fs::path root = fs::temp_directory_path() / "memex_model_dir_test";
  fs::remove_all(root);
  fs::create_directories(root / "partial");
  fs::create_directories(root / "full");
  std::vector<std::string> files = {"model.json", "vocab.json"};
  for (int i = 1; i <= 7; ++i) files.push_back("group1-shard" + std::to_string(i) + "of7");
  for (const std::string& f : files) std::ofstream(root / "full" / f) << "x";
  std::ofstream(root / "partial" / "model.json") << "x";

  Result<std::string> found = FindModelDir(
      {"", (root / "none").string(), (root / "partial").string(), (root / "full").string()});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, (root / "full").string());

  Result<std::string> missing =
      FindModelDir({(root / "none").string(), (root / "partial").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  const std::string& m = missing.status().message();
  EXPECT_NE(m.find((root / "none").string()), std::string::npos) << m;
  EXPECT_NE(m.find((root / "partial").string()), std::string::npos) << m;
  EXPECT_NE(m.find("run scripts/fetch-model"), std::string::npos) << m;
  EXPECT_NE(m.find("embedding.model_dir"), std::string::npos) << m;
  EXPECT_EQ(FindModelDir({}).status().code(), StatusCode::kNotFound);
  fs::remove_all(root);
}

}  // namespace
}  // namespace memex
