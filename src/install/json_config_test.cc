#include "install/json_config.h"

#include <gtest/gtest.h>

namespace memex::install {
namespace {

Json Parse(std::string_view text) {
  Result<Json> j = ParseJsonObject(text, "f.json");
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

TEST(JsonConfigTest, ParseReportsPosition) {
  Result<Json> bad = ParseJsonObject("{\n  \"a\": 1,\n  oops\n}", "/x/settings.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("/x/settings.json:3:3: invalid JSON: ", 0), 0u)
      << bad.status().message();
}

TEST(JsonConfigTest, ParseEdgeCases) {
  EXPECT_EQ(Parse(""), Json::object());
  EXPECT_EQ(Parse(" \n"), Json::object());
  Result<Json> array = ParseJsonObject("[1]", "f");
  ASSERT_FALSE(array.ok());
  EXPECT_NE(array.status().message().find("not a JSON object"), std::string::npos);
  Result<Json> jsonc = ParseJsonObject("{\n// note\n\"a\": 1}", "f");
  ASSERT_FALSE(jsonc.ok());
  EXPECT_NE(jsonc.status().message().find("comments"), std::string::npos);
}

TEST(JsonConfigTest, ShellQuoting) {
  EXPECT_EQ(ShellQuote("/usr/bin/memex"), "/usr/bin/memex");
  EXPECT_EQ(ShellQuote("/usr/bin/memex", true), "'/usr/bin/memex'");
  EXPECT_EQ(ShellQuote("/opt/my tools/it's/memex"), "'/opt/my tools/it'\\''s/memex'");
  EXPECT_EQ(ShellQuote(""), "''");
  const std::string path = "/opt/my tools/it's/memex";
  std::vector<std::string> words = ShellWords(ShellQuote(path) + " hook session-start", 3);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0], path);
  EXPECT_EQ(words[1], "hook");
  EXPECT_EQ(ShellWords("\"/a b/memex\" x", 2)[0], "/a b/memex");
  EXPECT_EQ(ShellWords("/a\\ b/memex x", 2)[0], "/a b/memex");
  EXPECT_EQ(ShellWords("'unclosed", 2).size(), 0u);
}

TEST(JsonConfigTest, RecognisesMemex) {
  EXPECT_TRUE(IsMemexHookCommand("'/usr/local/bin/memex' hook session-start --agent codex"));
  EXPECT_TRUE(IsMemexHookCommand("memex hook stop"));
  EXPECT_TRUE(IsMemexHookCommand("/x/memex-core hook stop"));
  EXPECT_FALSE(IsMemexHookCommand("/x/memex recall foo"));
  EXPECT_FALSE(IsMemexHookCommand("/x/notmemex hook stop"));
  EXPECT_FALSE(IsMemexHookCommand("echo memex hook"));
  EXPECT_TRUE(IsMemexMcpEntry(Json{{"command", "/bin/memex"}, {"args", {"mcp"}}}));
  EXPECT_TRUE(IsMemexMcpEntry(Json{{"type", "http"}, {"url", "http://h:7700/mcp/"}}));
  EXPECT_TRUE(IsMemexMcpEntry(Json{{"httpUrl", "http://h:7700/mcp"}}));
  EXPECT_FALSE(IsMemexMcpEntry(Json{{"command", "npx"}, {"args", {"memex"}}}));
  EXPECT_FALSE(IsMemexMcpEntry(Json{{"url", "http://h/sse"}}));
}

TEST(JsonConfigTest, McpUpsertAndRemoveKeepOthers) {
  Json doc = Parse(R"({"theme":"dark","mcpServers":{"other":{"command":"npx"}}})");
  const Json before = doc;
  const Json entry = {{"type", "stdio"}, {"command", "/b/memex"}, {"args", {"mcp"}}};
  ASSERT_TRUE(UpsertMcpServer(doc, "mcpServers", "memex", entry, "f").ok());
  EXPECT_EQ(doc["mcpServers"]["memex"], entry);
  EXPECT_EQ(doc["mcpServers"]["other"], before["mcpServers"]["other"]);
  // Replacing memex's own entry is fine; someone else's of the same name is not.
  ASSERT_TRUE(UpsertMcpServer(doc, "mcpServers", "memex", entry, "f").ok());
  Status clash = UpsertMcpServer(doc, "mcpServers", "other", entry, "f");
  EXPECT_EQ(clash.code(), StatusCode::kAlreadyExists);

  Result<RemoveOutcome> removed = RemoveMcpServer(doc, "mcpServers", "memex", "f");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, RemoveOutcome::kRemoved);
  EXPECT_EQ(doc, before);
  EXPECT_EQ(*RemoveMcpServer(doc, "mcpServers", "other", "f"), RemoveOutcome::kForeign);
  EXPECT_EQ(*RemoveMcpServer(doc, "mcpServers", "nope", "f"), RemoveOutcome::kAbsent);

