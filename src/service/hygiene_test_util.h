// Test fixture for the hygiene tests (near_duplicates_test.cc, consolidation_test.cc): a real
// store under a temporary directory, a MemoryService over it and, on demand, a semantic stack
// driven by a fake embedder whose vector space is legible (see SynonymEmbedder). The store type
// is a parameter (a Store and EmbeddingStore with a static Open(path, storage, clock)), so this
// header names no implementation: the tests instantiate it with SqliteStore.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "embed/embedder.h"
#include "service/embedding_worker.h"
#include "service/memory_service.h"
#include "service/semantic_index.h"

namespace memex::testing {

// Bag of words, one hashed axis per word, L2-normalised; the words of a synonym set share an
// axis. So "postgres stores customer invoices" and "database keeps client bills" are the same
// vector (cosine 1) though no lexical rule relates them.
class SynonymEmbedder : public Embedder {
 public:
  static constexpr int kDim = 64;
  std::string model_id() const override { return "fake-synonyms-v1"; }
  int dim() const override { return kDim; }
  int max_tokens() const override { return 0; }
  Result<Embeddings> Embed(const std::vector<std::string>& texts) override {
    Embeddings out{kDim, {}};
    for (const std::string& t : texts) {
      std::vector<float> v = Vector(t);
      out.data.insert(out.data.end(), v.begin(), v.end());
    }
    return out;
  }
  static std::vector<float> Vector(const std::string& text) {
    static const std::map<std::string, std::string> kSame = {{"database", "postgres"},
                                                             {"keeps", "stores"},
                                                             {"client", "customer"},
                                                             {"bills", "invoices"}};
    std::vector<float> v(kDim, 0.0f);
    std::string word;
    auto flush = [&] {
      if (word.empty()) return;
      if (auto it = kSame.find(word); it != kSame.end()) word = it->second;
      uint32_t h = 2166136261u;  // FNV-1a
      for (unsigned char c : word) h = (h ^ c) * 16777619u;
      v[h % kDim] += 1;
      word.clear();
    };
    for (unsigned char c : text) {
      if (std::isalnum(c)) {
        word.push_back(static_cast<char>(std::tolower(c)));
      } else {
        flush();
      }
    }
    flush();
    double norm = 0;
    for (float x : v) norm += double{x} * x;
    if (norm == 0) v[0] = 1, norm = 1;
    for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
    return v;
  }
};

template <typename StoreT>
class HygieneTestBase : public ::testing::Test {
 protected:
  static constexpr int64_t kDay = 86400000;
  static constexpr int64_t kNow = 20000 * kDay;

  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "memex-hygiene-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    config_.recall.cache_entries = 0;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = StoreT::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
  }
  void TearDown() override {
    service_.reset();
    worker_.reset();
    index_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Turns on the semantic stack: remembered memories wait for their vectors from now on.
  void UseEmbedder() {
    index_ = std::make_unique<SemanticIndex>(*store_, embedder_.model_id(), config_.vector);
    worker_ =
        std::make_unique<EmbeddingWorker>(*store_, embedder_, *index_, EmbeddingWorker::Options{});
    service_->SetSemantic({&embedder_, index_.get(), worker_.get()});
  }

  // Stores `content` a minute after the previous memory (so "newest" is well defined).
  RememberResult Put(const std::string& content, Scope scope = {"ws", "p"},
                     std::vector<std::string> tags = {}) {
    clock_.Advance(60000);
    RememberRequest r;
    r.memory.scope = std::move(scope);
    r.memory.content = content;
    r.memory.tags = std::move(tags);
    r.wait_for_vectors = index_ != nullptr;
    auto res = service_->Remember(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? std::move(res).value() : RememberResult{};
  }

  std::vector<MemoryLink> Links(const std::string& id) {
    auto links = store_->Links(id);
    EXPECT_TRUE(links.ok()) << links.status().ToString();
    return links.ok() ? std::move(links).value() : std::vector<MemoryLink>{};
  }

  Memory Get(const std::string& id) {
    auto m = store_->Get(id);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(m).value() : Memory{};
  }

  std::filesystem::path dir_;
  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  SynonymEmbedder embedder_;
  std::unique_ptr<StoreT> store_;
  std::unique_ptr<SemanticIndex> index_;
  std::unique_ptr<EmbeddingWorker> worker_;
  std::unique_ptr<MemoryService> service_;
};

}  // namespace memex::testing
