#include "capture/agent_output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace memex::capture {
namespace {

Handoff H() {
  Handoff h;
  h.from_agent = "claude-code";
  h.created_ms = 1'760'000'000'000;
  h.summary = "Last request: move the cache to LRU.";
  h.next_steps = {"add a size bound"};
  h.open_questions = {"Should the TTL be configurable?"};
  for (int i = 0; i < 20; ++i) h.files_touched.push_back("src/file_" + std::to_string(i) + ".cc");
  return h;
}

TEST(AgentOutputTest, ClaudeCodeGetsAdditionalContextCodexSessionStartPlainText) {
  nlohmann::json j =
      nlohmann::json::parse(HookStdout("claude-code", EventKind::kSessionStart, "hello"));
  EXPECT_EQ(j["hookSpecificOutput"]["hookEventName"], "SessionStart");
  EXPECT_EQ(j["hookSpecificOutput"]["additionalContext"], "hello");
  EXPECT_EQ(HookStdout("codex", EventKind::kSessionStart, "hello"), "hello");
  nlohmann::json ups = nlohmann::json::parse(HookStdout("codex", EventKind::kUserPrompt, "ctx"));
  EXPECT_EQ(ups["hookSpecificOutput"]["hookEventName"], "UserPromptSubmit");
  EXPECT_EQ(HookStdout("claude-code", EventKind::kStop, "x"), "{}");
  EXPECT_EQ(HookStdout("claude-code", EventKind::kSessionStart, ""), "{}");
}

TEST(AgentOutputTest, SessionContextFitsTheBudgetAndKeepsTheHandoffFirst) {
  Briefing b;
  for (int i = 0; i < 50; ++i) b.decisions.push_back("decision number " + std::to_string(i));
  Lesson l;
  l.rule = "never force-push main";
  l.severity = Severity::kCritical;
  b.lessons = {l};
  for (size_t budget : {600u, 1500u, 4000u}) {
    std::string text = RenderSessionContext(H(), b, budget);
    EXPECT_LE(text.size(), budget) << budget;
    EXPECT_NE(text.find("Handoff from the previous session"), std::string::npos) << budget;
    EXPECT_NE(text.find("move the cache to LRU"), std::string::npos) << budget;
  }
  std::string big = RenderSessionContext(H(), b, 4000);
  EXPECT_NE(big.find("Recent decisions"), std::string::npos);
  EXPECT_LT(big.find("Handoff"), big.find("Recent decisions"));
  EXPECT_EQ(RenderSessionContext(std::nullopt, Briefing{}, 4000), "");
}

TEST(AgentOutputTest, LessonsAreNumberedWithSeverity) {
  Lesson a;
  a.rule = "run make lint before committing";
  a.severity = Severity::kWarning;
  std::string text = RenderLessons({a});
  EXPECT_NE(text.find("1. WARNING: run make lint"), std::string::npos);
  EXPECT_EQ(RenderLessons({}), "");
}

}  // namespace
}  // namespace memex::capture
