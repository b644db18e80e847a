#include "retrieval/query_names.h"

#include <gtest/gtest.h>

#include "core/tokens.h"

namespace memex {
namespace {

using Names = std::vector<std::string>;

TEST(QueryNames, CapitalisedWordsInMidSentence) {
  EXPECT_EQ(NamesInQuery("When did Caroline go to the LGBTQ support group?"), Names{"caroline"});
  EXPECT_EQ(NamesInQuery("What did Melanie paint in Paris with Caroline?"),
            (Names{"melanie", "paris", "caroline"}));
  EXPECT_EQ(NamesInQuery("Which team does Tim support? Ask Tim."), Names{"tim"});
}

TEST(QueryNames, SentenceStartsAcronymsAndCalendarWordsAreNotNames) {
  EXPECT_TRUE(NamesInQuery("Caroline went home").empty());
  EXPECT_TRUE(NamesInQuery("why does the API return 404? Because").empty());
  EXPECT_TRUE(NamesInQuery("what happened in June or on Monday").empty());
  EXPECT_TRUE(NamesInQuery("note: Redis").empty());  // after a colon, a new sentence starts
  EXPECT_EQ(NamesInQuery("3 Redis nodes"), Names{"redis"});
  EXPECT_TRUE(NamesInQuery("").empty());
  EXPECT_TRUE(NamesInQuery("an I in it").empty());  // one letter
}

TEST(QueryNames, PossessivesAndNonAsciiText) {
  EXPECT_EQ(NamesInQuery("What is Caroline's job?"), Names{"caroline"});
  EXPECT_EQ(NamesInQuery("d\xc3\xa9j\xc3\xa0 vu at Z\xc3\xbcrich"), Names{"z\xc3\xbcrich"});
}

TEST(QueryNames, AgentNamedByConsecutiveWords) {
  const std::vector<std::string> words = SplitWords("what did Claude Code decide about codex?");
  EXPECT_TRUE(QueryNamesAgent(words, "claude-code"));
  EXPECT_TRUE(QueryNamesAgent(words, "Codex"));
  EXPECT_FALSE(QueryNamesAgent(words, "code-claude"));
  EXPECT_FALSE(QueryNamesAgent(words, "cursor"));
  EXPECT_FALSE(QueryNamesAgent(words, ""));
  EXPECT_FALSE(QueryNamesAgent({}, "codex"));
}

}  // namespace
}  // namespace memex
