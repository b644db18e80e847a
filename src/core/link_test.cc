#include "core/link.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

TEST(LinkKindTest, NamesRoundTrip) {
  for (LinkKind k : {LinkKind::kNearDuplicate, LinkKind::kMergedInto}) {
    Result<LinkKind> parsed = ParseLinkKind(LinkKindName(k));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, k);
  }
  EXPECT_EQ(LinkKindName(LinkKind::kNearDuplicate), "near_duplicate");
  EXPECT_EQ(LinkKindName(LinkKind::kMergedInto), "merged_into");
}

TEST(LinkKindTest, ParseIsLenientAboutCaseAndSpace) {
  Result<LinkKind> k = ParseLinkKind("  Merged_Into ");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, LinkKind::kMergedInto);
}

TEST(LinkKindTest, UnknownNameListsTheAcceptedOnes) {
  Result<LinkKind> k = ParseLinkKind("duplicate");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(k.status().message().find("near_duplicate, merged_into"), std::string::npos);
}

}  // namespace
}  // namespace memex
