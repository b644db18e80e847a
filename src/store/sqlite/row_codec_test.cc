#include "store/sqlite/row_codec.h"

#include <gtest/gtest.h>

namespace memex::sqlite {
namespace {

TEST(RowCodecTest, ListsRoundTrip) {
  const std::vector<std::vector<std::string>> cases = {
      {}, {"one"}, {"a", "b c", "d/e.f"}, {"", "x"}, {"trailing", ""}};
  for (const auto& items : cases) {
    if (items.size() == 1 && items[0].empty()) continue;  // "" is the empty list
    EXPECT_EQ(SplitList(JoinList(items)), items);
  }
  EXPECT_TRUE(SplitList("").empty());
}

TEST(RowCodecTest, EnumCodesRoundTripAndRejectUnknown) {
  for (Kind k : AllKinds()) EXPECT_EQ(*KindFromCode(KindToCode(k)), k);
  for (MemoryStatus s : {MemoryStatus::kCandidate, MemoryStatus::kActive, MemoryStatus::kSuperseded,
                         MemoryStatus::kArchived}) {
    EXPECT_EQ(*StatusFromCode(StatusToCode(s)), s);
  }
  for (Origin o :
       {Origin::kManual, Origin::kHook, Origin::kProxy, Origin::kImport, Origin::kConsolidation}) {
    EXPECT_EQ(*OriginFromCode(OriginToCode(o)), o);
  }
  EXPECT_EQ(StatusToCode(MemoryStatus::kSuperseded), kSupersededCode);
  EXPECT_EQ(KindFromCode(8).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(StatusFromCode(-1).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(OriginFromCode(99).status().code(), StatusCode::kDataLoss);
}

TEST(RowCodecTest, IndexValues) {
  std::string body;
  FtsBody("HttpServer2 start", "http server 2", &body);
  EXPECT_EQ(body, "HttpServer2 start http server 2");
  FtsBody("plain", "", &body);
  EXPECT_EQ(body, "plain");
  EXPECT_EQ(FtsTags({"a", "b-c"}), "a b-c");
  EXPECT_EQ(FtsStatus(MemoryStatus::kActive), "");
  EXPECT_EQ(FtsStatus(MemoryStatus::kCandidate), "");
  EXPECT_EQ(FtsStatus(MemoryStatus::kSuperseded), "h");
  EXPECT_EQ(FtsStatus(MemoryStatus::kArchived), "a");
  EXPECT_EQ(FtsTable(7), "memories_fts_7");
  EXPECT_NE(FtsTableSql(7).find("CREATE VIRTUAL TABLE IF NOT EXISTS memories_fts_7 USING fts5("),
            std::string::npos);
  EXPECT_NE(FtsTableSql(7).find("ids"), std::string::npos);
  // Stable, distinct, one alphanumeric token each.
  EXPECT_EQ(FtsIdentToken("src/a.cc"), FtsIdentToken("src/a.cc"));
  EXPECT_NE(FtsIdentToken("src/a.cc"), FtsIdentToken("src/b.cc"));
  EXPECT_EQ(FtsIdentToken("").substr(0, 2), "zz");
  EXPECT_EQ(FtsIdentTokens({"a_b", "c.d"}), FtsIdentToken("a_b") + " " + FtsIdentToken("c.d"));
}

}  // namespace
}  // namespace memex::sqlite
