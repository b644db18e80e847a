#include "install/toml_block.h"

#include <gtest/gtest.h>

namespace memex::install {
namespace {

const std::string kBody = "[mcp_servers.memex]\ncommand = \"/b/memex\"\nargs = [\"mcp\"]\n";

TEST(TomlBlockTest, AppendsReplacesAndRemoves) {
  const std::string user =
      "# my codex config\nmodel = \"o3\"  # keep this comment\n\n[mcp_servers.other]\n"
      "command = \"npx\"\n";
  Result<std::string> added = UpsertTomlBlock(user, "memex", kBody, "c.toml");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added,
            user + "\n# >>> memex (managed by memex install) >>>\n" + kBody + "# <<< memex <<<\n");
  Result<std::string> again = UpsertTomlBlock(*added, "memex", kBody, "c.toml");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *added);

  // The user adds a table after the block; a new body replaces the block in place.
  const std::string later = *added + "\n[profiles.fast]\nmodel = \"x\"\n";
  const std::string body2 = "[mcp_servers.memex]\nurl = \"http://h/mcp\"\n";
  Result<std::string> replaced = UpsertTomlBlock(later, "memex", body2, "c.toml");
  ASSERT_TRUE(replaced.ok());
  EXPECT_NE(replaced->find(body2 + "# <<< memex <<<\n\n[profiles.fast]"), std::string::npos);
  EXPECT_EQ(replaced->find("command = \"/b/memex\""), std::string::npos);

  Result<TomlRemoval> removed = RemoveTomlBlock(*added, "memex", "c.toml");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed->removed);
  EXPECT_FALSE(removed->foreign);
  EXPECT_EQ(removed->text, user);
}

TEST(TomlBlockTest, EmptyFileRoundTrip) {
  Result<std::string> added = UpsertTomlBlock("", "memex", kBody, "c.toml");
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->rfind("# >>> memex", 0), 0u);
  Result<TomlRemoval> removed = RemoveTomlBlock(*added, "memex", "c.toml");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->text, "");
  // No trailing newline in the user's file.
  Result<std::string> tight = UpsertTomlBlock("a = 1", "memex", kBody, "c.toml");
  ASSERT_TRUE(tight.ok());
  EXPECT_EQ(tight->rfind("a = 1\n\n# >>> memex", 0), 0u);
}

TEST(TomlBlockTest, RefusesTheUsersOwnTable) {
  Result<std::string> clash =
      UpsertTomlBlock("[mcp_servers.memex]\ncommand = \"mine\"\n", "memex", kBody, "c.toml");
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(clash.status().message().find("c.toml:1:"), std::string::npos);
  Result<std::string> dotted =
      UpsertTomlBlock("mcp_servers.memex.command = \"mine\"\n", "memex", kBody, "c.toml");
  EXPECT_EQ(dotted.status().code(), StatusCode::kAlreadyExists);
  Result<std::string> inline_table =
      UpsertTomlBlock("mcp_servers = { other = { command = \"x\" } }\n", "memex", kBody, "c.toml");
  EXPECT_EQ(inline_table.status().code(), StatusCode::kFailedPrecondition);
  Result<TomlRemoval> foreign =
      RemoveTomlBlock("[mcp_servers.memex]\ncommand = \"mine\"\n", "memex", "c.toml");
  ASSERT_TRUE(foreign.ok());
  EXPECT_TRUE(foreign->foreign);
  EXPECT_FALSE(foreign->removed);
}

TEST(TomlBlockTest, MalformedInput) {
  Result<std::string> bad = UpsertTomlBlock("a = 1\nb = = 2\n", "memex", kBody, "/h/c.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("/h/c.toml:2:", 0), 0u) << bad.status().message();
  EXPECT_NE(bad.status().message().find("invalid TOML"), std::string::npos);
  Result<std::string> unclosed =
      UpsertTomlBlock("a = 1\n# >>> memex (managed by memex install) >>>\n", "memex", kBody, "c");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.status().message().find("c:2:"), std::string::npos);
  EXPECT_FALSE(RemoveTomlBlock("x = [", "memex", "c").ok());
}

TEST(TomlBlockTest, Strings) {
  EXPECT_EQ(TomlString("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(TomlString(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(TomlStringArray({"mcp", "--data-dir", "/x y"}), "[\"mcp\", \"--data-dir\", \"/x y\"]");
}

}  // namespace
}  // namespace memex::install
