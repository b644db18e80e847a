#include "store/sqlite/text_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/fts.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_test_util.h"

namespace memex::sqlite {
namespace {

using testutil::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000;

class TextSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_, StorageConfig{}, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  static Scope S(int i) { return Scope{"ws", "p" + std::to_string(i)}; }
  void Put(const Scope& scope, const std::string& content) {
    NewMemory m;
    m.scope = scope;
    m.content = content;
    ASSERT_TRUE(store_->Put(m).ok());
  }
  // Contents of the candidates of a one-word query, sorted.
  std::vector<std::string> Hits(const std::string& word, const SearchFilter& f, int cap = 4000,
                                TextResult* result = nullptr) {
    TextQuery q;
    q.terms = {word};
    q.filter = f;
    q.candidate_cap = cap;
    Result<TextResult> r = store_->SearchText(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    std::vector<DocId> docs;
    for (const TextCandidate& c : r->candidates) docs.push_back(c.doc);
    std::vector<std::string> out;
    Result<std::vector<Memory>> rows = store_->Hydrate(docs);
    EXPECT_TRUE(rows.ok());
    for (const Memory& m : *rows) out.push_back(m.content);
    std::sort(out.begin(), out.end());
    if (result != nullptr) *result = *r;
    return out;
  }
  // The same, computed from List (the reference for which rows a filter may see).
  std::vector<std::string> Expected(const std::string& word, const SearchFilter& f) {
    ListQuery q;
    q.filter = f;
    q.limit = 0;
    std::vector<std::string> out;
    Result<std::vector<Memory>> rows = store_->List(q);
    EXPECT_TRUE(rows.ok());
    for (const Memory& m : *rows) {
      if ((" " + m.content + " ").find(" " + word + " ") != std::string::npos) {
        out.push_back(m.content);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  TempDir dir_;
  std::string path_ = dir_.File("memex.db");
  FakeClock clock_{kT0};
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(TextSearchTest, FtsStaysTheOuterLoopAndConsumesTheOrder) {
  Put(S(1), "some text");
  Result<std::unique_ptr<Connection>> db = Connection::Open(path_, {});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(RegisterFtsFunctions((*db)->raw()).ok());
  {
    const std::string cond =
        "1 AND m.kind IN (1, 2) AND EXISTS(SELECT 1 FROM memory_tags t WHERE t.tag = 'x' AND "
        "t.doc = m.doc)";
    Result<StatementRef> plan =
        (*db)->Prepare("EXPLAIN QUERY PLAN " + CandidateSql("memories_fts_1", cond));
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    std::string details;
    while (*(*plan)->Step()) details += std::string((*plan)->ColumnText(3)) + "\n";
    EXPECT_NE(details.find("SCAN memories_fts_1 VIRTUAL TABLE"), std::string::npos) << details;
    EXPECT_NE(details.find("SEARCH m USING INTEGER PRIMARY KEY"), std::string::npos) << details;
    EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos) << details;
    // The FTS scan comes first: it is the outer loop.
    EXPECT_LT(details.find("memories_fts"), details.find("SEARCH m")) << details;
  }
}

// Scope partitions and history exclusion return exactly the rows List sees.
TEST_F(TextSearchTest, ScopeRestrictionMatchesListInEveryRegime) {
  // p1 dominates, p2 is small; p1 has history.
  for (int i = 0; i < 30; ++i)
    Put(S(1), "shared word big" + std::string(1, 'a' + i % 26) + "x" + std::to_string(i));
  for (int i = 0; i < 3; ++i) Put(S(2), "shared word small" + std::to_string(i));
  SearchFilter only1;
  only1.scopes = {S(1)};
  EXPECT_EQ(Hits("shared", only1), Expected("shared", only1));
  SearchFilter only2;
  only2.scopes = {S(2)};
  EXPECT_EQ(Hits("shared", only2), Expected("shared", only2));
  EXPECT_EQ(Hits("shared", only2).size(), 3u);
  ListQuery lq;
  lq.filter = only1;
  lq.limit = 1;
  Memory first = store_->List(lq)->at(0);
  MemoryPatch patch;
  patch.content = "shared word replaced";
  ASSERT_TRUE(store_->Update(first.id, patch).ok());
  EXPECT_EQ(Hits("shared", only1), Expected("shared", only1));
  only1.include_history = true;
  EXPECT_EQ(Hits("shared", only1), Expected("shared", only1));
  EXPECT_EQ(Hits("shared", only1).size(), 31u);
  SearchFilter all;
  all.all_scopes = true;
  EXPECT_EQ(Hits("shared", all), Expected("shared", all));
  EXPECT_EQ(Hits("shared", all).size(), 33u);
}

TEST_F(TextSearchTest, ManyScopesMergeNewestFirst) {
  // 40 scopes with a superseded row each.
  for (int s = 0; s < 40; ++s) {
    Put(S(s), "word in scope " + std::to_string(s));
    ListQuery lq;
    lq.filter.scopes = {S(s)};
    Memory m = store_->List(lq)->at(0);
    MemoryPatch patch;
    patch.content = "word again in scope " + std::to_string(s);
    ASSERT_TRUE(store_->Update(m.id, patch).ok());
  }
  SearchFilter all;
  all.all_scopes = true;
  EXPECT_EQ(Hits("word", all), Expected("word", all));
  EXPECT_EQ(Hits("word", all).size(), 40u);
  SearchFilter half;
  for (int s = 0; s < 40; s += 2) half.scopes.push_back(S(s));
  half.include_history = true;
  EXPECT_EQ(Hits("word", half), Expected("word", half));
  EXPECT_EQ(Hits("word", half).size(), 40u);
  TextResult r;
  Hits("word", all, 5, &r);
  EXPECT_TRUE(r.windowed);
  EXPECT_EQ(r.candidates.size(), 5u);
  EXPECT_EQ(r.doc_count, 40);
}

TEST_F(TextSearchTest, ReportsCollectionStatistics) {
  Put(S(1), "alpha beta");                // 2 tokens
  Put(S(1), "alpha beta gamma delta");    // 4 tokens
  Put(S(2), "alpha in the other scope");  // not counted for p1
  SearchFilter f;
  f.scopes = {S(1)};
  TextResult r;
  Hits("alpha", f, 4000, &r);
  EXPECT_EQ(r.doc_count, 2);
  EXPECT_DOUBLE_EQ(r.avg_doc_len, 3.0);
  ASSERT_EQ(r.candidates.size(), 2u);
  EXPECT_GT(r.candidates[0].doc, r.candidates[1].doc);  // newest first
  EXPECT_EQ(r.candidates[0].doc_len, 4);
  EXPECT_EQ(r.candidates[1].doc_len, 2);
  EXPECT_EQ(r.candidates[0].updated_ms, kT0);
}

TEST_F(TextSearchTest, EstimatesDfOfVeryCommonTerms) {
  std::vector<NewMemory> batch;
  for (int i = 0; i < 400; ++i) {
    NewMemory m;
    m.scope = S(1);
    m.content = (i % 2 == 0 ? "even " : "odd ") + std::string("entry ") + std::to_string(i);
    batch.push_back(m);
  }
  ASSERT_TRUE(store_->PutBatch(batch).ok());
  TextQuery q;
  q.terms = {"even", "entry"};
  q.filter.scopes = {S(1)};
  q.candidate_cap = 50;
  Result<TextResult> r = store_->SearchText(q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->terms[0].estimated);
  EXPECT_TRUE(r->terms[1].estimated);
  EXPECT_NEAR(static_cast<double>(r->terms[0].df), 200.0, 30.0);
  EXPECT_NEAR(static_cast<double>(r->terms[1].df), 400.0, 30.0);
  EXPECT_TRUE(r->windowed);
  EXPECT_EQ(r->candidates.size(), 50u);
}

}  // namespace
}  // namespace memex::sqlite

namespace memex::sqlite {
namespace {

TEST_F(TextSearchTest, WindowedSearchIsDrivenByTheRarestTerm) {
  for (int i = 0; i < 8; ++i) Put(S(1), "alpha beta older " + std::to_string(i));
  for (int i = 0; i < 12; ++i) Put(S(1), "alpha gamma newer " + std::to_string(i));
  TextQuery q;
  q.terms = {"alpha", "beta"};
  q.filter.scopes = {S(1)};
  q.candidate_cap = 5;  // both terms are over the cap
  Result<TextResult> r = store_->SearchText(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->windowed);
  ASSERT_EQ(r->candidates.size(), 5u);
  EXPECT_TRUE(r->terms[0].dropped);  // "alpha" is in every document: not scored
  for (const TextCandidate& c : r->candidates) {
    EXPECT_EQ(c.tf[1], 1.0f);  // every candidate holds the rarer term
    EXPECT_EQ(c.tf[0], 0.0f);
  }
}

}  // namespace
}  // namespace memex::sqlite
