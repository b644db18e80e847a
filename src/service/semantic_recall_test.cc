// Service-level tests of semantic recall (docs/retrieval.md): MemoryService with a real SQLite
// store, a SemanticIndex and an EmbeddingWorker, driven by deterministic fake embedders. The
// fakes make the vector space legible: every word is one axis (a concept table puts chosen
// paraphrases on the same axis), so a test can say exactly which texts are close.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "embed/embedder.h"
#include "service/embedding_worker.h"
#include "service/memory_service.h"
#include "service/semantic_index.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kDay = 86400000;
constexpr int64_t kNow = 20000 * kDay;
constexpr char kModel[] = "fake-bow-v1";

// Bag of words hashed into kDim axes and L2-normalised. Words of one concept share an axis
// (axes 0..7); any other word lands on a hashed axis in 8..kDim-1; a few function words are
// ignored. So "postgres stores customer invoices" and "database keeps client bills" are the same
// vector though they share no word, and "kitten photos" is orthogonal to both.
class FakeEmbedder : public Embedder {
 public:
  static constexpr int kDim = 64;

  std::string model_id() const override { return kModel; }
  int dim() const override { return kDim; }
  int max_tokens() const override { return 0; }
  Result<Embeddings> Embed(const std::vector<std::string>& texts) override {
    texts_embedded_ += static_cast<int64_t>(texts.size());
    if (!texts.empty()) last_text_ = texts.back();
    Embeddings out{kDim, {}};
    for (const std::string& t : texts) {
      std::vector<float> v = Vector(t);
      out.data.insert(out.data.end(), v.begin(), v.end());
    }
    return out;
  }

  // Texts embedded so far (memories' chunks and queries).
  int64_t texts_embedded() const { return texts_embedded_; }
  const std::string& last_text() const { return last_text_; }

  static std::vector<float> Vector(const std::string& text) {
    static const std::map<std::string, int> kConcepts = {
        {"postgres", 0}, {"postgresql", 0}, {"database", 0}, {"db", 0},     {"stores", 1},
        {"keeps", 1},    {"holds", 1},      {"customer", 2}, {"client", 2}, {"clients", 2},
        {"invoices", 3}, {"bills", 3},      {"billing", 3},  {"deploy", 4}, {"release", 4},
        {"rollout", 4},  {"kitten", 5},     {"cat", 5},
    };
    static const std::vector<std::string> kIgnored = {"a", "the", "in", "on", "of", "to", "we"};
    std::vector<float> v(kDim, 0.0f);
    std::string word;
    auto flush = [&] {
      if (word.empty() || std::find(kIgnored.begin(), kIgnored.end(), word) != kIgnored.end()) {
        word.clear();
        return;
      }
      auto it = kConcepts.find(word);
      if (it != kConcepts.end()) {
        v[static_cast<size_t>(it->second)] += 1;
      } else {
        uint32_t h = 2166136261u;  // FNV-1a
        for (unsigned char c : word) h = (h ^ c) * 16777619u;
        v[8 + h % (kDim - 8)] += 1;
      }
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
    if (norm == 0) {
      v[kDim - 1] = 1;  // a text of ignored words only: some unit vector
      return v;
    }
    for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
    return v;
  }

 private:
  std::atomic<int64_t> texts_embedded_{0};
  std::string last_text_;  // tests read it between calls, from one thread
};

// The endpoint is down.
class DownEmbedder : public FakeEmbedder {
 public:
  Result<Embeddings> Embed(const std::vector<std::string>&) override {
    return Unavailable("embedding endpoint http://127.0.0.1:9/v1/embeddings is unreachable");
  }
};

// The endpoint answers after the caller's deadline: the call waits it out, then gives up.
class SlowEmbedder : public FakeEmbedder {
 public:
  static constexpr int64_t kDeadlineMs = 20;
  Result<Embeddings> Embed(const std::vector<std::string>&) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * kDeadlineMs));
    return Unavailable("embedding endpoint timed out after " + std::to_string(kDeadlineMs) + " ms");
  }
};

