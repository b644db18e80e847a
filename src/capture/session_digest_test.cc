#include "capture/session_digest.h"

#include <gtest/gtest.h>

namespace memex::capture {
namespace {

Event Ev(EventKind k) {
  Event e;
  e.kind = k;
  e.session_id = "s1";
  e.agent = "claude-code";
  return e;
}

Event Prompt(const std::string& text) {
  Event e = Ev(EventKind::kUserPrompt);
  e.prompt = text;
  return e;
}

Event Tool(EventKind k, const std::string& id, const std::string& name, const std::string& input,
           bool error = false, const std::string& output = "") {
  Event e = Ev(k);
  e.tool_use_id = id;
  e.tool_name = name;
  e.tool_input = input;
  e.tool_error = error;
  e.tool_output = output;
  return e;
}

Session S() {
  Session s;
  s.id = "s1";
  s.agent = "claude-code";
  s.scope = {"default", "demo"};
  return s;
}

TEST(SessionDigestTest, CountsEachToolCallOnceAndOrdersFiles) {
  Event edit = Tool(EventKind::kPreToolUse, "t1", "Edit", R"({"file_path":"src/a.cc"})");
  edit.files = {"src/a.cc"};
  Event edit_post = Tool(EventKind::kPostToolUse, "t1", "Edit", R"({"file_path":"src/a.cc"})");
  edit_post.files = {"src/a.cc"};
  Event write = Tool(EventKind::kPostToolUse, "t2", "Write", R"({"file_path":"b.md"})");
  write.files = {"b.md"};
  SessionDigest d = DigestEvents({Prompt("fix the parser"), edit, edit_post, write});
  EXPECT_EQ(d.prompt_count, 1);
  EXPECT_EQ(d.tool_count, 2);
  EXPECT_EQ(d.files, (std::vector<std::string>{"src/a.cc", "b.md"}));
  ASSERT_EQ(d.tools.size(), 2u);
}

TEST(SessionDigestTest, AFailureLaterFixedIsResolved) {
  SessionDigest d = DigestEvents(
      {Tool(EventKind::kPostToolUse, "1", "Bash", R"({"command":"make test"})", true,
            "FAILED: 3 tests\nmore"),
       Tool(EventKind::kPostToolUse, "2", "Bash", R"({"command":"npm run lint"})", true, "lint"),
       Tool(EventKind::kPostToolUse, "3", "Bash", R"({"command":"make test"})", false, "ok")});
  ASSERT_EQ(d.failures.size(), 2u);
  EXPECT_TRUE(d.failures[0].resolved);
  EXPECT_EQ(d.failures[0].output, "FAILED: 3 tests");
  EXPECT_FALSE(d.failures[1].resolved);
  Handoff h = BuildHandoff(S(), d);
  ASSERT_EQ(h.next_steps.size(), 1u);
  EXPECT_NE(h.next_steps[0].find("npm run lint"), std::string::npos);
  EXPECT_NE(h.open_questions[0].find("npm run lint"), std::string::npos);
}

TEST(SessionDigestTest, HandoffReadsQuestionsAndNextStepsFromTheLastAnswer) {
  Event stop = Ev(EventKind::kStop);
  stop.message =
      "I switched the cache to LRU.\n\nNext steps:\n- add a size bound\n- benchmark it\n\n"
      "Should the TTL be configurable?\nTODO: update docs";
  SessionDigest d = DigestEvents({Prompt("make the cache LRU."), stop});
  Handoff h = BuildHandoff(S(), d);
  EXPECT_EQ(h.next_steps,
            (std::vector<std::string>{"add a size bound", "benchmark it", "update docs"}));
  EXPECT_EQ(h.open_questions, (std::vector<std::string>{"Should the TTL be configurable?"}));
  EXPECT_NE(h.summary.find("make the cache LRU"), std::string::npos);
  EXPECT_NE(h.summary.find("switched the cache"), std::string::npos);
  // The lists are not quoted twice: only the answer's first paragraph is the outcome.
  EXPECT_EQ(h.summary.find("benchmark it"), std::string::npos) << h.summary;
  EXPECT_EQ(h.summary.find(".."), std::string::npos) << h.summary;
  EXPECT_FALSE(HandoffIsEmpty(h));
}

TEST(SessionDigestTest, UnansweredLastRequestBecomesANextStep) {
  Handoff h = BuildHandoff(S(), DigestEvents({Prompt("first"), Prompt("rename the flag")}));
  EXPECT_EQ(h.next_steps, (std::vector<std::string>{"Continue: rename the flag"}));
}

TEST(SessionDigestTest, LifecycleOnlySessionGivesAnEmptyHandoff) {
  Handoff h =
      BuildHandoff(S(), DigestEvents({Ev(EventKind::kSessionStart), Ev(EventKind::kSessionEnd)}));
  EXPECT_TRUE(HandoffIsEmpty(h));
}

TEST(SessionDigestTest, SummaryIsBoundedAndNamesTheSession) {
  std::vector<Event> events;
  for (int i = 0; i < 500; ++i) events.push_back(Prompt("prompt number " + std::to_string(i)));
  SessionDigest d = DigestEvents(events);
  std::string s = RenderSummary(S(), d, 2000);
  EXPECT_LE(s.size(), 2000u);
  EXPECT_NE(s.find("Session s1"), std::string::npos);
  EXPECT_NE(s.find("500 prompts"), std::string::npos);
}

TEST(SessionDigestTest, CodexShellArraysAreReadAsCommands) {
  SessionDigest d = DigestEvents({Tool(EventKind::kPostToolUse, "1", "shell",
                                       R"({"command":["bash","-lc","cargo test"]})", true, "x")});
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].what, "bash -lc cargo test");
}

}  // namespace
}  // namespace memex::capture
