#include "core/memory.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

TEST(Memory, KindNamesRoundTrip) {
  for (Kind k : AllKinds()) {
    auto parsed = ParseKind(KindName(k));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, k);
  }
  auto bad = ParseKind("nope");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("decision"), std::string::npos);
}

TEST(Memory, NormalizesTags) {
  EXPECT_EQ(NormalizeTags({" B", "a", "b", "", "A "}), (std::vector<std::string>{"a", "b"}));
}

TEST(Memory, StatusAndOrigin) {
  EXPECT_EQ(*ParseStatus("superseded"), MemoryStatus::kSuperseded);
  EXPECT_EQ(*ParseOrigin("import"), Origin::kImport);
  EXPECT_FALSE(ParseOrigin("x").ok());
}

}  // namespace
}  // namespace memex
