#include "service/consolidation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "service/hygiene_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

class ConsolidationTest : public testing::HygieneTestBase<SqliteStore> {
 protected:
  Result<ConsolidateResult> Run(bool apply, double threshold = 0, int max_groups = 50,
                                Scope scope = {"ws", "p"}) {
    ConsolidateRequest req;
    req.filter.scopes = {std::move(scope)};
    req.threshold = threshold;
    req.max_groups = max_groups;
    req.apply = apply;
    return service_->Consolidate(req);
  }
  int64_t LiveCount() {
    ListQuery q;
    q.filter.all_scopes = true;
    auto n = store_->Count(q);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
};

// Three wordings of one fact (same words, and one containing the others) and an unrelated one.
constexpr char kA[] = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
constexpr char kB[] =
    "Alpha, beta, gamma, delta, epsilon, zeta, eta, theta, iota, kappa, lambda, mu!";
constexpr char kC[] = "ALPHA beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
constexpr char kOther[] = "the staging database runs on port 5432";

TEST_F(ConsolidationTest, DryRunShowsTheGroupsAndChangesNothing) {
  std::string a = Put(kA).id, b = Put(kB).id, c = Put(kC).id;
  Put(kOther);
  const int64_t live = LiveCount();
  auto r = Run(/*apply=*/false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->applied);
  EXPECT_EQ(r->examined, 4);
  EXPECT_FALSE(r->capped);
  EXPECT_DOUBLE_EQ(r->threshold, 0.9);
  ASSERT_EQ(r->groups.size(), 1u);
  const ConsolidationGroup& g = r->groups[0];
  EXPECT_EQ(g.kept.id, c);  // the newest
  EXPECT_EQ(g.kept_id, c);
  ASSERT_EQ(g.merged.size(), 2u);
  EXPECT_EQ(g.merged[0].id, b);  // newest first
  EXPECT_EQ(g.merged[1].id, a);
  EXPECT_DOUBLE_EQ(g.avg_similarity, 1.0);
  EXPECT_EQ(r->total_merged, 2);
  EXPECT_EQ(LiveCount(), live);
  EXPECT_EQ(Get(a).status, MemoryStatus::kActive);
  for (const MemoryLink& l : Links(a)) EXPECT_NE(l.kind, LinkKind::kMergedInto);
}

TEST_F(ConsolidationTest, ApplyArchivesTheMergedLinksThemAndUnitesTheTags) {
  std::string a = Put(kA, {"ws", "p"}, {"greek"}).id;
  std::string b = Put(kB, {"ws", "p"}, {"letters"}).id;
  std::string other = Put(kOther).id;
  auto r = Run(/*apply=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->applied);
  ASSERT_EQ(r->groups.size(), 1u);
  const ConsolidationGroup& g = r->groups[0];
  EXPECT_EQ(g.kept.id, b);
  EXPECT_EQ(g.tags_added, std::vector<std::string>{"greek"});
  // The kept memory got a new version carrying both tags.
  ASSERT_NE(g.kept_id, b);
  Memory kept = Get(g.kept_id);
  EXPECT_EQ(kept.tags, (std::vector<std::string>{"greek", "letters"}));
  EXPECT_EQ(kept.supersedes, b);
  EXPECT_EQ(kept.status, MemoryStatus::kActive);
  // The merged one is archived (not forgotten) and linked to the new version.
  Memory merged = Get(a);
  EXPECT_EQ(merged.status, MemoryStatus::kArchived);
  bool linked = false;
  for (const MemoryLink& l : Links(a)) {
    if (l.kind == LinkKind::kMergedInto) {
      EXPECT_EQ(l.from_id, a);
      EXPECT_EQ(l.to_id, g.kept_id);
      EXPECT_DOUBLE_EQ(l.score, 1.0);
      linked = true;
    }
  }
  EXPECT_TRUE(linked);
  EXPECT_EQ(Get(other).status, MemoryStatus::kActive);
  EXPECT_EQ(LiveCount(), 2);

  // A second run finds nothing left to merge; restoring the archived memory is one call.
  auto again = Run(/*apply=*/true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->groups.empty());
  auto restored = store_->SetArchived({a}, false);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(*restored, std::vector<std::string>{a});
  EXPECT_EQ(Get(a).status, MemoryStatus::kActive);
}

TEST_F(ConsolidationTest, SameTagsWriteNoNewVersion) {
  Put(kA, {"ws", "p"}, {"greek"});
  std::string b = Put(kB, {"ws", "p"}, {"greek"}).id;
  auto r = Run(/*apply=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].kept_id, b);
  EXPECT_TRUE(r->groups[0].tags_added.empty());
  EXPECT_EQ(Get(b).version, 1);
}

TEST_F(ConsolidationTest, ThresholdDecidesWhichPairsJoin) {
  Put("Deploy the api with make release on fridays");
  Put("Always deploy the API with make release on Fridays.");  // contained, 8/9 = 0.889
  auto r = Run(false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->groups.empty());
  r = Run(false, /*threshold=*/0.85);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_NEAR(r->groups[0].avg_similarity, 8.0 / 9.0, 1e-9);
  // A low threshold never loosens the lexical rules themselves.
  Put("the staging database runs on port 5432");
  Put("the staging database runs on port 5433");
  r = Run(false, /*threshold=*/0.1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->groups.size(), 1u);
}

TEST_F(ConsolidationTest, BadInputIsRefusedAndChangesNothing) {
  Put(kA);
  Put(kB);
  for (double t : {-0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    auto r = Run(true, t);
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("threshold"), std::string::npos);
  }
  auto r = Run(true, 0, /*max_groups=*/0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  ConsolidateRequest none;  // no scope at all
  none.apply = true;
  EXPECT_EQ(service_->Consolidate(none).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LiveCount(), 2);
}

TEST_F(ConsolidationTest, MaxGroupsAndTheMemoryCapBoundTheRun) {
  for (const char* base :
       {"red green blue cyan magenta yellow black white", "one two three four five six seven eight",
        "north south east west up down left right"}) {
    Put(base);
    Put(std::string(base) + "!");  // same words, another hash
  }
  auto r = Run(false, 0, /*max_groups=*/2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->groups.size(), 2u);
  EXPECT_TRUE(r->more_groups);
  EXPECT_EQ(r->total_merged, 2);

  config_.hygiene.consolidate_max_memories = 4;
  r = Run(false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->capped);
  EXPECT_EQ(r->examined, 4);
  EXPECT_EQ(r->groups.size(), 2u);  // the four newest hold two pairs
}

TEST_F(ConsolidationTest, ScopesNeverMerge) {
  Put(kA, {"ws", "p"});
  Put(kB, {"ws", "q"});
  ConsolidateRequest req;
  req.filter.all_scopes = true;
  auto r = service_->Consolidate(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->groups.empty());
  EXPECT_EQ(r->examined, 2);
}

TEST_F(ConsolidationTest, RecordedNearDuplicateLinksJoinGroups) {
  std::string a = Put("the cache is flushed every night").id;
  std::string b = Put("nightly we clear out the cache").id;
  ASSERT_TRUE(store_->AddLinks({{b, a, LinkKind::kNearDuplicate, 0.97, 0}}).ok());
  auto r = Run(false);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].kept.id, b);
  EXPECT_DOUBLE_EQ(r->groups[0].avg_similarity, 0.97);
  r = Run(false, /*threshold=*/0.98);  // the link's score is under this threshold
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->groups.empty());
}

