#include "core/principal.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

TEST(Role, NamesRoundTripAndAreOrdered) {
  for (Role r : {Role::kRead, Role::kWrite, Role::kAdmin}) {
    Result<Role> parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_LT(Role::kRead, Role::kWrite);
  EXPECT_LT(Role::kWrite, Role::kAdmin);
  for (const char* bad : {"", "Read", "owner", "admin "}) {
    Result<Role> r = ParseRole(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseRole("owner").status().message().find("'owner'"), std::string::npos);
}

TEST(ScopePattern, Validates) {
  for (const char* good : {"*", "acme/*", "acme/api", "0/x-y.z_"}) {
    EXPECT_TRUE(ValidateScopePattern(good).ok()) << good;
  }
  for (const char* bad : {"", "acme", "*/*", "*/api", "acme/", "/api", "acme/api/x", "Acme/api",
                          "acme/a*", "acme/**", " *", "acme/ api"}) {
    Status st = ValidateScopePattern(bad);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("'" + std::string(bad) + "'"), std::string::npos) << st.message();
  }
}

TEST(ScopePattern, Matches) {
  const Scope api{"acme", "api"};
  const Scope web{"acme", "web"};
  const Scope other{"other", "api"};
  struct Case {
    const char* pattern;
    bool api, web, other;
  };
  for (const Case& c : {Case{"*", true, true, true}, Case{"acme/*", true, true, false},
                        Case{"acme/api", true, false, false}, Case{"other/api", false, false, true},
                        Case{"acme", false, false, false}, Case{"acme/a*", false, false, false},
                        Case{"*/api", false, false, false}}) {
    EXPECT_EQ(ScopePatternMatches(c.pattern, api), c.api) << c.pattern;
    EXPECT_EQ(ScopePatternMatches(c.pattern, web), c.web) << c.pattern;
    EXPECT_EQ(ScopePatternMatches(c.pattern, other), c.other) << c.pattern;
  }
}

TEST(Principal, LocalIsAdminOverEverything) {
  Principal p = Principal::Local();
  EXPECT_EQ(p.name, "local");
  EXPECT_TRUE(p.token_id.empty());
  EXPECT_EQ(p.role, Role::kAdmin);
  EXPECT_TRUE(p.AllScopes());
  EXPECT_TRUE(p.MayRead({"a", "b"}).ok());
  EXPECT_TRUE(p.MayWrite({"a", "b"}).ok());
  EXPECT_TRUE(p.MayAdmin().ok());
}

TEST(Principal, RolesIncludeTheOnesBelow) {
  const Scope s{"acme", "api"};
  Principal p;
  p.scopes = {"acme/*"};
  p.role = Role::kRead;
  EXPECT_TRUE(p.MayRead(s).ok());
  EXPECT_EQ(p.MayWrite(s).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(p.MayAdmin().code(), StatusCode::kPermissionDenied);
  p.role = Role::kWrite;
  EXPECT_TRUE(p.MayRead(s).ok());
  EXPECT_TRUE(p.MayWrite(s).ok());
  EXPECT_EQ(p.MayAdmin().code(), StatusCode::kPermissionDenied);
  p.role = Role::kAdmin;
  EXPECT_TRUE(p.MayAdmin().ok());
  EXPECT_FALSE(p.AllScopes());
}

TEST(Principal, ScopesLimitEveryRole) {
  Principal p;
  p.role = Role::kAdmin;
  p.scopes = {"acme/api", "beta/*"};
  EXPECT_TRUE(p.Covers({"acme", "api"}));
  EXPECT_TRUE(p.Covers({"beta", "x"}));
  EXPECT_FALSE(p.Covers({"acme", "web"}));
  EXPECT_EQ(p.MayRead({"acme", "web"}).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(p.MayWrite({"gamma", "x"}).code(), StatusCode::kPermissionDenied);
  p.scopes.clear();  // no scope at all
  EXPECT_FALSE(p.Covers({"acme", "api"}));
  EXPECT_FALSE(p.AllScopes());
}

TEST(Principal, DenialsNamePrincipalActionAndScope) {
  Principal p;
  p.name = "ci";
  p.token_id = "0198c3e2-0000-7000-8000-000000000000";
  p.role = Role::kRead;
  p.scopes = {"acme/*"};
  EXPECT_EQ(p.MayWrite({"acme", "api"}).message(), "token 'ci' (read) may not write to acme/api");
  EXPECT_EQ(p.MayRead({"other", "x"}).message(), "token 'ci' (read) may not read from other/x");
  Principal alice;
  alice.name = "alice";
  alice.role = Role::kWrite;
  EXPECT_NE(alice.MayAdmin().message().find("'alice' (write) may not"), std::string::npos)
      << alice.MayAdmin().message();
}

}  // namespace
}  // namespace memex