// The endpoint answers vectors of another length than the model's (a model swapped behind the
// same name, a `dimensions` parameter ignored): 32 floats, unit length, no error of its own.
class WrongDimEmbedder : public FakeEmbedder {
 public:
  static constexpr int kWrongDim = 32;
  Result<Embeddings> Embed(const std::vector<std::string>& texts) override {
    Embeddings out{kWrongDim, {}};
    for (const std::string& t : texts) {
      std::vector<float> v = Vector(t);
      v.resize(kWrongDim);
      double norm = 0;
      for (float x : v) norm += double{x} * x;
      if (norm == 0) {
        v[0] = 1;
        norm = 1;
      }
      for (float& x : v) out.data.push_back(static_cast<float>(x / std::sqrt(norm)));
    }
    return out;
  }
};

// One embedder's semantic parts: index and worker over the fixture's store.
struct Semantic {
  Semantic(SqliteStore& store, Embedder& embedder, const VectorConfig& config,
           std::string persist_dir = "")
      : index(store, embedder.model_id(), config, std::move(persist_dir)),
        worker(store, embedder, index, {}) {}
  SemanticIndex index;
  EmbeddingWorker worker;
};

class SemanticRecallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-semantic-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    // Tests change config_ between identical recalls; the recall cache keys on the request.
    config_.recall.cache_entries = 0;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    OpenStore();
  }
  void TearDown() override {
    CloseStore();
    fs::remove_all(dir_);
  }

  // Opens the database file (again) with a service that has no semantic parts yet.
  void OpenStore() {
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
  }
  void CloseStore() {
    service_.reset();
    semantic_.reset();
    store_.reset();
  }

  // Turns on semantic recall with `embedder` (the good fake unless told).
  Semantic& UseEmbedder(Embedder* embedder = nullptr, std::string persist_dir = "") {
    Embedder& e = embedder != nullptr ? *embedder : good_;
    semantic_ = std::make_unique<Semantic>(*store_, e, config_.vector, std::move(persist_dir));
    service_->SetSemantic({&e, &semantic_->index, &semantic_->worker});
    return *semantic_;
  }

  struct Mem {
    std::string content;
    Scope scope = {"ws", "p"};
    Kind kind = Kind::kFact;
    std::vector<std::string> tags;
    std::string session;
    int64_t created_ms = 0;
  };
  // Stores `m`, waiting for its vector when semantic recall is on.
  std::string Put(const Mem& m) {
    RememberRequest r;
    r.memory.content = m.content;
    r.memory.scope = m.scope;
    r.memory.kind = m.kind;
    r.memory.tags = m.tags;
    r.memory.session = m.session;
    r.memory.created_ms = m.created_ms;
    r.wait_for_vectors = true;
    auto res = service_->Remember(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    if (!res.ok()) return "";
    EXPECT_EQ(res->embedded, semantic_ != nullptr) << m.content;
    return res->id;
  }
  std::string Put(std::string content) { return Put(Mem{std::move(content)}); }

  RecallResponse Recall(std::string q, SearchFilter f = {}, int limit = 0) {
    if (f.scopes.empty() && !f.all_scopes) f.scopes = {{"ws", "p"}};
    RecallRequest req;
    req.query = std::move(q);
    req.filter = std::move(f);
    req.limit = limit;
    req.explain = true;
    auto r = service_->Recall(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : RecallResponse{};
  }

  EmbeddingCounts Counts() {
    auto stats = store_->EmbeddingStats(kModel);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    if (stats.ok()) {
      for (const EmbeddingCounts& c : *stats) {
        if (c.model == kModel) return c;
      }
    }
    ADD_FAILURE() << "no counts for " << kModel;
    return {};
  }

  static const RankedHit* Find(const RecallResponse& r, const std::string& id) {
    for (const RankedHit& h : r.hits) {
      if (h.memory.id == id) return &h;
    }
    return nullptr;
  }

  fs::path dir_;
  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  FakeEmbedder good_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Semantic> semantic_;
  std::unique_ptr<MemoryService> service_;
};

// The memory every paraphrase test looks for, and a query that shares no word with it.
constexpr char kInvoices[] = "postgres stores customer invoices";
constexpr char kParaphrase[] = "database keeps client bills";

TEST_F(SemanticRecallTest, ParaphraseWithNoSharedWordIsFoundByTheVectorChannel) {
  UseEmbedder();
  std::string invoices = Put(kInvoices);
  Put("the deploy runs every friday afternoon");
  Put("kitten photos go in the shared album");

  RecallResponse r = Recall(kParaphrase);
  EXPECT_TRUE(r.plan.semantic);
  EXPECT_FALSE(r.plan.gated);
  EXPECT_EQ(r.plan.semantic_note, "");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, invoices);
  EXPECT_EQ(r.hits[0].channels.text, 0) << "no shared word: BM25 cannot have found it";
  EXPECT_GT(r.hits[0].channels.similarity, 0.99);
  EXPECT_GT(r.hits[0].channels.vector_part, 0);

  // The same store without the vector channel finds nothing.
  service_->SetSemantic({});
  RecallResponse lexical = Recall(kParaphrase);
  EXPECT_FALSE(lexical.plan.semantic);
  EXPECT_TRUE(lexical.hits.empty());
}

