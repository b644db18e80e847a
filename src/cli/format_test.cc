#include "cli/format.h"

#include <gtest/gtest.h>

namespace memex::cli {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kMin = 60'000;
constexpr int64_t kDay = 24 * 60 * kMin;

TEST(FormatAgeTest, Table) {
  struct Case {
    int64_t then;
    const char* want;
  } cases[] = {
      {0, "never"},
      {kNow, "just now"},
      {kNow - 59'000, "just now"},
      {kNow - 5 * kMin, "5m ago"},
      {kNow - 3 * 60 * kMin, "3h ago"},
      {kNow - 47 * 60 * kMin, "47h ago"},
      {kNow - 2 * kDay, "2d ago"},
      {kNow - 90 * kDay, "3mo ago"},
      {kNow - 800 * kDay, "2y ago"},
      {kNow + 3 * kDay, "in 3d"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatAge(kNow, c.then), c.want) << c.then;
}

TEST(FormatBytesTest, Units) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(12 * 1024 * 1024), "12.0 MiB");
  EXPECT_EQ(FormatBytes(int64_t{3} << 30), "3.0 GiB");
}

TEST(FormatCountTest, Separators) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-4500), "-4,500");
}

TEST(SnippetTest, CollapsesWhitespaceAndCuts) {
  EXPECT_EQ(Snippet("  a\n\n b\t c  ", 80), "a b c");
  EXPECT_EQ(Snippet("abcdef", 3), "abc…");
  // Never splits a UTF-8 sequence.
  EXPECT_EQ(Snippet("aé", 2), "a…");
  EXPECT_EQ(Snippet("", 10), "");
}

