#include "install/client.h"

#include <gtest/gtest.h>

#include <map>

namespace memex::install {
namespace {

EnvFn MapEnv(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ClientTest, ParsesNamesBothWays) {
  for (Client c : {Client::kClaudeCode, Client::kCodex, Client::kCursor, Client::kClaudeDesktop,
                   Client::kGeminiCli}) {
    Result<Client> parsed = ParseClient(ClientName(c));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, c);
  }
  Result<Client> bad = ParseClient("vim");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("claude-code"), std::string::npos);
  EXPECT_FALSE(ParseInstallScope("global").ok());
  EXPECT_EQ(*ParseInstallScope("project"), InstallScope::kProject);
}

TEST(ClientTest, HookEvents) {
  EXPECT_EQ(HookEvents(Client::kClaudeCode).size(), 8u);
  EXPECT_EQ(HookEvents(Client::kCodex).size(), 8u);
  EXPECT_TRUE(HookEvents(Client::kCursor).empty());
  EXPECT_EQ(KebabCase("UserPromptSubmit"), "user-prompt-submit");
  EXPECT_EQ(KebabCase("PostCompact"), "post-compact");
}

struct PathCase {
  Client client;
  InstallScope scope;
  std::map<std::string, std::string> env;
  std::string mcp;
  std::string hooks;
};

TEST(ClientTest, ResolvesFiles) {
  const std::vector<PathCase> cases = {
      {Client::kClaudeCode,
       InstallScope::kUser,
       {{"HOME", "/h"}},
       "/h/.claude.json",
       "/h/.claude/settings.json"},
      {Client::kClaudeCode,
       InstallScope::kUser,
       {{"HOME", "/h"}, {"CLAUDE_CONFIG_DIR", "/c"}},
       "/c/.claude.json",
       "/c/settings.json"},
      {Client::kClaudeCode, InstallScope::kProject, {}, "/p/.mcp.json", "/p/.claude/settings.json"},
      {Client::kCodex,
       InstallScope::kUser,
       {{"HOME", "/h"}},
       "/h/.codex/config.toml",
       "/h/.codex/hooks.json"},
      {Client::kCodex,
       InstallScope::kUser,
       {{"CODEX_HOME", "/x"}},
       "/x/config.toml",
       "/x/hooks.json"},
      {Client::kCodex, InstallScope::kProject, {}, "/p/.codex/config.toml", "/p/.codex/hooks.json"},
      {Client::kCursor, InstallScope::kUser, {{"HOME", "/h"}}, "/h/.cursor/mcp.json", ""},
      {Client::kCursor, InstallScope::kProject, {}, "/p/.cursor/mcp.json", ""},
      {Client::kClaudeDesktop,
       InstallScope::kUser,
       {{"HOME", "/h"}},
       "/h/.config/Claude/claude_desktop_config.json",
       ""},
      {Client::kClaudeDesktop,
       InstallScope::kUser,
       {{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/xdg"}},
       "/xdg/Claude/claude_desktop_config.json",
       ""},
      {Client::kGeminiCli, InstallScope::kUser, {{"HOME", "/h"}}, "/h/.gemini/settings.json", ""},
      {Client::kGeminiCli, InstallScope::kProject, {}, "/p/.gemini/settings.json", ""},
  };
  for (const PathCase& c : cases) {
    SCOPED_TRACE(std::string(ClientName(c.client)) + " " + std::string(InstallScopeName(c.scope)));
    Result<ClientFiles> files = ResolveClientFiles(c.client, c.scope, "/p", MapEnv(c.env));
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    EXPECT_EQ(files->mcp, c.mcp);
    EXPECT_EQ(files->hooks, c.hooks);
  }
}

TEST(ClientTest, ResolveErrors) {
  Result<ClientFiles> no_home =
      ResolveClientFiles(Client::kCursor, InstallScope::kUser, "/p", MapEnv({}));
  ASSERT_FALSE(no_home.ok());
  EXPECT_EQ(no_home.status().code(), StatusCode::kFailedPrecondition);
  // A relative CODEX_HOME is ignored like an unset one.
  Result<ClientFiles> relative = ResolveClientFiles(Client::kCodex, InstallScope::kUser, "/p",
                                                    MapEnv({{"CODEX_HOME", "rel"}}));
  EXPECT_FALSE(relative.ok());
  Result<ClientFiles> desktop =
      ResolveClientFiles(Client::kClaudeDesktop, InstallScope::kProject, "/p", MapEnv({}));
  ASSERT_FALSE(desktop.ok());
  EXPECT_EQ(desktop.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace memex::install