TEST_F(SemanticRecallTest, UnrelatedQueryIsGatedUnlessTheGateIsOff) {
  UseEmbedder();
  Put(kInvoices);
  Put("the deploy runs every friday afternoon");

  RecallResponse r = Recall("kitten photos");
  EXPECT_TRUE(r.plan.semantic);
  EXPECT_TRUE(r.plan.gated);
  EXPECT_LT(r.plan.relevance, config_.recall.min_relevance);
  EXPECT_TRUE(r.hits.empty());

  // Without the gate, only vector candidates above the similarity floor are candidates at all.
  config_.recall.min_relevance = 0;
  RecallResponse open = Recall("kitten photos");
  EXPECT_FALSE(open.plan.gated);
  EXPECT_TRUE(open.hits.empty());
  config_.recall.similarity_floor = -1;
  open = Recall("kitten photos");
  EXPECT_FALSE(open.plan.gated);
  EXPECT_FALSE(open.hits.empty());
  config_.recall.similarity_floor = RecallConfig{}.similarity_floor;

  // A paraphrase passes the default gate on similarity alone.
  config_.recall.min_relevance = 0.75;
  EXPECT_FALSE(Recall(kParaphrase).plan.gated);
}

TEST_F(SemanticRecallTest, QueryNamingAStoredIdentifierIsNeverGated) {
  UseEmbedder();
  std::string e0432 = Put("E0432 unresolved import in the loader module");
  Put(kInvoices);

  // Five words found nowhere: low similarity and low coverage, so without the identifier the
  // query is gated...
  RecallResponse noise = Recall("zebra giraffe walrus penguin otter");
  EXPECT_TRUE(noise.plan.gated);
  EXPECT_TRUE(noise.hits.empty());

  // ...and with it, the memory that contains it answers.
  RecallResponse r = Recall("zebra giraffe walrus penguin otter E0432");
  EXPECT_TRUE(r.plan.semantic);
  EXPECT_FALSE(r.plan.gated);
  EXPECT_EQ(r.plan.relevance, 2.0);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, e0432);
  EXPECT_GT(r.hits[0].channels.exact, 0);
  EXPECT_LT(r.hits[0].channels.similarity + r.hits[0].channels.coverage,
            config_.recall.min_relevance)
      << "the fixture must be under the gate on similarity + coverage alone";
}

