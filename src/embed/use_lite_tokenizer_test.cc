#include "embed/use_lite_tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "embed/use_lite_testing.h"

namespace memex {
namespace {

using Ids = std::vector<int32_t>;

// Six reserved pieces, then a few with hand-picked scores.
constexpr const char* kVocab = R"([
  ["\ufffd", 0], ["<s>", 0], ["</s>", 0], ["x1", 0], ["x2", 0], ["x3", 0],
  ["\u2581", -2], ["a", -1], ["b", -1], ["ab", -2], ["\u2581a", -1.5], ["c", null],
  ["\u2581c", null], ["fi", -1], ["i", -5]
])";

UseLiteTokenizer Tokenizer(const char* vocab = kVocab) {
  Result<UseLiteTokenizer> t = UseLiteTokenizer::FromVocabJson(vocab, "vocab.json");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

Ids Encode(const UseLiteTokenizer& t, std::string_view text, int max_tokens = 128) {
  Result<Ids> ids = t.Encode(text, max_tokens);
  EXPECT_TRUE(ids.ok()) << ids.status().ToString();
  return ids.ok() ? *ids : Ids{};
}

TEST(UseLiteTokenizerTest, ViterbiFollowsTheReference) {
  UseLiteTokenizer t = Tokenizer();
  struct Case {
    const char* text;
    Ids want;
  } cases[] = {
      {"ab", {10, 8}},      // ▁a + b (-2.5) beats ▁ + ab (-4)
      {"a b", {10, 6, 8}},  // an ASCII space becomes ▁
      {"ａｂ", {10, 8}},    // NFKC folds full-width letters
      {"ﬁ", {6, 13}},       // and the ligature
      {"a\xe2\x82\xac\xe2\x82\xac"
       "b",
       {10, 0, 8}},   // unknown code points: one merged id 0
      {"A", {6, 0}},  // no lower-casing
      {"", {}},       // nothing at all, not even ▁
      // ▁c scores null (0): a best of exactly 0 is replaced by any later candidate, here ▁ + c.
      {"c", {6, 11}},
  };
  for (const Case& c : cases) EXPECT_EQ(Encode(t, c.text), c.want) << c.text;
}

TEST(UseLiteTokenizerTest, TiesGoToTheLaterStart) {
  // ▁a (-3) ties with ▁ + a (-2 + -1): the candidate starting later wins.
  UseLiteTokenizer t = Tokenizer(R"([["?",0],["?",0],["?",0],["?",0],["?",0],["?",0],
                                     ["\u2581",-2],["a",-1],["\u2581a",-3]])");
  EXPECT_EQ(Encode(t, "a"), (Ids{6, 7}));
}

TEST(UseLiteTokenizerTest, ReservedPiecesAreNeverMatched) {
  UseLiteTokenizer t = Tokenizer(R"([["?",0],["a",0],["b",0],["c",0],["d",0],["e",0],
                                     ["\u2581",-1]])");
  EXPECT_EQ(Encode(t, "a"), (Ids{6, 0}));
}

TEST(UseLiteTokenizerTest, ClipsToMaxTokens) {
  UseLiteTokenizer t = Tokenizer();
  std::string text;
  for (int i = 0; i < 200; ++i) text += "c ";
  EXPECT_EQ(Encode(t, text).size(), 128u);
  EXPECT_EQ(Encode(t, text, 5).size(), 5u);
  EXPECT_GT(Encode(t, text, -1).size(), 128u);
}

TEST(UseLiteTokenizerTest, RejectsInvalidUtf8) {
  UseLiteTokenizer t = Tokenizer();
  for (std::string_view bad : {"\xff", "a\xc3", "\xed\xa0\x80", "\xc0\xaf"}) {
    EXPECT_EQ(t.Encode(bad).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(UseLiteTokenizerTest, RejectsADamagedVocabulary) {
  for (const char* bad : {"", "{}", "[1,2,3]", R"([["a",0],["b",0]])",
                          R"([["a",0],["b",0],["c",0],["d",0],["e",0],["f",0],["g","x"]])"}) {
    Result<UseLiteTokenizer> t = UseLiteTokenizer::FromVocabJson(bad, "/m/vocab.json");
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(t.status().message().find("/m/vocab.json"), std::string::npos);
  }
}

TEST(UseLiteTokenizerTest, MatchesTheReferenceIds) {
  std::string dir = use_lite_testing::ModelDirOrFail();
  ASSERT_FALSE(dir.empty());
  std::ifstream in(std::filesystem::path(dir) / "vocab.json");
  std::string vocab((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<UseLiteTokenizer> t = UseLiteTokenizer::FromVocabJson(vocab, dir + "/vocab.json");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->vocab_size(), 8000u);
  std::vector<use_lite_testing::GoldenCase> golden = use_lite_testing::LoadGolden();
  ASSERT_GE(golden.size(), 17u);
  for (const use_lite_testing::GoldenCase& c : golden) {
    EXPECT_EQ(Encode(*t, c.text, -1), c.ids) << c.text;
    Ids clipped = c.ids;
    if (clipped.size() > 128) clipped.resize(128);
    EXPECT_EQ(Encode(*t, c.text), clipped) << c.text;
  }
}

}  // namespace
}  // namespace memex
