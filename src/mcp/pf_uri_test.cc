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