TEST_F(SemanticRecallTest, NamesInTheQueryMoveTheGatesBar) {
  UseEmbedder();
  Put("Postgres stores customer invoices");
  Put("the deploy runs every friday afternoon");
  // The plain bar is out of reach; a name found in scope brings its own, lower bar.
  config_.recall.min_relevance = 2.0;
  config_.recall.min_relevance_known_name = 0.1;
  RecallResponse known = Recall("where does Postgres keep client bills");
  EXPECT_EQ(known.plan.names, std::vector<std::string>{"postgres"});
  EXPECT_TRUE(known.plan.missing_names.empty());
  EXPECT_DOUBLE_EQ(known.plan.relevance_bar, 0.1);
  EXPECT_FALSE(known.plan.gated);
  EXPECT_FALSE(known.hits.empty());

  // A query whose only name is found nowhere in scope meets the unknown-name bar.
  config_.recall.min_relevance = 0.01;  // 0 would turn the gate off altogether
  config_.recall.min_relevance_unknown_name = 2.0;
  RecallResponse missing = Recall("where does Oracle keep client bills");
  EXPECT_EQ(missing.plan.missing_names, std::vector<std::string>{"oracle"});
  EXPECT_DOUBLE_EQ(missing.plan.relevance_bar, 2.0);
  EXPECT_TRUE(missing.plan.gated);
  EXPECT_TRUE(missing.hits.empty());
  // Without names, the plain bar.
  EXPECT_FALSE(Recall("where does the database keep client bills").plan.gated);
}

TEST_F(SemanticRecallTest, MmrMovesANearRepeatDownThePage) {
  config_.recall.min_relevance = 0;
  config_.recall.min_score_ratio = 0;
  UseEmbedder();
  const std::string a = Put(kInvoices);
  const std::string repeat = Put("postgres stores customer invoices archive");
  const std::string other = Put("postgres deploy runs every friday afternoon");
  RecallResponse plain = Recall("postgres invoices");
  ASSERT_EQ(plain.hits.size(), 3u);
  EXPECT_EQ(plain.hits[2].memory.id, other);
  EXPECT_EQ(plain.plan.diversified, 0);

  config_.recall.mmr_lambda = 0.3;
  RecallResponse mmr = Recall("postgres invoices");
  ASSERT_EQ(mmr.hits.size(), 3u);
  EXPECT_EQ(mmr.hits[0].memory.id, plain.hits[0].memory.id);
  EXPECT_EQ(mmr.hits[1].memory.id, other);
  EXPECT_EQ(mmr.plan.diversified, 1);
  const std::string& first = mmr.hits[0].memory.id;
  EXPECT_TRUE(first == a || first == repeat);
  EXPECT_EQ(mmr.hits[2].memory.id, first == a ? repeat : a) << "the near-repeat comes last";
}

TEST_F(SemanticRecallTest, UpdateWaitingForVectorsReturnsOnceTheNewVersionIsSearchable) {
  Semantic& sem = UseEmbedder();
  std::string v1 = Put(kInvoices);
  UpdateRequest up;
  up.id = v1;
  up.patch.content = std::string(kInvoices) + ", in euros";
  up.wait_for_vectors = true;
  auto updated = service_->Update(up);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_TRUE(updated->embedded);
  EXPECT_EQ(Counts().pending, 0) << "nothing left for the queue";
  auto ran = sem.worker.RunOnce();
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0) << "already embedded";
  // Without waiting, the new version is left to the queue.
  up.id = updated->id;
  up.patch.content = std::string(kInvoices) + ", in dollars";
  up.wait_for_vectors = false;
  auto again = service_->Update(up);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->embedded);
  EXPECT_EQ(Counts().pending, 1);
}

TEST_F(SemanticRecallTest, UpdatedMemoryRanksAndItsOldVersionIsHidden) {
  Semantic& sem = UseEmbedder();
  std::string v1 = Put(kInvoices);
  Put("the deploy runs every friday afternoon");
  UpdateRequest up;
  up.id = v1;
  // A new kind only: the text (and its length, which BM25 normalises by) stays the same.
  up.patch.kind = Kind::kDecision;
  auto updated = service_->Update(up);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  ASSERT_EQ(updated->version, 2);
  std::string v2 = updated->id;
  ASSERT_NE(v2, v1);
  auto ran = sem.worker.RunOnce();
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(*ran, 1) << "the new version is embedded";

  for (const char* q : {kParaphrase, kInvoices}) {
    SCOPED_TRACE(q);
    RecallResponse r = Recall(q);
    ASSERT_FALSE(r.hits.empty());
    EXPECT_EQ(r.hits[0].memory.id, v2);
    EXPECT_EQ(Find(r, v1), nullptr) << "the superseded version is hidden";

    // With history both versions match equally; the replacement still comes first.
    SearchFilter history;
    history.scopes = {{"ws", "p"}};
    history.include_history = true;
    RecallResponse h = Recall(q, history);
    ASSERT_GE(h.hits.size(), 2u);
    EXPECT_EQ(h.hits[0].memory.id, v2);
    EXPECT_EQ(h.hits[1].memory.id, v1);
    EXPECT_EQ(h.hits[0].channels.similarity, h.hits[1].channels.similarity);
  }
}

