#include "retrieval/near_duplicate.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace memex {
namespace {

const NearDuplicateRules kRules;

TEST(NearDuplicateTest, FingerprintNormalisesCasePunctuationAndSpacing) {
  WordFingerprint f = Fingerprint("  Use TABS, not spaces -- in Makefiles; tabs!\n");
  EXPECT_EQ(f.words,
            (std::vector<std::string>{"use", "tabs", "not", "spaces", "in", "makefiles", "tabs"}));
  EXPECT_EQ(f.distinct,
            (std::vector<std::string>{"in", "makefiles", "not", "spaces", "tabs", "use"}));
}

TEST(NearDuplicateTest, JaccardAndContainsRun) {
  using V = std::vector<std::string>;
  EXPECT_DOUBLE_EQ(Jaccard(V{"a", "b", "c"}, V{"b", "c", "d"}), 0.5);
  EXPECT_DOUBLE_EQ(Jaccard(V{"a"}, V{"a"}), 1.0);
  EXPECT_DOUBLE_EQ(Jaccard(V{}, V{}), 0.0);
  EXPECT_DOUBLE_EQ(Jaccard(V{"a"}, V{}), 0.0);
  EXPECT_TRUE(ContainsRun(V{"a", "b", "c", "d"}, V{"b", "c"}));
  EXPECT_FALSE(ContainsRun(V{"a", "b", "c", "d"}, V{"b", "d"}));
  EXPECT_TRUE(ContainsRun(V{"a"}, V{}));
  EXPECT_FALSE(ContainsRun(V{"a"}, V{"a", "b"}));
}

struct Case {
  const char* name;
  const char* a;
  const char* b;
  DuplicateReason reason;
  double similarity;  // checked when reason != kNone
};

class LexicalDuplicateTest : public ::testing::TestWithParam<Case> {};

TEST_P(LexicalDuplicateTest, AppliesTheRules) {
  const Case& c = GetParam();
  DuplicateScore ab = LexicalDuplicate(c.a, c.b, kRules);
  DuplicateScore ba = LexicalDuplicate(c.b, c.a, kRules);
  EXPECT_EQ(DuplicateReasonName(ab.reason), DuplicateReasonName(c.reason)) << c.name;
  EXPECT_EQ(ab.reason, ba.reason) << c.name << ": not symmetric";
  EXPECT_DOUBLE_EQ(ab.similarity, ba.similarity) << c.name;
  if (c.reason != DuplicateReason::kNone) {
    EXPECT_NEAR(ab.similarity, c.similarity, 1e-9) << c.name;
  }
  // The pre-filter never rules out a pair the rules accept.
  if (ab.duplicate()) {
    EXPECT_FALSE(LexicallyTooDifferent(Fingerprint(c.a), Fingerprint(c.b), kRules)) << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, LexicalDuplicateTest,
    ::testing::Values(
        Case{"same words, other case and punctuation", "The build uses CMake and Ninja.",
             "the build uses cmake, and ninja", DuplicateReason::kSameWords, 1.0},
        Case{"one word is still the same words", "Yes!", "yes", DuplicateReason::kSameWords, 1.0},
        Case{"no words at all is not a duplicate", "!!!", "---", DuplicateReason::kNone, 0},
        Case{"contained, 8 of 9 words", "deploy the api with make release on fridays",
             "Always deploy the api with make release on fridays", DuplicateReason::kContained,
             8.0 / 9.0},
        Case{"four equal words are the same words", "Deploy with make release.",
             "deploy with make release", DuplicateReason::kSameWords, 1.0},
        Case{"4-word run inside 5 words is not contained", "deploy with make release",
             "deploy with make release now", DuplicateReason::kNone, 0},
        Case{"contained but under 80% of the longer", "deploy the api with make release",
             "we deploy the api with make release on fridays only", DuplicateReason::kNone, 0},
        Case{"reordered plus one word, 14 of 15 distinct shared",
             "postgres connection pool size is twenty in staging and forty in production for "
             "the api",
             "in production the api pool size is forty and twenty in staging for postgres "
             "connection limits",
             DuplicateReason::kWordOverlap, 14.0 / 15.0},
        Case{"word overlap >= 0.92",
             "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu",
             "mu lambda kappa iota theta eta zeta epsilon delta gamma beta alpha",
             DuplicateReason::kWordOverlap, 1.0},
        Case{"word overlap 12 of 13 distinct (0.923)",
             "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu",
             "mu lambda kappa iota theta eta zeta epsilon delta gamma beta alpha nu",
             DuplicateReason::kWordOverlap, 12.0 / 13.0},
        Case{"word overlap 11 of 13 distinct (0.846) is not enough",
             "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu",
             "mu lambda kappa iota theta eta zeta epsilon delta gamma beta nu",
             DuplicateReason::kNone, 0},
        Case{"word overlap needs 6 distinct words", "red green blue cyan magenta",
             "magenta cyan blue green red", DuplicateReason::kNone, 0},
        Case{"one changed word in a short note is a different fact",
             "the staging database runs on port 5432", "the staging database runs on port 5433",
             DuplicateReason::kNone, 0}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string n = info.param.name;
      for (char& ch : n) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return n;
    });

TEST(NearDuplicateTest, RulesAreConfigurable) {
  NearDuplicateRules loose = kRules;
  loose.min_contained_ratio = 0.5;
  EXPECT_EQ(LexicalDuplicate("deploy the api with make release",
                             "we deploy the api with make release on fridays only", loose)
                .reason,
            DuplicateReason::kContained);
  loose.min_jaccard = 0.8;
  loose.min_jaccard_words = 5;
  EXPECT_EQ(
      LexicalDuplicate("red green blue cyan magenta", "magenta cyan blue green red", loose).reason,
      DuplicateReason::kWordOverlap);
}

TEST(NearDuplicateTest, VectorRule) {
  EXPECT_EQ(VectorDuplicate(0.97, kRules).reason, DuplicateReason::kVector);
  EXPECT_DOUBLE_EQ(VectorDuplicate(0.97, kRules).similarity, 0.97);
  EXPECT_TRUE(VectorDuplicate(0.95, kRules).duplicate());
  EXPECT_FALSE(VectorDuplicate(0.9499, kRules).duplicate());
  EXPECT_DOUBLE_EQ(VectorDuplicate(1.0000002, kRules).similarity, 1.0);
}

TEST(NearDuplicateTest, ReasonNames) {
  EXPECT_EQ(DuplicateReasonName(DuplicateReason::kSameWords), "same_words");
  EXPECT_EQ(DuplicateReasonName(DuplicateReason::kContained), "contained");
  EXPECT_EQ(DuplicateReasonName(DuplicateReason::kWordOverlap), "word_overlap");
  EXPECT_EQ(DuplicateReasonName(DuplicateReason::kVector), "vector");
  EXPECT_EQ(DuplicateReasonName(DuplicateReason::kNone), "none");
}

}  // namespace
}  // namespace memex
