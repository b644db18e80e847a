#include "mcp/pf_uri.h"

#include <gtest/gtest.h>

namespace memex::mcp {
namespace {

constexpr char kId[] = "01234567-89ab-7def-8123-456789abcdef";

TEST(PfUriTest, FormatAndParseRoundTrip) {
  std::string uri = FormatMemoryUri({"ws", "proj"}, kId);
  EXPECT_EQ(uri, std::string("memex://ws/proj/memories/") + kId);
  auto parsed = ParseMemoryUri(uri);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->scope, (Scope{"ws", "proj"}));
  EXPECT_EQ(parsed->id, kId);
  EXPECT_EQ(FormatMemoryUri(parsed->scope, parsed->id), uri);
}

TEST(PfUriTest, UppercaseIdIsNormalised) {
  auto parsed = ParseMemoryUri("memex://ws/p/memories/01234567-89AB-7DEF-8123-456789ABCDEF");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->id, kId);
}

TEST(PfUriTest, Scheme) {
  EXPECT_EQ(UriScheme("memex://a/b"), "memex");
  EXPECT_EQ(UriScheme("memory://notes/x.md"), "memory");
  EXPECT_EQ(UriScheme("no-scheme"), "");
  EXPECT_EQ(UriScheme("://x"), "");
}

TEST(PfUriTest, CollectionsRoundTrip) {
  for (Collection c : {Collection::kMemories, Collection::kHandoffs, Collection::kLessons}) {
    std::string uri = FormatMemexUri({"ws", "p"}, c, kId);
    EXPECT_EQ(uri, "memex://ws/p/" + std::string(CollectionName(c)) + "/" + kId);
    auto parsed = ParseMemexUri(uri);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->collection, c);
    EXPECT_EQ(parsed->id, kId);
  }
  for (const std::string& id :
       std::vector<std::string>{"3f2a9c4e-0b1d-4c55-9e0a-6a7b8c9d0e1f", "rollout-2026_11.x:1",
                                "a b/c%d", std::string(200, 's')}) {
    std::string uri = FormatMemexUri({"ws", "p"}, Collection::kSessions, id);
    auto parsed = ParseMemexUri(uri);
    ASSERT_TRUE(parsed.ok()) << uri << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->collection, Collection::kSessions);
    EXPECT_EQ(parsed->id, id);
    EXPECT_EQ(parsed->scope, (Scope{"ws", "p"}));
  }
  EXPECT_EQ(FormatMemexUri({"ws", "p"}, Collection::kSessions, "a b/c"),
            "memex://ws/p/sessions/a%20b%2Fc");
}

TEST(PfUriTest, MemoryParserRefusesOtherCollections) {
  EXPECT_TRUE(ParseMemexUri("memex://ws/p/sessions/s1").ok());
  auto parsed = ParseMemoryUri("memex://ws/p/sessions/s1");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseMemoryUri(std::string("memex://ws/p/lessons/") + kId).ok());
}

TEST(PfUriTest, BadSessionIds) {
  for (const std::string& bad : std::vector<std::string>{
           "memex://ws/p/sessions/", "memex://ws/p/sessions/a b", "memex://ws/p/sessions/a%2",
           "memex://ws/p/sessions/a%zz", "memex://ws/p/sessions/" + std::string(201, 's'),
           "memex://ws/p/handoffs/not-a-uuid"}) {
    auto parsed = ParseMemexUri(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

struct BadUri {
  std::string uri;
  StatusCode code;
};

class PfUriBadTest : public ::testing::TestWithParam<BadUri> {};

TEST_P(PfUriBadTest, Rejected) {
  auto parsed = ParseMemoryUri(GetParam().uri);
  ASSERT_FALSE(parsed.ok()) << GetParam().uri;
  EXPECT_EQ(parsed.status().code(), GetParam().code) << parsed.status().ToString();
}

const std::string kGoodTail = std::string("/memories/") + kId;

INSTANTIATE_TEST_SUITE_P(
    All, PfUriBadTest,
    ::testing::Values(BadUri{"", StatusCode::kInvalidArgument},
                      BadUri{"ws/p/memories/x", StatusCode::kInvalidArgument},
                      BadUri{"memory://notes/x.md", StatusCode::kNotFound},
                      BadUri{"http://ws/p" + kGoodTail, StatusCode::kNotFound},
                      BadUri{"memex://ws" + kGoodTail, StatusCode::kInvalidArgument},
                      BadUri{"memex://ws//memories/x", StatusCode::kInvalidArgument},
                      BadUri{"memex://WS/p" + kGoodTail, StatusCode::kInvalidArgument},
                      BadUri{"memex://ws/p/pages/" + std::string(kId),
                             StatusCode::kInvalidArgument},
                      BadUri{"memex://ws/p/memories/not-a-uuid", StatusCode::kInvalidArgument},
                      BadUri{"memex://ws/p" + kGoodTail + "/extra", StatusCode::kInvalidArgument},
                      BadUri{"memex://../p" + kGoodTail, StatusCode::kInvalidArgument}));

}  // namespace
}  // namespace memex::mcp