TEST_F(SemanticRecallTest, AnotherScopeIsNeverReturnedEvenWhenItIsTheClosestVector) {
  UseEmbedder();
  std::string elsewhere = Put(Mem{kInvoices, {"ws", "other"}});
  std::string here = Put("postgres holds customer invoices archive");

  RecallResponse r = Recall(kParaphrase);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, here);
  for (const RankedHit& h : r.hits) {
    EXPECT_EQ(h.memory.scope, (Scope{"ws", "p"})) << h.memory.content;
  }
  EXPECT_EQ(Find(r, elsewhere), nullptr);

  // It is the closest one: a search of every scope puts it first.
  SearchFilter all;
  all.all_scopes = true;
  RecallResponse wide = Recall(kParaphrase, all);
  ASSERT_FALSE(wide.hits.empty());
  EXPECT_EQ(wide.hits[0].memory.id, elsewhere);
}

TEST_F(SemanticRecallTest, FiltersApplyToVectorOnlyHitsAndRejectedMemoriesTakeNoSlot) {
  // One candidate per query from the vector channel: a rejected memory taking the slot would
  // leave nothing.
  config_.recall.vector_candidates = 1;
  UseEmbedder();
  struct Case {
    std::string name;
    Mem best;     // the closest vector, excluded by the filter
    Mem allowed;  // a little less close, allowed
    SearchFilter filter;
  };
  const std::string kClose = "postgres holds customer invoices archive";
  Case cases[] = {
      {"kind", {kInvoices}, {kClose}, {}},
      {"tag", {kInvoices}, {kClose}, {}},
      {"created", {kInvoices}, {kClose}, {}},
  };
  cases[0].best.kind = Kind::kDecision;
  cases[0].filter.kinds = {Kind::kFact};
  cases[1].allowed.tags = {"ledger"};
  cases[1].filter.tags = {"ledger"};
  cases[2].best.created_ms = kNow - 10 * kDay;
  cases[2].allowed.created_ms = kNow - kDay;
  cases[2].filter.since_ms = kNow - 5 * kDay;

  for (Case& c : cases) {
    SCOPED_TRACE(c.name);
    Scope scope{"ws", c.name};
    c.best.scope = scope;
    c.allowed.scope = scope;
    std::string best = Put(c.best);
    std::string allowed = Put(c.allowed);
    Put(Mem{"the deploy runs every friday afternoon", scope});

    SearchFilter unfiltered;
    unfiltered.scopes = {scope};
    RecallResponse all = Recall(kParaphrase, unfiltered, 1);
    ASSERT_EQ(all.hits.size(), 1u);
    EXPECT_EQ(all.hits[0].memory.id, best) << "the fixture's best memory is the closest";

    c.filter.scopes = {scope};
    RecallResponse r = Recall(kParaphrase, c.filter, 1);
    ASSERT_EQ(r.hits.size(), 1u);
    EXPECT_EQ(r.hits[0].memory.id, allowed);
    EXPECT_EQ(r.hits[0].channels.text, 0);
    EXPECT_GT(r.hits[0].channels.similarity, 0.8);
  }
}

