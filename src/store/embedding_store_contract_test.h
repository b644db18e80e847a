// The EmbeddingStore contract suite (store/embedding_store.h): every implementation instantiates
// it with a factory, e.g.
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, EmbeddingStoreContractTest,
//                            ::testing::Values(EmbeddingStoreFactory{"sqlite", MakeStores}),
//                            embedding_store_contract::FactoryName);
//
// Each test covers a contract comment of store/embedding_store.h. Include it in exactly one test
// source per implementation.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace memex::embedding_store_contract {

// One store seen through both interfaces; `owner` keeps it (and its directory) alive.
struct Stores {
  std::shared_ptr<void> owner;
  Store* memories = nullptr;
  EmbeddingStore* vectors = nullptr;
};

struct EmbeddingStoreFactory {
  std::string name;
  std::function<Stores(const Clock& clock)> make;
};

inline std::string FactoryName(const ::testing::TestParamInfo<EmbeddingStoreFactory>& info) {
  return info.param.name;
}
inline void PrintTo(const EmbeddingStoreFactory& f, std::ostream* os) { *os << f.name; }

class EmbeddingStoreContractTest : public ::testing::TestWithParam<EmbeddingStoreFactory> {
 protected:
  void SetUp() override {
    stores_ = GetParam().make(clock_);
    ASSERT_NE(stores_.memories, nullptr);
    ASSERT_NE(stores_.vectors, nullptr);
  }

  Store& M() { return *stores_.memories; }
  EmbeddingStore& V() { return *stores_.vectors; }

  static Scope S(const std::string& project) { return Scope{"ws", project}; }

  std::string Put(const std::string& content, const Scope& scope = S("p"), Kind kind = Kind::kFact,
                  std::vector<std::string> tags = {}, int64_t created_ms = 0) {
    NewMemory m;
    m.scope = scope;
    m.kind = kind;
    m.content = content;
    m.tags = std::move(tags);
    m.created_ms = created_ms;
    Result<PutResult> r = M().Put(m);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : "";
  }

  // The doc of the pending version whose content is `content` (0 when not pending).
  DocId PendingDoc(const std::string& model, const std::string& content) {
    Result<std::vector<PendingEmbed>> p = V().PendingEmbeddings(model, 0, 0);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) return 0;
    for (const PendingEmbed& e : *p) {
      if (e.content == content) return e.doc;
    }
    return 0;
  }

  static std::vector<float> Vec(int dim, float seed) {
    std::vector<float> v(static_cast<size_t>(dim));
    for (int i = 0; i < dim; ++i) v[static_cast<size_t>(i)] = seed + static_cast<float>(i) * 0.5f;
    return v;
  }

  std::vector<DocId> Filter(const std::vector<DocId>& docs, const SearchFilter& f) {
    Result<std::vector<SearchableDoc>> r = V().FilterDocs(docs, f);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<DocId> out;
    if (r.ok()) {
      for (const SearchableDoc& d : *r) {
        EXPECT_GT(d.updated_ms, 0);
        out.push_back(d.doc);
      }
    }
    return out;
  }

  static SearchFilter In(std::vector<Scope> scopes) {
    SearchFilter f;
    f.scopes = std::move(scopes);
    return f;
  }

  FakeClock clock_{1'700'000'000'000};
  Stores stores_;
};

TEST_P(EmbeddingStoreContractTest, EveryCurrentVersionIsPendingUntilItHasAVector) {
  Put("alpha");
  Put("beta", S("q"));
  Put("gamma");
  Result<std::vector<PendingEmbed>> p = V().PendingEmbeddings("m1", 0, 0);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_LT((*p)[0].doc, (*p)[1].doc);
  EXPECT_LT((*p)[1].doc, (*p)[2].doc);
  EXPECT_EQ((*p)[0].content, "alpha");
  EXPECT_EQ((*p)[1].scope, S("q"));

  ASSERT_TRUE(V().PutEmbeddings("m1", 4, {{(*p)[1].doc, 0, Vec(4, 1)}}).ok());
  Result<std::vector<PendingEmbed>> left = V().PendingEmbeddings("m1", 0, 0);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].content, "alpha");
  EXPECT_EQ((*left)[1].content, "gamma");
  // Another model has its own queue.
  EXPECT_EQ(V().PendingEmbeddings("m2", 0, 0)->size(), 3u);
  // after_doc and limit page through it.
  Result<std::vector<PendingEmbed>> page = V().PendingEmbeddings("m1", (*p)[0].doc, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].content, "gamma");
}

TEST_P(EmbeddingStoreContractTest, SupersededAndForgottenVersionsAreNotPending) {
  std::string a = Put("first wording");
  std::string b = Put("to forget");
  ASSERT_TRUE(M().Update(a, MemoryPatch{.content = "second wording"}).ok());
  ASSERT_TRUE(M().Forget(b, false).ok());
  Result<std::vector<PendingEmbed>> p = V().PendingEmbeddings("m1", 0, 0);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].content, "second wording");
}

