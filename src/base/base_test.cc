#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/ids.h"
#include "base/status.h"
#include "base/text.h"
#include "base/time_util.h"

namespace memex {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Status, ResultAndMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Status(StatusCode::kNotFound, "x").ToString(), "NOT_FOUND: x");
  EXPECT_EQ(NotFound("x").WithContext("get").message(), "get: x");
}

TEST(Time, FormatAndParse) {
  EXPECT_EQ(FormatRfc3339Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(*ParseTimestampMs("1970-01-02"), 86400000);
  EXPECT_EQ(*ParseTimestampMs("2026-11-21T20:33:46.123Z"), 1795293226123);
  EXPECT_EQ(*ParseTimestampMs("2026-11-21T21:33:46.123+01:00"), 1795293226123);
  EXPECT_EQ(*ParseTimestampMs(FormatRfc3339Ms(1795293226123)), 1795293226123);
  for (const char* bad :
       {"", "2026", "2026-13-01", "2026-01-01T25:00", "yesterday", "2026-01-01Tx"}) {
    EXPECT_FALSE(ParseTimestampMs(bad).ok()) << bad;
  }
}

TEST(Ids, UuidV7IsMonotonicAndWellFormed) {
  std::string prev;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuidV7(1795293226123);
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '7');
    EXPECT_GT(id, prev);
    prev = id;
  }
  EXPECT_FALSE(IsUuid("not-a-uuid"));
}

TEST(Ids, Sha256) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(RandomHex(16).size(), 32u);
}

TEST(Text, Utf8) {
  EXPECT_TRUE(IsValidUtf8("héllo €𝄞"));
  EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_EQ(FirstInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(TruncateUtf8("héllo", 2, "…"), "h…");
}

TEST(Text, Helpers) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Join({"a", "b"}, "/"), "a/b");
  EXPECT_EQ(AsciiLower("AbC"), "abc");
}

TEST(Clock, Fake) {
  FakeClock c(10);
  c.Advance(5);
  EXPECT_EQ(c.NowMs(), 15);
}

}  // namespace
}  // namespace memex
