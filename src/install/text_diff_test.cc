#include "install/text_diff.h"

#include <gtest/gtest.h>

namespace memex::install {
namespace {

TEST(TextDiffTest, EqualTextsHaveNoDiff) { EXPECT_EQ(UnifiedDiff("a\n", "a\n", "x", "y"), ""); }

TEST(TextDiffTest, NewFile) {
  EXPECT_EQ(UnifiedDiff("", "a\nb\n", "/dev/null", "f"),
            "--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
}

TEST(TextDiffTest, OneHunkWithContext) {
  const std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  const std::string b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(UnifiedDiff(a, b, "f", "f", 1), "--- f\n+++ f\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n");
}

TEST(TextDiffTest, DistantChangesMakeTwoHunks) {
  std::string a;
  for (int i = 0; i < 20; ++i) a += std::to_string(i) + "\n";
  std::string b = a;
  b.replace(b.find("2\n"), 2, "two\n");
  b.replace(b.find("17\n"), 3, "seventeen\n");
  std::string diff = UnifiedDiff(a, b, "f", "f", 1);
  EXPECT_NE(diff.find("@@ -2,3 +2,3 @@\n 1\n-2\n+two\n 3\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("@@ -17,3 +17,3 @@\n 16\n-17\n+seventeen\n 18\n"), std::string::npos) << diff;
}

TEST(TextDiffTest, Removal) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "", "f", "/dev/null"),
            "--- f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
}

}  // namespace
}  // namespace memex::install
