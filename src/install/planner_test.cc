#include "install/planner.h"

#include <gtest/gtest.h>

#include <map>

#include "install/toml_block.h"

namespace memex::install {
namespace {

// An in-memory file system the plans are made against and applied to.
struct FakeFiles {
  std::map<std::string, std::string> files;

  ReadFileFn Reader() const {
    return [this](const std::string& path) -> Result<std::optional<std::string>> {
      auto it = files.find(path);
      if (it == files.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    };
  }
  void Apply(const Plan& plan) {
    for (const FileChange& f : plan.files) {
      if (f.after) {
        files[f.path] = *f.after;
      } else {
        files.erase(f.path);
      }
    }
  }
};

InstallSpec Spec(Client client) {
  InstallSpec spec;
  spec.client = client;
  spec.memex_path = "/opt/memex bin/memex";
  return spec;
}

TEST(PlannerTest, McpEntries) {
  InstallSpec spec = Spec(Client::kClaudeCode);
  spec.data_dir = "/d";
  EXPECT_EQ(McpEntryJson(spec), Json::parse(R"({"type":"stdio","command":"/opt/memex bin/memex",
                            "args":["mcp","--data-dir","/d"]})"));
  spec.server_url = "http://h:7700";
  spec.token_env = "MEMEX_TOKEN";
  EXPECT_EQ(McpEntryJson(spec), Json::parse(R"({"type":"http","url":"http://h:7700/mcp",
                                   "headers":{"Authorization":"Bearer ${MEMEX_TOKEN}"}})"));
  spec.client = Client::kCursor;
  EXPECT_EQ(McpEntryJson(spec)["headers"]["Authorization"], "Bearer ${env:MEMEX_TOKEN}");
  spec.client = Client::kGeminiCli;
  EXPECT_EQ(McpEntryJson(spec)["httpUrl"], "http://h:7700/mcp");
  spec.client = Client::kClaudeDesktop;  // stdio only
  EXPECT_EQ(McpEntryJson(spec)["command"], "/opt/memex bin/memex");
  spec.client = Client::kCodex;
  EXPECT_EQ(CodexTomlBody(spec),
            "[mcp_servers.memex]\nurl = \"http://h:7700/mcp\"\n"
            "bearer_token_env_var = \"MEMEX_TOKEN\"\n");
  spec.server_url.clear();
  spec.token_env.clear();
  EXPECT_EQ(CodexTomlBody(spec),
            "[mcp_servers.memex]\ncommand = \"/opt/memex bin/memex\"\n"
            "args = [\"mcp\", \"--data-dir\", \"/d\"]\n");
}

TEST(PlannerTest, HookTimeouts) {
  EXPECT_EQ(HookTimeoutS(Client::kClaudeCode, "SessionEnd"), 10);
  EXPECT_EQ(HookTimeoutS(Client::kCodex, "SessionEnd"), 3);
  EXPECT_EQ(HookTimeoutS(Client::kCodex, "PreToolUse"), 10);
}

TEST(PlannerTest, HookCommands) {
  InstallSpec spec = Spec(Client::kCodex);
  EXPECT_EQ(HookCommand(spec, "SessionStart"),
            "'/opt/memex bin/memex' hook session-start --agent codex");
  spec.server_url = "http://h:7700";
  spec.token_env = "TOK";
  spec.data_dir = "/my data";
  EXPECT_EQ(HookCommand(spec, "PreToolUse"),
            "'/opt/memex bin/memex' hook pre-tool-use --agent codex --server http://h:7700 "
            "--token-env TOK --data-dir '/my data'");
}

ClientFiles FilesFor(Client client) {
  switch (client) {
    case Client::kClaudeCode:
      return {"/h/.claude.json", "/h/.claude/settings.json"};
    case Client::kCodex:
      return {"/h/.codex/config.toml", "/h/.codex/hooks.json"};
    default:
      return {"/h/mcp.json", ""};
  }
}

class PlannerRoundTrip : public ::testing::TestWithParam<Client> {};

TEST_P(PlannerRoundTrip, InstallTwiceThenUninstall) {
  const Client client = GetParam();
  const ClientFiles paths = FilesFor(client);
  FakeFiles fs;
  const std::string toml_before =
      "# mine\nmodel = \"o3\"\n\n[mcp_servers.other]\ncommand = \"x\"\n";
  const std::string json_before =
      R"({"numStartups": 3, "mcpServers": {"other": {"command": "npx", "args": ["x"]}}})";
  fs.files[paths.mcp] = client == Client::kCodex ? toml_before : json_before;
  const std::string hooks_before =
      R"({"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "echo"}]}]}})";
  if (!paths.hooks.empty()) fs.files[paths.hooks] = hooks_before;
  const auto original = fs.files;

  Result<Plan> first = PlanInstall(Spec(client), paths, fs.Reader());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (const FileChange& f : first->files) EXPECT_EQ(f.status, FileStatus::kUpdated) << f.path;
  fs.Apply(*first);

  Result<Plan> second = PlanInstall(Spec(client), paths, fs.Reader());
  ASSERT_TRUE(second.ok());
  for (const FileChange& f : second->files) EXPECT_EQ(f.status, FileStatus::kUnchanged) << f.path;

  Result<Plan> removal = PlanUninstall(client, "memex", paths, fs.Reader());
  ASSERT_TRUE(removal.ok()) << removal.status().ToString();
  fs.Apply(*removal);
  for (const auto& [path, text] : original) {
    ASSERT_TRUE(fs.files.count(path)) << path;
    if (path.ends_with(".toml")) {
      EXPECT_EQ(fs.files[path], text);
    } else {
      EXPECT_EQ(Json::parse(fs.files[path]), Json::parse(text)) << path;
    }
  }
  Result<Plan> again = PlanUninstall(client, "memex", paths, fs.Reader());
  ASSERT_TRUE(again.ok());
  for (const FileChange& f : again->files) EXPECT_EQ(f.status, FileStatus::kUnchanged) << f.path;
}

