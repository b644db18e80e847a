#include "core/tokens.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

using Strings = std::vector<std::string>;

TEST(SplitWords, LowercasesAndSplitsLikeUnicode61) {
  EXPECT_EQ(SplitWords("Hello, World! snake_case a.b"),
            (Strings{"hello", "world", "snake", "case", "a", "b"}));
  EXPECT_EQ(SplitWords("café—naïve “quoted”"), (Strings{"café", "naïve", "quoted"}));
  EXPECT_EQ(SplitWords(""), Strings{});
  EXPECT_EQ(SplitWords("  ?!  "), Strings{});
}

struct IdentCase {
  const char* text;
  Strings want;
};

TEST(ExtractIdentifiers, Table) {
  const IdentCase cases[] = {
      {"edit src/store/sqlite_store.cc now", {"src/store/sqlite_store.cc"}},
      {"see /etc/hosts.", {"etc/hosts"}},
      {"call parse_config() then", {"parse_config"}},
      {"the HttpServer class and getUserById", {"httpserver", "getuserbyid"}},
      {"use os.path.join and config.toml", {"os.path.join", "config.toml"}},
      {"error E0432 and ENOENT, also 0x1f", {"e0432", "enoent", "0x1f"}},
      {"std::vector is fine", {"std::vector"}},
      {"open https://example.com/a?b", {"https://example.com/a"}},
      {"a plain sentence with words only.", {}},
      {"numbers 404 and 3.14 are not identifiers", {}},
      {"e.g. i.e. are not either", {}},
      {"dup_name dup_name DUP_NAME", {"dup_name"}},
      {"kebab-case-name here", {"kebab-case-name"}},
      {"`quoted_ident`, (paren_ident)", {"quoted_ident", "paren_ident"}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ExtractIdentifiers(c.text), c.want) << c.text;
  }
}

TEST(IdentifierExpansion, SplitsCamelAndDigits) {
  EXPECT_EQ(IdentifierExpansion("HttpServer2 getUserById"), "http server 2 get user by id");
  EXPECT_EQ(IdentifierExpansion("XMLParser"), "xml parser");
  EXPECT_EQ(IdentifierExpansion("plain words only"), "");
  EXPECT_EQ(IdentifierExpansion("snake_case"), "");  // the tokenizer already splits '_'
}

TEST(IsStopWord, Common) {
  EXPECT_TRUE(IsStopWord("the"));
  EXPECT_TRUE(IsStopWord("what"));
  EXPECT_TRUE(IsStopWord("did"));
  EXPECT_FALSE(IsStopWord("database"));
  EXPECT_FALSE(IsStopWord(""));
}

}  // namespace
}  // namespace memex
