#include "core/capture.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

TEST(EventKindTest, EverySpellingOfAnEventParses) {
  struct Case {
    const char* text;
    EventKind want;
  };
  for (const Case& c :
       {Case{"SessionStart", EventKind::kSessionStart},
        Case{"session_start", EventKind::kSessionStart},
        Case{"session-start", EventKind::kSessionStart},
        Case{"UserPromptSubmit", EventKind::kUserPrompt},
        Case{"user-prompt", EventKind::kUserPrompt}, Case{"PreToolUse", EventKind::kPreToolUse},
        Case{"post_tool_use", EventKind::kPostToolUse}, Case{"PreCompact", EventKind::kPreCompact},
        Case{"post-compaction", EventKind::kPostCompact}, Case{"Stop", EventKind::kStop},
        Case{"SubagentStop", EventKind::kSubagentStop}, Case{"SessionEnd", EventKind::kSessionEnd},
        Case{"Notification", EventKind::kNotification}}) {
    Result<EventKind> k = ParseEventKind(c.text);
    ASSERT_TRUE(k.ok()) << c.text;
    EXPECT_EQ(*k, c.want) << c.text;
  }
}

TEST(EventKindTest, NamesRoundTripAndUnknownIsAnError) {
  for (int i = 0; i <= static_cast<int>(EventKind::kOther); ++i) {
    auto k = static_cast<EventKind>(i);
    Result<EventKind> back = ParseEventKind(EventKindName(k));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, k);
  }
  Result<EventKind> bad = ParseEventKind("Teleport");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("session-start"), std::string::npos);
}

TEST(CaptureNamesTest, SeverityPhaseAndHandoffState) {
  EXPECT_EQ(*ParseSeverity("CRITICAL"), Severity::kCritical);
  EXPECT_EQ(SeverityName(Severity::kInfo), "info");
  EXPECT_EQ(*ParseLessonPhase("pre_tool"), LessonPhase::kPreTool);
  EXPECT_EQ(*ParseLessonPhase("PostToolUse"), LessonPhase::kPostTool);
  EXPECT_EQ(*ParseHandoffState("accepted"), HandoffState::kAccepted);
  EXPECT_FALSE(ParseSeverity("urgent").ok());
}

TEST(SessionTest, WorkMeansAPromptOrAToolCall) {
  Session s;
  EXPECT_FALSE(s.did_work());
  s.prompt_count = 1;
  EXPECT_TRUE(s.did_work());
  s.prompt_count = 0;
  s.tool_count = 2;
  EXPECT_TRUE(s.did_work());
}

}  // namespace
}  // namespace memex