TEST_P(PlannerRoundTrip, CreatedFilesAreRemovedAgain) {
  const Client client = GetParam();
  const ClientFiles paths = FilesFor(client);
  FakeFiles fs;
  Result<Plan> plan = PlanInstall(Spec(client), paths, fs.Reader());
  ASSERT_TRUE(plan.ok());
  for (const FileChange& f : plan->files) EXPECT_EQ(f.status, FileStatus::kCreated);
  fs.Apply(*plan);
  EXPECT_EQ(fs.files.size(), paths.hooks.empty() ? 1u : 2u);
  Result<Plan> removal = PlanUninstall(client, "memex", paths, fs.Reader());
  ASSERT_TRUE(removal.ok());
  for (const FileChange& f : removal->files) EXPECT_EQ(f.status, FileStatus::kRemoved);
  fs.Apply(*removal);
  EXPECT_TRUE(fs.files.empty());
  Result<Plan> nothing = PlanUninstall(client, "memex", paths, fs.Reader());
  ASSERT_TRUE(nothing.ok());
  for (const FileChange& f : nothing->files) EXPECT_EQ(f.status, FileStatus::kAbsent);
}

INSTANTIATE_TEST_SUITE_P(AllClients, PlannerRoundTrip,
                         ::testing::Values(Client::kClaudeCode, Client::kCodex, Client::kCursor,
                                           Client::kClaudeDesktop, Client::kGeminiCli),
                         [](const auto& info) {
                           std::string name(ClientName(info.param));
                           std::erase(name, '-');
                           return name;
                         });

TEST(PlannerTest, MalformedFileStopsEverything) {
  FakeFiles fs;
  fs.files["/h/.claude.json"] = "{}";
  fs.files["/h/.claude/settings.json"] = "{\"hooks\": ";
  Result<Plan> plan =
      PlanInstall(Spec(Client::kClaudeCode), FilesFor(Client::kClaudeCode), fs.Reader());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("/h/.claude/settings.json:1:"), std::string::npos)
      << plan.status().message();
}

TEST(PlannerTest, Notes) {
  FakeFiles fs;
  Result<Plan> codex = PlanInstall(Spec(Client::kCodex), FilesFor(Client::kCodex), fs.Reader());
  ASSERT_TRUE(codex.ok());
  ASSERT_EQ(codex->notes.size(), 1u);
  EXPECT_NE(codex->notes[0].find("--dangerously-bypass-hook-trust"), std::string::npos);
  InstallSpec desktop = Spec(Client::kClaudeDesktop);
  desktop.server_url = "http://h";
  Result<Plan> d = PlanInstall(desktop, FilesFor(Client::kClaudeDesktop), fs.Reader());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->notes.size(), 2u);
  EXPECT_NE(d->notes[0].find("stdio only"), std::string::npos);
  EXPECT_NE(d->notes[1].find("MCP server only"), std::string::npos);
}

TEST(PlannerTest, UninstallLeavesForeignEntryOfThatName) {
  FakeFiles fs;
  fs.files["/h/mcp.json"] = R"({"mcpServers":{"memex":{"command":"npx","args":["other"]}}})";
  Result<Plan> plan =
      PlanUninstall(Client::kCursor, "memex", FilesFor(Client::kCursor), fs.Reader());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->files[0].status, FileStatus::kUnchanged);
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(plan->notes[0].find("left alone"), std::string::npos);
  Result<Plan> install = PlanInstall(Spec(Client::kCursor), FilesFor(Client::kCursor), fs.Reader());
  EXPECT_EQ(install.status().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace memex::install