TEST_F(SemanticRecallTest, SessionNeighbourOfAStrongHitJoinsThroughContext) {
  // With the default 100 vector candidates every memory of a small scope is a candidate; one
  // makes the context channel the only way in for the neighbours.
  // Context alone at distance 2 is a quarter of the hit's score: under the weak-candidate cut.
  config_.recall.min_score_ratio = 0;
  config_.recall.vector_candidates = 1;
  UseEmbedder();
  std::string first = Put(Mem{kInvoices, {"ws", "p"}, Kind::kFact, {}, "s1", kNow - 3000});
  std::string reply =
      Put(Mem{"sounds good, noted for later", {"ws", "p"}, Kind::kFact, {}, "s1", kNow - 2000});
  std::string third =
      Put(Mem{"lunch break at noon", {"ws", "p"}, Kind::kFact, {}, "s1", kNow - 1000});
  std::string other =
      Put(Mem{"afternoon coffee is ready", {"ws", "p"}, Kind::kFact, {}, "s2", kNow - 2500});

  RecallResponse r = Recall(kParaphrase);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, first);
  const RankedHit* next = Find(r, reply);
  ASSERT_NE(next, nullptr) << "the reply written right after the hit joins";
  EXPECT_GT(next->channels.context, 0);
  EXPECT_GT(next->channels.context_part, 0);
  EXPECT_EQ(next->channels.similarity, 0) << "not a vector candidate";
  const RankedHit* two_away = Find(r, third);
  ASSERT_NE(two_away, nullptr);
  EXPECT_EQ(two_away->channels.context, next->channels.context) << "the same hit lends to both";
  EXPECT_LT(two_away->channels.context_part, next->channels.context_part) << "halved at distance 2";
  EXPECT_EQ(Find(r, other), nullptr) << "another session lends nothing";
  EXPECT_EQ(r.plan.context_added, 2);

  config_.recall.weight_context = 0;
  RecallResponse off = Recall(kParaphrase);
  EXPECT_EQ(Find(off, reply), nullptr);
  EXPECT_EQ(off.plan.context_added, 0);
}

TEST_F(SemanticRecallTest, PendingMemoriesAreEmbeddedOnceAcrossRestarts) {
  // Written with no semantic parts at all: nothing is embedded.
  std::vector<std::string> ids = {
      Put(kInvoices),
      Put("the deploy runs every friday afternoon"),
      Put("kitten photos go in the shared album"),
      Put("E0432 unresolved import in the loader module"),
      Put("lunch break at noon"),
  };
  EXPECT_EQ(Counts().pending, 5);
  EXPECT_EQ(Counts().embedded, 0);

  // A second process embeds two, then stops.
  CloseStore();
  OpenStore();
  Semantic& first = UseEmbedder();
  auto ran = first.worker.RunOnce(2);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(*ran, 2);
  EXPECT_EQ(Counts().pending, 3);

  // A third one embeds the rest and nothing again.
  CloseStore();
  OpenStore();
  Semantic& second = UseEmbedder();
  ran = second.worker.RunOnce();
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(*ran, 3);
  ran = second.worker.RunOnce();
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0);
  EmbeddingCounts c = Counts();
  EXPECT_EQ(c.pending, 0);
  EXPECT_EQ(c.embedded, 5);
  EXPECT_EQ(c.vectors, 5) << "one vector per memory: nothing embedded twice";
  EXPECT_EQ(c.dim, FakeEmbedder::kDim);
  EXPECT_EQ(good_.texts_embedded(), 5);
  EXPECT_EQ(second.index.stats().vectors, 5) << "the new index caught up with all of them";

  RecallResponse r = Recall(kParaphrase);
  EXPECT_TRUE(r.plan.semantic);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, ids[0]);
  EXPECT_GT(r.hits[0].channels.similarity, 0.99);
}

// A failing embedder loses nothing and recall stays lexical; a good one then drains the queue.
struct BadEmbedderCase {
  std::string name;
  std::unique_ptr<FakeEmbedder> (*make)();
  StatusCode code;     // what the worker reports
  std::string reason;  // a word the worker's error and the recall's note must contain
};

class SemanticFailureTest : public SemanticRecallTest,
                            public ::testing::WithParamInterface<BadEmbedderCase> {
 protected:
  static constexpr char kBackup[] = "nightly backup job copies the release archive";

  // One memory embedded by the good embedder (the model's dimension is fixed), then the bad one
  // takes over and a memory is written with wait_for_vectors. Returns its id.
  std::string WriteWithBadEmbedder() {
    UseEmbedder();
    invoices_ = Put(kInvoices);
    EXPECT_EQ(Counts().pending, 0);
    bad_ = GetParam().make();
    UseEmbedder(bad_.get());
    RememberRequest req;
    req.memory.scope = {"ws", "p"};
    req.memory.content = kBackup;
    req.wait_for_vectors = true;
    auto stored = service_->Remember(req);
    EXPECT_TRUE(stored.ok()) << "a write never fails on the embedder: "
                             << stored.status().ToString();
    if (!stored.ok()) return "";
    EXPECT_FALSE(stored->embedded);
    return stored->id;
  }

  std::string invoices_;
  std::unique_ptr<FakeEmbedder> bad_;
};

