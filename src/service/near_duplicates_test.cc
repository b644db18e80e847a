#include "service/near_duplicates.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "service/hygiene_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

using NearDuplicatesTest = testing::HygieneTestBase<SqliteStore>;

constexpr char kDeploy[] = "Deploy the api with make release on fridays";
constexpr char kDeployLonger[] = "Always deploy the API with `make release` on Fridays.";

TEST_F(NearDuplicatesTest, RememberReportsAndLinksANearDuplicateAndKeepsBoth) {
  RememberResult a = Put(kDeploy);
  Put("The staging database runs on port 5432");
  RememberResult b = Put(kDeployLonger);
  EXPECT_TRUE(a.near_duplicates.empty());
  ASSERT_TRUE(b.created);
  ASSERT_EQ(b.near_duplicates.size(), 1u);
  EXPECT_EQ(b.near_duplicates[0].id, a.id);
  EXPECT_EQ(b.near_duplicates[0].reason, "contained");
  EXPECT_NEAR(b.near_duplicates[0].similarity, 8.0 / 9.0, 1e-9);

  std::vector<MemoryLink> links = Links(b.id);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].from_id, b.id);
  EXPECT_EQ(links[0].to_id, a.id);
  EXPECT_EQ(links[0].kind, LinkKind::kNearDuplicate);
  EXPECT_NEAR(links[0].score, 8.0 / 9.0, 1e-9);
  EXPECT_EQ(Links(a.id).size(), 1u);  // seen from the other end too
  EXPECT_EQ(Get(a.id).status, MemoryStatus::kActive);
  EXPECT_EQ(Get(b.id).status, MemoryStatus::kActive);
}

TEST_F(NearDuplicatesTest, SeveralMatchesComeBestFirst) {
  RememberResult a = Put("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu");
  RememberResult b = Put("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu");
  RememberResult c =
      Put("Alpha, beta, gamma, delta, epsilon, zeta, eta, theta, iota, kappa, "
          "lambda, mu!");
  ASSERT_EQ(b.near_duplicates.size(), 1u);
  ASSERT_EQ(c.near_duplicates.size(), 2u);
  EXPECT_EQ(c.near_duplicates[0].id, a.id);
  EXPECT_EQ(c.near_duplicates[0].reason, "same_words");
  EXPECT_DOUBLE_EQ(c.near_duplicates[0].similarity, 1.0);
  EXPECT_EQ(c.near_duplicates[1].id, b.id);
  EXPECT_EQ(c.near_duplicates[1].reason, "contained");
}

TEST_F(NearDuplicatesTest, ExactDuplicateIsTheExistingMemoryNotANearDuplicate) {
  RememberResult a = Put(kDeploy);
  RememberResult again = Put(kDeploy);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.id, a.id);
  EXPECT_TRUE(again.near_duplicates.empty());
  EXPECT_TRUE(Links(a.id).empty());
}

TEST_F(NearDuplicatesTest, DifferentFactsOtherScopesArchivedAndForgottenAreNotMatched) {
  Put("the staging database runs on port 5432");
  EXPECT_TRUE(Put("the staging database runs on port 5433").near_duplicates.empty());

  Put(kDeploy, {"ws", "other"});
  RememberResult archived = Put("rotate the signing keys every ninety days please");
  ASSERT_TRUE(store_->SetArchived({archived.id}, true).ok());
  RememberResult forgotten = Put("the nightly backup job runs at three in the morning");
  ASSERT_TRUE(store_->Forget(forgotten.id, /*hard=*/false).ok());

  EXPECT_TRUE(Put(kDeployLonger).near_duplicates.empty());
  EXPECT_TRUE(Put("Rotate the signing keys every ninety days!").near_duplicates.empty());
  EXPECT_TRUE(Put("The nightly backup job runs at three in the morning.").near_duplicates.empty());
}

TEST_F(NearDuplicatesTest, TheSwitchTurnsDetectionOff) {
  config_.hygiene.near_duplicates = false;
  Put(kDeploy);
  RememberResult b = Put(kDeployLonger);
  EXPECT_TRUE(b.near_duplicates.empty());
  EXPECT_TRUE(Links(b.id).empty());
}