TEST(SplitCommaListTest, FlattensAndTrims) {
  EXPECT_EQ(SplitCommaList({"a,b", " c ", "", ",,d"}),
            (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(ParseKindsTest, AcceptsNamesRejectsUnknown) {
  auto kinds = ParseKinds({"fact,Decision", "gotcha"});
  ASSERT_TRUE(kinds.ok());
  EXPECT_EQ(*kinds, (std::vector<Kind>{Kind::kFact, Kind::kDecision, Kind::kGotcha}));
  auto bad = ParseKinds({"fact,bogus"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bogus"), std::string::npos);
  EXPECT_NE(bad.status().message().find("decision"), std::string::npos);  // lists valid kinds
}

TEST(ParseScopeListTest, DefaultWorkspaceAndErrors) {
  auto scopes = ParseScopeList({"a/x,y"}, "team");
  ASSERT_TRUE(scopes.ok());
  ASSERT_EQ(scopes->size(), 2u);
  EXPECT_EQ((*scopes)[0].ToString(), "a/x");
  EXPECT_EQ((*scopes)[1].ToString(), "team/y");
  EXPECT_FALSE(ParseScopeList({"Bad Name"}, "default").ok());
  EXPECT_FALSE(ParseScopeList({"a/b/c"}, "default").ok());
}

TEST(ParseDateFlagTest, NamesTheFlag) {
  auto ms = ParseDateFlag("--since", "2026-01-02");
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(*ms, 1767312000000);
  auto bad = ParseDateFlag("--since", "yesterday");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("--since: ", 0), 0u);
}

Memory SampleMemory() {
  Memory m;
  m.id = "0198c3e2-0000-7000-8000-000000000001";
  m.scope = {"default", "proj"};
  m.kind = Kind::kDecision;
  m.content = "Use SQLite\nin WAL mode";
  m.tags = {"db", "storage"};
  m.version = 2;
  m.supersedes = "0198c3e2-0000-7000-8000-000000000000";
  m.created_ms = kNow - 2 * kDay;
  m.updated_ms = kNow - 5 * kMin;
  return m;
}

TEST(FormatMemoryDetailTest, FieldsThenContent) {
  std::string text = FormatMemoryDetail(SampleMemory(), kNow);
  EXPECT_NE(text.find("id:         0198c3e2-0000-7000-8000-000000000001\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("scope:      default/proj\n"), std::string::npos);
  EXPECT_NE(text.find("kind:       decision\n"), std::string::npos);
  EXPECT_NE(text.find("version:    2, supersedes 0198c3e2-0000-7000-8000-000000000000\n"),
            std::string::npos);
  EXPECT_NE(text.find("tags:       db, storage\n"), std::string::npos);
  EXPECT_NE(text.find("(2d ago)"), std::string::npos);
  EXPECT_NE(text.find("\n\nUse SQLite\nin WAL mode\n"), std::string::npos);
  EXPECT_EQ(text.find("confidence"), std::string::npos);  // shown only when not 1
}

TEST(FormatMemoryDetailTest, ForgottenStatus) {
  Memory m = SampleMemory();
  m.deleted_ms = kNow - 3 * 60 * kMin;
  EXPECT_NE(FormatMemoryDetail(m, kNow).find("status:     forgotten 3h ago (was active)"),
            std::string::npos);
}

TEST(FormatMemoryLineTest, OneLine) {
  EXPECT_EQ(FormatMemoryLine(SampleMemory(), kNow),
            "0198c3e2-0000-7000-8000-000000000001  decision  5m ago    Use SQLite in WAL mode");
}

TEST(FormatHitTest, HeaderSnippetAndExplain) {
  RankedHit hit{SampleMemory(), 0.8731, {}};
  hit.channels.bm25 = 3.14159;
  hit.channels.text = 1.0;
  hit.channels.text_part = 0.6;
  hit.channels.exact_part = 0.25;
  hit.channels.exact = 1.0;
  hit.channels.recency = 0.1541;
  hit.channels.recency_part = 0.0231;
  hit.channels.matched_terms = {"sqlite"};
  std::string plain = FormatHit(hit, 3, kNow, false);
  EXPECT_EQ(plain,
            " 3. 0.873  decision  5m ago  0198c3e2-0000-7000-8000-000000000001  #db #storage\n"
            "    Use SQLite in WAL mode\n");
  std::string explained = FormatHit(hit, 3, kNow, true);
  EXPECT_NE(explained.find("explain: text 0.600 (bm25 3.14, normalised 1.000) + exact 0.250 "
                           "(1.000) + recency 0.023 (0.154) = 0.873"),
            std::string::npos)
      << explained;
  EXPECT_NE(explained.find("matched terms: sqlite; identifiers: -"), std::string::npos);
}

TEST(FormatPlanTest, TermsIdentifiersStopWordsBounds) {
  QueryPlan plan;
  plan.terms = {"sqlite", "wal"};
  plan.term_stats = {{3, false}, {9000, true}};
  plan.identifiers = {"memex.db", "src"};
  plan.ident_df = {2, -1};
  plan.stop_words = {"the", "what"};
  plan.doc_count = 12000;
  plan.pruned = true;
  std::string text = FormatPlan(plan);
  EXPECT_NE(text.find("2 terms, 2 identifiers, 12,000 documents in scope"), std::string::npos);
  EXPECT_NE(text.find("sqlite (df 3), wal (df 9000, estimated)"), std::string::npos) << text;
  EXPECT_NE(text.find("memex.db (df 2), src (too common, ignored)"), std::string::npos);
  EXPECT_NE(text.find("stop words:   the, what"), std::string::npos);
  EXPECT_NE(text.find("pruned"), std::string::npos);
  EXPECT_EQ(text.find("windowed"), std::string::npos);
}

TEST(FormatNoMatchTest, SaysWhyWhenTheGateAnswered) {
  QueryPlan plan;
  EXPECT_EQ(FormatNoMatch(plan), "No memories match.");
  plan.gated = true;
  plan.relevance = 0.6521;
  plan.relevance_bar = 0.75;
  EXPECT_EQ(FormatNoMatch(plan),
            "No memories match. Nothing in scope is relevant enough (relevance 0.65 under the bar "
            "0.75; --explain shows why).");
}

TEST(FormatStatsTest, CountsKindsAndScopes) {
  StoreStats s;
  s.live = 12;
  s.superseded = 3;
  s.forgotten = 1;
  s.by_kind = {{Kind::kFact, 8}, {Kind::kDecision, 4}};
  s.scopes = {{{"default", "a"}, 10, 3, 1}, {{"default", "bb"}, 2, 0, 0}};
  s.db_bytes = 2048;
  s.schema_version = 1;
  std::string text = FormatStats(s, "all scopes");
  EXPECT_NE(text.find("memories:   12 live, 3 superseded, 1 forgotten\n"), std::string::npos);
  EXPECT_NE(text.find("by kind:    fact 8, decision 4\n"), std::string::npos);
  EXPECT_NE(text.find("database:   2.0 KiB, schema v1\n"), std::string::npos);
  EXPECT_NE(text.find("  default/a   10 live, 3 superseded, 1 forgotten\n"), std::string::npos)
      << text;
}

TEST(FormatStatsTest, ArchivedCountsShowWhenThereAreSome) {
  EXPECT_EQ(FormatCounts(12, 3, 1), "12 live, 3 superseded, 1 forgotten");
  EXPECT_EQ(FormatCounts(12, 3, 1, 0), "12 live, 3 superseded, 1 forgotten");
  EXPECT_EQ(FormatCounts(12, 3, 1, 4), "12 live, 3 superseded, 1 forgotten, 4 archived");
  StoreStats s;
  s.live = 2;
  s.archived = 5;
  s.scopes = {{{"default", "a"}, 2, 0, 0, 5}, {{"default", "b"}, 0, 0, 0, 0}};
  std::string text = FormatStats(s, "all scopes");
  EXPECT_NE(text.find("memories:   2 live, 0 superseded, 0 forgotten, 5 archived\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  default/a  2 live, 0 superseded, 0 forgotten, 5 archived\n"),
            std::string::npos)
      << text;
}

TEST(FormatHygieneTest, NearDuplicateNoteAndLinks) {
  EXPECT_EQ(FormatNearDuplicate({"0198-a", 0.888888, "contained"}),
            "near-duplicate of 0198-a (contained, similarity 0.89): both are kept and linked; "
            "'memex consolidate' merges them");
  std::vector<MemoryLink> links = {
      {"me", "other", LinkKind::kNearDuplicate, 0.9, kNow - 2 * kDay},
      {"third", "me", LinkKind::kMergedInto, 1.0, kNow - 5 * kMin},
  };
  EXPECT_EQ(FormatLinks("me", links, kNow),
            "  near_duplicate -> other (0.90, 2d ago)\n"
            "  merged_into <- third (1.00, 5m ago)\n");
  EXPECT_EQ(FormatLinks("me", {}, kNow), "");
}

}  // namespace
}  // namespace memex::cli
