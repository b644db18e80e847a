#include "front/front_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memex::front {
namespace {

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

TEST(ParseFrontArgs, Actions) {
  struct Case {
    const char* args;
    FrontAction action;
    bool is_hook;
  };
  const Case cases[] = {
      {"", FrontAction::kExecCore, false},
      {"--version", FrontAction::kExecCore, false},
      {"remember hello", FrontAction::kExecCore, false},
      {"--data-dir /d recall x", FrontAction::kExecCore, false},
      {"--json hook stop --agent a", FrontAction::kExecCore, false},  // unknown global option
      {"serve --port 1", FrontAction::kExecCore, false},
      {"hook", FrontAction::kUsageError, true},
      {"hook stop", FrontAction::kUsageError, true},  // no --agent
      {"hook stop --agent", FrontAction::kUsageError, true},
      {"hook stop extra --agent a", FrontAction::kUsageError, true},
      {"hook --help", FrontAction::kExecCore, true},
      {"hook stop --agent a --verbose", FrontAction::kExecCore, true},  // memex-core may know it
      {"hook stop --agent a", FrontAction::kHook, true},
      {"hook --agent a PostToolUse", FrontAction::kHook, true},
      {"hook drain", FrontAction::kHookDrain, true},
      {"--server http://x:1 hook drain --data-dir /d", FrontAction::kHookDrain, true},
  };
  for (const Case& c : cases) {
    FrontCommand cmd = ParseFrontArgs(Words(c.args));
    EXPECT_EQ(cmd.action, c.action) << c.args;
    EXPECT_EQ(cmd.is_hook, c.is_hook) << c.args;
    if (cmd.action == FrontAction::kUsageError) {
      EXPECT_FALSE(cmd.error.empty()) << c.args;
    }
  }
}

TEST(ParseFrontArgs, OptionsBeforeAndAfterHook) {
  FrontCommand cmd = ParseFrontArgs(
      Words("--data-dir /d --config=/c.toml --server http://h:1 --token T hook post-tool-use "
            "--agent codex --token-env MY_TOKEN --scope ws/proj"));
  ASSERT_EQ(cmd.action, FrontAction::kHook);
  EXPECT_EQ(cmd.hook.event, "post-tool-use");
  EXPECT_EQ(cmd.hook.agent, "codex");
  EXPECT_EQ(cmd.hook.data_dir, "/d");
  EXPECT_EQ(cmd.hook.config_path, "/c.toml");
  EXPECT_EQ(cmd.hook.server_url, "http://h:1");
  EXPECT_EQ(cmd.hook.token, "T");
  EXPECT_EQ(cmd.hook.token_env, "MY_TOKEN");
  EXPECT_EQ(cmd.hook.scope, "ws/proj");

  FrontCommand after = ParseFrontArgs(
      Words("hook SessionStart --agent=claude-code --server=http://h:2 --data-dir=/x"));
  ASSERT_EQ(after.action, FrontAction::kHook);
  EXPECT_EQ(after.hook.event, "SessionStart");
  EXPECT_EQ(after.hook.agent, "claude-code");
  EXPECT_EQ(after.hook.server_url, "http://h:2");
  EXPECT_EQ(after.hook.data_dir, "/x");
}

}  // namespace
}  // namespace memex::front