TEST_F(ConsolidationTest, VectorRouteGroupsParaphrasesWhenEmbeddingsExist) {
  config_.hygiene.near_duplicates = false;  // no links: only the index can relate them
  UseEmbedder();
  std::string a = Put("postgres stores customer invoices").id;
  std::string b = Put("database keeps client bills").id;
  Put("kitten photos from the office party");
  auto r = Run(false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->semantic);
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].kept.id, b);
  ASSERT_EQ(r->groups[0].merged.size(), 1u);
  EXPECT_EQ(r->groups[0].merged[0].id, a);
  EXPECT_GE(r->groups[0].avg_similarity, 0.9);
}

TEST_F(ConsolidationTest, WithoutEmbeddingsParaphrasesStayApart) {
  Put("postgres stores customer invoices");
  Put("database keeps client bills");
  auto r = Run(false);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->semantic);
  EXPECT_TRUE(r->groups.empty());
}

TEST_F(ConsolidationTest, KeptIsTheNewestThenTheMoreConfident) {
  NewMemory m;
  m.scope = {"ws", "p"};
  m.created_ms = kNow - kDay;
  m.content = kA;
  m.confidence = 0.5;
  auto low = store_->Put(m);
  m.content = kB;
  m.confidence = 0.9;
  auto high = store_->Put(m);
  ASSERT_TRUE(low.ok() && high.ok());
  auto r = Run(false);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].kept.id, high->id);
  std::string newest = Put(kC).id;
  r = Run(false);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].kept.id, newest);
  EXPECT_EQ(r->groups[0].merged.size(), 2u);
}

}  // namespace
}  // namespace memex
