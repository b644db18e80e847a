#include "core/scope.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

TEST(Scope, ValidatesNames) {
  EXPECT_TRUE(ValidateScopeName("proj-1.x_y").ok());
  EXPECT_TRUE(ValidateScopeName("0abc").ok());
  for (const char* bad : {"", "-x", "Upper", "a b", "a/b", ".hidden", "é"}) {
    EXPECT_EQ(ValidateScopeName(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(ValidateScopeName(std::string(64, 'a')).ok());
  EXPECT_FALSE(ValidateScopeName(std::string(65, 'a')).ok());
}

TEST(Scope, Parses) {
  auto s = ParseScope("ws/proj");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->workspace, "ws");
  EXPECT_EQ(s->project, "proj");
  auto d = ParseScope("proj");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ToString(), "default/proj");
  EXPECT_FALSE(ParseScope("a/b/c").ok());
  EXPECT_FALSE(ParseScope("A/b").ok());
  EXPECT_FALSE(ParseScope("a/").ok());
}

TEST(Scope, Sanitizes) {
  EXPECT_EQ(SanitizeScopeName("My Project (v2)"), "my-project-v2");
  EXPECT_EQ(SanitizeScopeName("__init"), "init");
  EXPECT_EQ(SanitizeScopeName("???"), "");
}

}  // namespace
}  // namespace memex
