#include "cli/query_args.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/output.h"

namespace memex::cli {
namespace {

// Sets the bound targets the way the parser would.
template <typename T>
void Set(std::vector<Opt>& opts, std::string_view name, T value) {
  for (Opt& o : opts) {
    if (o.names.find(name) == std::string::npos) continue;
    *std::get<T*>(o.target) = std::move(value);
    return;
  }
  FAIL() << "no option " << name;
}

TEST(PageArgsTest, DefaultsPagesAndClamp) {
  std::ostringstream out, err;
  Output output(out, err, false);
  {
    PageArgs page;
    std::vector<Opt> opts;
    page.AddOptions(opts, "default 10");
    ASSERT_TRUE(page.Validate(1).ok());
    Page p = page.Resolve(10, 200, output);
    EXPECT_EQ(p.limit, 10);
    EXPECT_EQ(p.offset, 0);
  }
  {
    PageArgs page;
    std::vector<Opt> opts;
    page.AddOptions(opts, "");
    Set(opts, "--limit", std::optional<int64_t>(5));
    Set(opts, "--page", std::optional<int64_t>(3));
    ASSERT_TRUE(page.Validate(1).ok());
    Page p = page.Resolve(10, 200, output);
    EXPECT_EQ(p.limit, 5);
    EXPECT_EQ(p.offset, 10);
  }
  EXPECT_EQ(err.str(), "");
  {
    PageArgs page;
    std::vector<Opt> opts;
    page.AddOptions(opts, "");
    Set(opts, "--limit", std::optional<int64_t>(500));
    ASSERT_TRUE(page.Validate(1).ok());
    EXPECT_EQ(page.Resolve(10, 200, output).limit, 200);
    EXPECT_NE(err.str().find("recall.max_limit"), std::string::npos);
  }
}

TEST(PageArgsTest, ZeroLimitOnlyWhereAllowed) {
  PageArgs page;
  std::vector<Opt> opts;
  page.AddOptions(opts, "");
  Set(opts, "--limit", std::optional<int64_t>(0));
  EXPECT_FALSE(page.Validate(1).ok());
  EXPECT_TRUE(page.Validate(0).ok());
}

TEST(FilterArgsTest, ValidateParsesKindsTagsDates) {
  FilterArgs filter;
  std::vector<Opt> opts;
  filter.AddOptions(opts, FilterArgs::kAllFlags);
  Set(opts, "--kind", std::vector<std::string>{"fact,decision"});
  Set(opts, "--tag", std::vector<std::string>{"B,a"});
  Set(opts, "--since", std::string("2026-01-01"));
  EXPECT_TRUE(filter.Validate().ok());

  FilterArgs only_scopes;
  std::vector<Opt> scope_opts;
  only_scopes.AddOptions(scope_opts, FilterArgs::kScopeFlags);
  EXPECT_EQ(scope_opts.size(), 2u);  // --scopes, --all-scopes
}

}  // namespace
}  // namespace memex::cli
