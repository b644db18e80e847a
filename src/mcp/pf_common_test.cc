#include "mcp/pf_common.h"

#include <gtest/gtest.h>

#include <functional>

#include "base/time_util.h"

namespace memex::mcp::pf {
namespace {

struct SliceCase {
  std::string text;
  int64_t from, to;
  std::string want;
};

class SliceLinesTest : public ::testing::TestWithParam<SliceCase> {};

TEST_P(SliceLinesTest, Slices) {
  const SliceCase& c = GetParam();
  EXPECT_EQ(SliceLines(c.text, c.from, c.to), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    All, SliceLinesTest,
    ::testing::Values(SliceCase{"a\nb\nc", 0, 0, "a\nb\nc"}, SliceCase{"a\nb\nc", 1, 0, "a\nb\nc"},
                      SliceCase{"a\nb\nc", 2, 0, "b\nc"}, SliceCase{"a\nb\nc", 0, 2, "a\nb"},
                      SliceCase{"a\nb\nc", 2, 2, "b"}, SliceCase{"a\nb\nc", 3, 9, "c"},
                      SliceCase{"a\nb\nc", 4, 0, ""}, SliceCase{"a\n\nc\n", 2, 3, "\nc"},
                      SliceCase{"", 1, 1, ""}));

TEST(FromStatusTest, MapsEveryCode) {
  struct Case {
    Status st;
    std::string code;
    int status;
  };
  const Case cases[] = {
      {InvalidArgument("bad"), "invalid_request", 400},
      {InvalidArgument("content is 9 bytes; the limit is 1 (limits.max_content_bytes)"),
       "content_too_large", 413},
      {NotFound("x"), "context_not_found", 404},
      {PermissionDenied("x"), "access_violation", 403},
      {ResourceExhausted("x"), "content_too_large", 413},
      {Unavailable("x"), "backend_unavailable", 502},
      {Internal("x"), "internal_error", 500},
      {DataLoss("x"), "internal_error", 500},
      {FailedPrecondition("x"), "internal_error", 500},
  };
  for (const Case& c : cases) {
    ToolError e = FromStatus(c.st, "context_not_found");
    EXPECT_EQ(e.code, c.code) << c.st.ToString();
    EXPECT_EQ(e.status, c.status) << c.st.ToString();
    EXPECT_FALSE(e.message.empty());
  }
  EXPECT_EQ(FromStatus(NotFound("x")).code, "resource_not_found");
}

TEST(ArgReaderTest, ReadsTypedValues) {
  Json args = {{"s", "x"},   {"i", 5},        {"f", 7.0},        {"b", true},
               {"a", {"p"}}, {"one", "solo"}, {"o", {{"k", 1}}}, {"n", nullptr}};
  ArgReader r(args);
  EXPECT_EQ(r.String("s"), "x");
  EXPECT_EQ(r.Int("i"), 5);
  EXPECT_EQ(r.Int("f"), 7);
  EXPECT_EQ(r.Bool("b"), true);
  EXPECT_EQ(r.Strings("a"), std::vector<std::string>{"p"});
  EXPECT_EQ(r.Strings("one"), std::vector<std::string>{"solo"});
  EXPECT_NE(r.Object("o"), nullptr);
  EXPECT_FALSE(r.String("n").has_value());
  EXPECT_FALSE(r.String("missing").has_value());
  EXPECT_TRUE(r.ok());
}

TEST(ArgReaderTest, TypeErrorsAreInvalidRequest) {
  struct Case {
    Json args;
    std::function<void(ArgReader&)> read;
  };
  const Case cases[] = {
      {{{"k", 1}}, [](ArgReader& r) { (void)r.String("k"); }},
      {{{"k", "1"}}, [](ArgReader& r) { (void)r.Int("k"); }},
      {{{"k", 1.5}}, [](ArgReader& r) { (void)r.Int("k"); }},
      {{{"k", "true"}}, [](ArgReader& r) { (void)r.Bool("k"); }},
      {{{"k", {1, 2}}}, [](ArgReader& r) { (void)r.Strings("k"); }},
      {{{"k", "x"}}, [](ArgReader& r) { (void)r.Object("k"); }},
      {Json::array(), [](ArgReader&) {}},
      {Json("str"), [](ArgReader&) {}},
  };
  for (const Case& c : cases) {
    ArgReader r(c.args);
    c.read(r);
    ASSERT_FALSE(r.ok()) << c.args.dump();
    EXPECT_EQ(r.error().code, "invalid_request");
    EXPECT_EQ(r.error().status, 400);
  }
  ArgReader null_args(Json(nullptr));
  EXPECT_TRUE(null_args.ok());
}

TEST(ParseRangeBoundTest, DateOnlyUpperBoundCoversTheDay) {
  auto day = ParseTimestampMs("2026-01-02");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*ParseRangeBound("2026-01-02", false), *day);
  EXPECT_EQ(*ParseRangeBound("2026-01-02", true), *day + 86400000);
  EXPECT_EQ(*ParseRangeBound("2026-01-02T00:00:00Z", true), *day);
  EXPECT_FALSE(ParseRangeBound("yesterday", false).ok());
}

TEST(ResolveScopesTest, DefaultExplicitAndAll) {
  Config config;
  Scope def{"ws", "p"};
  auto f = ResolveScopes(std::nullopt, std::nullopt, def, config);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scopes, std::vector<Scope>{def});
  f = ResolveScopes(std::string("other"), std::vector<std::string>{"ws/q", "ws/q"}, def, config);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scopes, (std::vector<Scope>{{"ws", "q"}, {"default", "other"}}));
  f = ResolveScopes(std::nullopt, std::vector<std::string>{"*"}, def, config);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->all_scopes);
  EXPECT_FALSE(ResolveScopes(std::string("Bad Scope"), std::nullopt, def, config).ok());
}

}  // namespace
}  // namespace memex::mcp::pf