  Json only;
  only = Json::object();
  ASSERT_TRUE(UpsertMcpServer(only, "mcpServers", "memex", entry, "f").ok());
  ASSERT_TRUE(RemoveMcpServer(only, "mcpServers", "memex", "f").ok());
  EXPECT_EQ(only, Json::object());  // the emptied mcpServers goes too

  Json wrong = Parse(R"({"mcpServers":[]})");
  EXPECT_EQ(UpsertMcpServer(wrong, "mcpServers", "memex", entry, "f").code(),
            StatusCode::kInvalidArgument);
}

std::vector<HookSpec> Specs(std::string_view bin) {
  return {{"SessionStart", std::string(bin) + " hook session-start --agent claude-code", 10},
          {"Stop", std::string(bin) + " hook stop --agent claude-code", 10}};
}

TEST(JsonConfigTest, HooksUpsertIsIdempotentAndKeepsForeign) {
  Json doc = Parse(R"({"model":"x","hooks":{
    "Stop":[{"matcher":"","hooks":[{"type":"command","command":"notify-send done"}]}],
    "Notification":[{"hooks":[{"type":"command","command":"say hi"}]}]}})");
  const Json before = doc;
  ASSERT_TRUE(UpsertHooks(doc, Specs("'/b/memex'"), "f").ok());
  ASSERT_EQ(doc["hooks"]["Stop"].size(), 2u);
  EXPECT_EQ(doc["hooks"]["Stop"][0], before["hooks"]["Stop"][0]);
  EXPECT_EQ(doc["hooks"]["Stop"][1]["hooks"][0]["timeout"], 10);
  EXPECT_EQ(doc["hooks"]["SessionStart"][0]["matcher"], "");
  const Json once = doc;
  ASSERT_TRUE(UpsertHooks(doc, Specs("'/b/memex'"), "f").ok());
  EXPECT_EQ(doc, once);
  // A new binary path replaces memex's handlers instead of adding more.
  ASSERT_TRUE(UpsertHooks(doc, Specs("'/new/memex'"), "f").ok());
  ASSERT_EQ(doc["hooks"]["Stop"].size(), 2u);
  EXPECT_EQ(doc["hooks"]["Stop"][1]["hooks"][0]["command"],
            "'/new/memex' hook stop --agent claude-code");

  Result<int> removed = RemoveHooks(doc, "f");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(doc, before);
}

TEST(JsonConfigTest, HooksRemoveKeepsSharedGroups) {
  Json doc = Parse(R"({"hooks":{"Stop":[{"matcher":"","hooks":[
    {"type":"command","command":"memex hook stop --agent codex"},
    {"type":"command","command":"echo bye"}]}]}})");
  ASSERT_EQ(*RemoveHooks(doc, "f"), 1);
  EXPECT_EQ(doc, Parse(R"({"hooks":{"Stop":[{"matcher":"","hooks":[
    {"type":"command","command":"echo bye"}]}]}})"));
  Json only = Json::object();
  ASSERT_TRUE(UpsertHooks(only, Specs("memex"), "f").ok());
  ASSERT_EQ(*RemoveHooks(only, "f"), 2);
  EXPECT_EQ(only, Json::object());
  Json bad = Parse(R"({"hooks":{"Stop":{}}})");
  EXPECT_EQ(UpsertHooks(bad, Specs("memex"), "f").code(), StatusCode::kInvalidArgument);
  Json bad_root = Parse(R"({"hooks":[]})");
  EXPECT_FALSE(RemoveHooks(bad_root, "f").ok());
}

}  // namespace
}  // namespace memex::install