TEST_P(SemanticFailureTest, WritesAreKeptAndAGoodEmbedderDrainsTheQueue) {
  const BadEmbedderCase& bad_case = GetParam();
  std::string backup = WriteWithBadEmbedder();
  ASSERT_NE(backup, "");
  auto got = service_->Get(backup);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->content, kBackup);
  EXPECT_EQ(Counts().pending, 1);

  auto ran = semantic_->worker.RunOnce();
  ASSERT_FALSE(ran.ok());
  EXPECT_EQ(ran.status().code(), bad_case.code) << ran.status().ToString();
  EXPECT_NE(ran.status().ToString().find(bad_case.reason), std::string::npos)
      << ran.status().ToString();
  EXPECT_EQ(Counts().pending, 1) << "the queue keeps the memory";
  EXPECT_EQ(Counts().vectors, 1) << "nothing half-stored";
  EXPECT_GE(semantic_->worker.stats().failures, 1);
  EXPECT_NE(semantic_->worker.stats().last_error.find(bad_case.reason), std::string::npos);

  // A good embedder of the same model takes over and drains the queue.
  Semantic& fixed = UseEmbedder();
  ran = fixed.worker.RunOnce();
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(*ran, 1);
  EXPECT_EQ(Counts().pending, 0);
  EXPECT_EQ(Counts().embedded, 2);
  RecallResponse after = Recall("archive of the nightly rollout backup");
  EXPECT_TRUE(after.plan.semantic);
  EXPECT_EQ(after.plan.semantic_note, "");
  ASSERT_FALSE(after.hits.empty());
  EXPECT_EQ(after.hits[0].memory.id, backup);
  EXPECT_GT(after.hits[0].channels.similarity, 0.5);
  EXPECT_NE(Find(Recall(kParaphrase), invoices_), nullptr);
}

TEST_P(SemanticFailureTest, RecallStaysLexicalAndSaysWhy) {
  const BadEmbedderCase& bad_case = GetParam();
  std::string backup = WriteWithBadEmbedder();
  ASSERT_NE(backup, "");
  // Half the query's words are in the memory: lexical recall answers, and no gate may stop it.
  RecallResponse r = Recall("nightly backup failed overnight");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, backup);
  EXPECT_GT(r.hits[0].channels.text, 0);
  EXPECT_FALSE(r.plan.semantic);
  EXPECT_FALSE(r.plan.gated);
  EXPECT_NE(r.plan.semantic_note.find(bad_case.reason), std::string::npos)
      << "note: '" << r.plan.semantic_note << "'";
}

INSTANTIATE_TEST_SUITE_P(
    SemanticEmbedders, SemanticFailureTest,
    ::testing::Values(BadEmbedderCase{"down",
                                      []() -> std::unique_ptr<FakeEmbedder> {
                                        return std::make_unique<DownEmbedder>();
                                      },
                                      StatusCode::kUnavailable, "unreachable"},
                      BadEmbedderCase{"slow",
                                      []() -> std::unique_ptr<FakeEmbedder> {
                                        return std::make_unique<SlowEmbedder>();
                                      },
                                      StatusCode::kUnavailable, "timed out"},
                      BadEmbedderCase{"wrong_dimension",
                                      []() -> std::unique_ptr<FakeEmbedder> {
                                        return std::make_unique<WrongDimEmbedder>();
                                      },
                                      StatusCode::kFailedPrecondition, "dimension"}),
    [](const ::testing::TestParamInfo<BadEmbedderCase>& info) { return info.param.name; });