TEST_F(NearDuplicatesTest, ThresholdsComeFromTheConfig) {
  config_.hygiene.min_contained_ratio = 0.95;
  Put(kDeploy);
  EXPECT_TRUE(Put(kDeployLonger).near_duplicates.empty());  // 8/9 < 0.95
}

TEST_F(NearDuplicatesTest, BatchesSkipDetection) {
  Put(kDeploy);
  RememberRequest r;
  r.memory.scope = {"ws", "p"};
  r.memory.content = kDeployLonger;
  auto batch = service_->RememberBatch({r});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_TRUE(batch->at(0).near_duplicates.empty());
  EXPECT_TRUE(Links(batch->at(0).id).empty());
}

TEST_F(NearDuplicatesTest, VectorRouteFindsAParaphraseWhenTheVectorIsIndexed) {
  UseEmbedder();
  RememberResult a = Put("postgres stores customer invoices");
  RememberResult b = Put("database keeps client bills");
  ASSERT_TRUE(b.embedded);
  ASSERT_EQ(b.near_duplicates.size(), 1u);
  EXPECT_EQ(b.near_duplicates[0].id, a.id);
  EXPECT_EQ(b.near_duplicates[0].reason, "vector");
  EXPECT_GE(b.near_duplicates[0].similarity, 0.95);
  EXPECT_EQ(Links(b.id).size(), 1u);
  // Unrelated text: no vector match.
  EXPECT_TRUE(Put("kitten photos from the office party").near_duplicates.empty());
}

TEST_F(NearDuplicatesTest, AWriteThatDoesNotWaitForItsVectorUsesTheLexicalRulesOnly) {
  UseEmbedder();
  Put("postgres stores customer invoices");
  RememberRequest r;
  r.memory.scope = {"ws", "p"};
  r.memory.content = "database keeps client bills";
  r.wait_for_vectors = false;
  auto b = service_->Remember(r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(b->near_duplicates.empty());
}

TEST_F(NearDuplicatesTest, TheCandidateCapBoundsTheWork) {
  config_.hygiene.candidates = 2;
  // Five memories share every word of the new one; at most two are compared and reported.
  for (int i = 0; i < 5; ++i) {
    Put("the release checklist lives in docs release md version " + std::to_string(i));
  }
  RememberResult b = Put("the release checklist lives in docs release md version");
  EXPECT_LE(b.near_duplicates.size(), 2u);
  EXPECT_FALSE(b.near_duplicates.empty());
}

TEST(DistinctiveTermsTest, DropsStopWordsKeepsLongestFirstAndBounds) {
  EXPECT_EQ(DistinctiveTerms("What is the port of the staging database?", 10),
            (std::vector<std::string>{"database", "staging", "port"}));
  EXPECT_EQ(DistinctiveTerms("what is it", 10), (std::vector<std::string>{"what", "is", "it"}));
  EXPECT_EQ(DistinctiveTerms("alpha beta alpha gamma", 2),
            (std::vector<std::string>{"alpha", "gamma"}));
  EXPECT_TRUE(DistinctiveTerms("!!!", 10).empty());
}

TEST(RulesFromTest, CopiesEveryThreshold) {
  HygieneConfig c;
  c.min_jaccard = 0.5;
  c.min_jaccard_words = 3;
  c.min_contained_words = 4;
  c.min_contained_ratio = 0.6;
  c.min_cosine = 0.7;
  NearDuplicateRules r = RulesFrom(c);
  EXPECT_DOUBLE_EQ(r.min_jaccard, 0.5);
  EXPECT_EQ(r.min_jaccard_words, 3);
  EXPECT_EQ(r.min_contained_words, 4);
  EXPECT_DOUBLE_EQ(r.min_contained_ratio, 0.6);
  EXPECT_DOUBLE_EQ(r.min_cosine, 0.7);
}

}  // namespace
}  // namespace memex
