#include "capture/lesson_matcher.h"

#include <gtest/gtest.h>

namespace memex::capture {
namespace {

Lesson L(const std::string& id, Severity sev) {
  Lesson l;
  l.id = id;
  l.rule = "rule " + id;
  l.severity = sev;
  return l;
}

TEST(LessonMatcherTest, EveryTriggerSetMustMatch) {
  Lesson force = L("force", Severity::kCritical);
  force.tool = "Bash";
  force.input_regex = R"(git\s+push\s+.*--force)";
  Lesson migrations = L("mig", Severity::kWarning);
  migrations.file_globs = {"migrations/*.sql"};
  Lesson any_mcp = L("mcp", Severity::kInfo);
  any_mcp.tool = "mcp__.*";
  std::vector<Lesson> all = {any_mcp, migrations, force};
  LessonMatcher m;

  ToolCall push{LessonPhase::kPreTool, "Bash", R"({"command":"git push origin main --FORCE"})"};
  std::vector<Lesson> got = m.Match(all, push, 5);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, "force");

  ToolCall edit{LessonPhase::kPreTool, "Edit", "{}", "", {"db/migrations/0007.sql"}};
  got = m.Match(all, edit, 5);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, "mig");

  ToolCall mcp{LessonPhase::kPreTool, "mcp__memex__pf_poke", "{}"};
  EXPECT_EQ(m.Match(all, mcp, 5).size(), 1u);
  ToolCall bash_ls{LessonPhase::kPreTool, "Bash", R"({"command":"ls"})"};
  EXPECT_TRUE(m.Match(all, bash_ls, 5).empty());
  // Another phase never fires a pre-tool lesson.
  push.phase = LessonPhase::kPostTool;
  EXPECT_TRUE(m.Match(all, push, 5).empty());
}

TEST(LessonMatcherTest, MostSevereFirstAndCapped) {
  std::vector<Lesson> all;
  for (int i = 0; i < 8; ++i) {
    Lesson l = L(std::to_string(i), i % 2 ? Severity::kCritical : Severity::kInfo);
    l.tool = "Bash";
    all.push_back(l);
  }
  Lesson inactive = L("off", Severity::kCritical);
  inactive.tool = "Bash";
  inactive.active = false;
  all.push_back(inactive);
  std::vector<Lesson> got = LessonMatcher().Match(all, {LessonPhase::kPreTool, "Bash", ""}, 5);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got[static_cast<size_t>(i)].severity, Severity::kCritical);
  EXPECT_EQ(got[0].id, "1");
  EXPECT_EQ(got[4].severity, Severity::kInfo);
}

TEST(LessonMatcherTest, OutputRegexFiresAfterTheCall) {
  Lesson l = L("oom", Severity::kWarning);
  l.phase = LessonPhase::kPostTool;
  l.output_regex = "out of memory";
  ToolCall call{LessonPhase::kPostTool, "Bash", "{}", "fatal: Out Of Memory"};
  EXPECT_EQ(LessonMatcher().Match({l}, call, 5).size(), 1u);
}

TEST(ValidateLessonTest, RejectsWhatCouldNeverFireOrCompile) {
  Lesson ok = L("a", Severity::kInfo);
  ok.tool = "Bash";
  EXPECT_TRUE(ValidateLesson(ok).ok());
  Lesson no_trigger = L("b", Severity::kInfo);
  EXPECT_FALSE(ValidateLesson(no_trigger).ok());
  Lesson bad_re = ok;
  bad_re.input_regex = "(unclosed";
  Status st = ValidateLesson(bad_re);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("input_regex"), std::string::npos);
  Lesson out_pre = ok;
  out_pre.output_regex = "x";
  EXPECT_FALSE(ValidateLesson(out_pre).ok());
  Lesson empty_rule = ok;
  empty_rule.rule = "";
  EXPECT_FALSE(ValidateLesson(empty_rule).ok());
  Lesson end = L("c", Severity::kInfo);
  end.phase = LessonPhase::kSessionEnd;
  EXPECT_TRUE(ValidateLesson(end).ok());
}

}  // namespace
}  // namespace memex::capture