TEST_F(SemanticRecallTest, SavedIndexIsLoadedByTheNextProcessAndCaughtUp) {
  const std::string vectors = (dir_ / "vectors").string();
  config_.vector.hnsw_threshold = 2;  // the partition has a graph worth saving
  Semantic& first = UseEmbedder(nullptr, vectors);
  const std::string invoices = Put(kInvoices);
  Put("the deploy runs every friday afternoon");
  Put("kitten photos go in the shared album");
  EXPECT_TRUE(first.index.Persist().ok()) << "not worth it yet: a no-op";
  EXPECT_FALSE(fs::exists(dir_ / "vectors"));
  ASSERT_TRUE(first.index.Persist(SemanticIndex::SaveWhen::kAlways).ok());
  ASSERT_TRUE(fs::exists(dir_ / "vectors" / "fake-bow-v1" / "manifest"));
  {
    // Another process saving (it holds the lock): this one leaves the files to it.
    const std::string lock = (dir_ / "vectors" / "fake-bow-v1" / "lock").string();
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    const auto before = fs::last_write_time(dir_ / "vectors" / "fake-bow-v1" / "manifest");
    EXPECT_TRUE(first.index.Persist(SemanticIndex::SaveWhen::kAlways).ok());
    EXPECT_EQ(fs::last_write_time(dir_ / "vectors" / "fake-bow-v1" / "manifest"), before);
    ::close(fd);
  }
  Put("lunch break at noon");  // after the save: caught up from the store, not the files

  CloseStore();
  OpenStore();
  Semantic& second = UseEmbedder(nullptr, vectors);
  ASSERT_TRUE(second.index.CatchUp().ok());
  EXPECT_EQ(second.index.stats().loaded, 3);
  EXPECT_EQ(second.index.stats().vectors, 4);
  RecallResponse r = Recall(kParaphrase);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, invoices);
  EXPECT_GT(r.hits[0].channels.similarity, 0.5);

  // A damaged manifest is ignored: the index is rebuilt from the store.
  CloseStore();
  {
    std::ofstream bad(dir_ / "vectors" / "fake-bow-v1" / "manifest", std::ios::trunc);
    bad << "memex-vectors 1\nmodel fake-bow-v1\nepoch 0\nseq 99\ndim 64\nscope p0.vidx ws p\n";
  }
  OpenStore();
  Semantic& third = UseEmbedder(nullptr, vectors);
  ASSERT_TRUE(third.index.CatchUp().ok());
  EXPECT_EQ(third.index.stats().loaded, 0) << "the files' stamps do not match the manifest";
  EXPECT_EQ(third.index.stats().vectors, 4);
  r = Recall(kParaphrase);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].memory.id, invoices);

  // Saved again, then the model's vectors are dropped (a new epoch): the files are not used.
  // Nothing arrived since the third index was built from the store: kChanged saves, since it
  // was never saved.
  ASSERT_TRUE(third.index.Persist(SemanticIndex::SaveWhen::kChanged).ok());
  CloseStore();
  OpenStore();
  ASSERT_TRUE(store_->DropEmbeddings("fake-bow-v1").ok());
  Semantic& fourth = UseEmbedder(nullptr, vectors);
  ASSERT_TRUE(fourth.index.CatchUp().ok());
  EXPECT_EQ(fourth.index.stats().vectors, 0);
}

TEST_F(SemanticRecallTest, OnlyTheFirstFortyWordsOfAQueryAreEmbedded) {
  UseEmbedder();
  const std::string invoices = Put(kInvoices);
  std::string query = "database keeps client bills";
  for (int i = 0; i < 60; ++i) query += " filler" + std::to_string(i);
  RecallResponse r = Recall(query);
  std::vector<std::string> words;
  std::istringstream in(good_.last_text());
  for (std::string w; in >> w;) words.push_back(w);
  ASSERT_EQ(words.size(), 40u);
  EXPECT_EQ(words.front(), "database");
  EXPECT_EQ(words.back(), "filler35");
  EXPECT_TRUE(r.plan.semantic);
  Recall("database   keeps\tclient bills");  // short: embedded as it is
  EXPECT_EQ(good_.last_text(), "database   keeps\tclient bills");
}

}  // namespace
}  // namespace memex