TEST_P(EmbeddingStoreContractTest, PutRejectsBadVectorsAndStoresNothing) {
  Put("alpha");
  DocId d = PendingDoc("m1", "alpha");
  ASSERT_NE(d, 0);
  EXPECT_EQ(V().PutEmbeddings("m1", 4, {{d, 0, Vec(3, 1)}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(V().PutEmbeddings("", 4, {{d, 0, Vec(4, 1)}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(V().PutEmbeddings("m1", 0, {{d, 0, {}}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(V().PutEmbeddings("m1", 4, {{d, -1, Vec(4, 1)}}).code(), StatusCode::kInvalidArgument);
  std::vector<float> nan = Vec(4, 1);
  nan[2] = std::nanf("");
  EXPECT_EQ(V().PutEmbeddings("m1", 4, {{d, 0, Vec(4, 1)}, {d, 1, nan}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(V().PendingEmbeddings("m1", 0, 0)->size(), 1u);  // all or nothing
  EXPECT_TRUE(V().ReadEmbeddings("m1", 0, 0)->vectors.empty());

  ASSERT_TRUE(V().PutEmbeddings("m1", 4, {{d, 0, Vec(4, 1)}}).ok());
  EXPECT_EQ(V().PutEmbeddings("m1", 8, {{d, 0, Vec(8, 1)}}).code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(EmbeddingStoreContractTest, ReadReturnsVectorsInSeqOrderAndAReplacedOneAgain) {
  Put("alpha");
  Put("beta", S("q"));
  DocId a = PendingDoc("m1", "alpha");
  DocId b = PendingDoc("m1", "beta");
  ASSERT_TRUE(V().PutEmbeddings("m1", 4, {{a, 0, Vec(4, 1)}, {a, 1, Vec(4, 2)}}).ok());
  ASSERT_TRUE(V().PutEmbeddings("m1", 4, {{b, 0, Vec(4, 3)}}).ok());
  Result<VectorPage> all = V().ReadEmbeddings("m1", 0, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->vectors.size(), 3u);
  EXPECT_LT(all->vectors[0].seq, all->vectors[1].seq);
  EXPECT_LT(all->vectors[1].seq, all->vectors[2].seq);
  EXPECT_EQ(all->last_seq, all->vectors[2].seq);
  EXPECT_EQ(all->vectors[0].doc, a);
  EXPECT_EQ(all->vectors[1].chunk, 1);
  EXPECT_EQ(all->vectors[2].scope, S("q"));
  EXPECT_EQ(all->vectors[2].vec, Vec(4, 3));

  // Paging.
  Result<VectorPage> first = V().ReadEmbeddings("m1", 0, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->vectors.size(), 2u);
  Result<VectorPage> rest = V().ReadEmbeddings("m1", first->last_seq, 0);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->vectors.size(), 1u);
  EXPECT_EQ(rest->vectors[0].doc, b);

  // Replacing a vector: a new seq after everything, and still one row for (doc, chunk).
  ASSERT_TRUE(V().PutEmbeddings("m1", 4, {{a, 0, Vec(4, 9)}}).ok());
  Result<VectorPage> newer = V().ReadEmbeddings("m1", all->last_seq, 0);
  ASSERT_TRUE(newer.ok());
  ASSERT_EQ(newer->vectors.size(), 1u);
  EXPECT_EQ(newer->vectors[0].vec, Vec(4, 9));
  EXPECT_EQ(V().ReadEmbeddings("m1", 0, 0)->vectors.size(), 3u);

  // An unknown model has nothing.
  Result<VectorPage> none = V().ReadEmbeddings("other", 0, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->vectors.empty());
}

TEST_P(EmbeddingStoreContractTest, FilterDocsKeepsWhatASearchMayReturnInOrder) {
  const int64_t t0 = clock_.NowMs();
  Put("fact in p", S("p"), Kind::kFact, {"x"}, t0 - 10'000);
  Put("decision in p", S("p"), Kind::kDecision, {"x", "y"}, t0 - 5'000);
  Put("fact in q", S("q"), Kind::kFact, {}, t0 - 1'000);
  std::string old = Put("old wording", S("p"));
  std::string gone = Put("forgotten", S("p"));
  DocId fact = PendingDoc("m", "fact in p");
  DocId decision = PendingDoc("m", "decision in p");
  DocId other = PendingDoc("m", "fact in q");
  DocId old_doc = PendingDoc("m", "old wording");
  DocId gone_doc = PendingDoc("m", "forgotten");
  ASSERT_TRUE(M().Update(old, MemoryPatch{.content = "new wording"}).ok());
  ASSERT_TRUE(M().Forget(gone, false).ok());
  DocId new_doc = PendingDoc("m", "new wording");
  std::vector<DocId> all = {other, new_doc, decision, old_doc, gone_doc, fact, 999999};

  EXPECT_THAT(Filter(all, In({S("p")})), ::testing::ElementsAre(new_doc, decision, fact));
  EXPECT_THAT(Filter(all, In({S("q"), S("p")})),
              ::testing::ElementsAre(other, new_doc, decision, fact));
  SearchFilter everywhere;
  everywhere.all_scopes = true;
  EXPECT_THAT(Filter(all, everywhere), ::testing::ElementsAre(other, new_doc, decision, fact));
  SearchFilter history = In({S("p")});
  history.include_history = true;
  EXPECT_THAT(Filter(all, history), ::testing::ElementsAre(new_doc, decision, old_doc, fact));
  SearchFilter kinds = In({S("p")});
  kinds.kinds = {Kind::kDecision};
  EXPECT_THAT(Filter(all, kinds), ::testing::ElementsAre(decision));
  SearchFilter tags = In({S("p")});
  tags.tags = {"x", "y"};
  EXPECT_THAT(Filter(all, tags), ::testing::ElementsAre(decision));
  SearchFilter dates = In({S("p")});
  dates.since_ms = t0 - 6'000;
  dates.until_ms = t0 - 4'000;
  EXPECT_THAT(Filter(all, dates), ::testing::ElementsAre(decision));
  EXPECT_TRUE(Filter(all, In({S("nowhere")})).empty());
  EXPECT_TRUE(Filter(all, SearchFilter{}).empty());
  EXPECT_TRUE(Filter({}, In({S("p")})).empty());
}

TEST_P(EmbeddingStoreContractTest, ForgettingAMemoryDeletesItsVectors) {
  std::string soft = Put("soft");
  std::string hard = Put("hard");
  std::string kept = Put("kept");
  DocId s = PendingDoc("m1", "soft");
  DocId h = PendingDoc("m1", "hard");
  DocId k = PendingDoc("m1", "kept");
  ASSERT_TRUE(
      V().PutEmbeddings("m1", 2, {{s, 0, Vec(2, 1)}, {h, 0, Vec(2, 2)}, {k, 0, Vec(2, 3)}}).ok());
  ASSERT_TRUE(M().Forget(soft, false).ok());
  ASSERT_TRUE(M().Forget(hard, true).ok());
  Result<VectorPage> page = V().ReadEmbeddings("m1", 0, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->vectors.size(), 1u);
  EXPECT_EQ(page->vectors[0].doc, k);
  // A vector computed for a memory purged meanwhile is dropped silently.
  EXPECT_TRUE(V().PutEmbeddings("m1", 2, {{h, 0, Vec(2, 2)}}).ok());
  EXPECT_EQ(V().ReadEmbeddings("m1", 0, 0)->vectors.size(), 1u);
}

TEST_P(EmbeddingStoreContractTest, DropDeletesAModelsVectorsAndRaisesItsEpoch) {
  Put("alpha");
  Put("beta");
  DocId a = PendingDoc("m1", "alpha");
  DocId b = PendingDoc("m1", "beta");
  ASSERT_TRUE(V().PutEmbeddings("m1", 2, {{a, 0, Vec(2, 1)}, {b, 0, Vec(2, 2)}}).ok());
  ASSERT_TRUE(V().PutEmbeddings("m2", 3, {{a, 0, Vec(3, 1)}}).ok());
  const int64_t epoch = V().ReadEmbeddings("m1", 0, 0)->epoch;

  Result<int64_t> dropped = V().DropEmbeddings("m1");
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(*dropped, 2);
  Result<VectorPage> after = V().ReadEmbeddings("m1", 0, 0);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->vectors.empty());
  EXPECT_GT(after->epoch, epoch);
  EXPECT_EQ(V().PendingEmbeddings("m1", 0, 0)->size(), 2u);
  EXPECT_EQ(V().ReadEmbeddings("m2", 0, 0)->vectors.size(), 1u);  // other models untouched
  // With no vectors left, the model may come back with another dimension.
  EXPECT_TRUE(V().PutEmbeddings("m1", 5, {{a, 0, Vec(5, 1)}}).ok());
  EXPECT_EQ(*V().DropEmbeddings("never-stored"), 0);
}

TEST_P(EmbeddingStoreContractTest, StatsCountVectorsEmbeddedAndPendingPerModel) {
  Put("alpha");
  Put("beta");
  std::string c = Put("gamma");
  DocId a = PendingDoc("m1", "alpha");
  ASSERT_TRUE(V().PutEmbeddings("m1", 2, {{a, 0, Vec(2, 1)}, {a, 1, Vec(2, 2)}}).ok());
  ASSERT_TRUE(M().Forget(c, true).ok());
  Result<std::vector<EmbeddingCounts>> stats = V().EmbeddingStats("m2");
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->size(), 2u);
  EXPECT_EQ((*stats)[0].model, "m1");
  EXPECT_EQ((*stats)[0].dim, 2);
  EXPECT_EQ((*stats)[0].vectors, 2);
  EXPECT_EQ((*stats)[0].embedded, 1);
  EXPECT_EQ((*stats)[0].pending, 1);
  EXPECT_EQ((*stats)[1].model, "m2");
  EXPECT_EQ((*stats)[1].vectors, 0);
  EXPECT_EQ((*stats)[1].pending, 2);
}

}  // namespace memex::embedding_store_contract
