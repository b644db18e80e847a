#include "capture/dataset_export.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace memex::capture {
namespace {

using json = nlohmann::ordered_json;

Session S(bool ended = true) {
  Session s;
  s.id = "s1";
  s.agent = "claude-code";
  s.scope = {"default", "demo"};
  s.cwd = "/w/demo";
  s.ended_ms = ended ? 5000 : 0;
  return s;
}

Event Ev(EventKind k, int64_t seq) {
  Event e;
  e.kind = k;
  e.seq = seq;
  e.ts_ms = 1000 * seq;
  e.session_id = "s1";
  e.agent = "claude-code";
  e.cwd = "/w/demo";
  return e;
}

Event Prompt(int64_t seq, const std::string& text) {
  Event e = Ev(EventKind::kUserPrompt, seq);
  e.prompt = text;
  return e;
}

Event Pre(int64_t seq, const std::string& id, const std::string& name, const std::string& input) {
  Event e = Ev(EventKind::kPreToolUse, seq);
  e.tool_use_id = id;
  e.tool_name = name;
  e.tool_input = input;
  return e;
}

Event Post(int64_t seq, const std::string& id, const std::string& output, bool error = false) {
  Event e = Ev(EventKind::kPostToolUse, seq);
  e.tool_use_id = id;
  e.tool_output = output;
  e.tool_error = error;
  return e;
}

std::vector<Event> Story() {
  return {Prompt(1, "Run the tests"),
          Pre(2, "t1", "Bash", R"({"command":"make test"})"),
          Post(3, "t1", "all passed"),
          Pre(4, "t2", "Bash", R"({"command":"make lint"})"),
          Post(5, "t2", "Exit code 2\nmake: *** No rule", /*error=*/true),
          Prompt(6, "Read the file"),
          Post(7, "", "no pre for this one")};
}

TEST(CollectToolCalls, JoinsPostWithPreAndThePromptBefore) {
  std::vector<ToolCallRecord> calls = CollectToolCalls(S(), Story());
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].tool_call_id, "t1");
  EXPECT_EQ(calls[0].tool_name, "Bash");
  EXPECT_EQ(calls[0].tool_input, R"({"command":"make test"})");
  EXPECT_EQ(calls[0].prompt_text, "Run the tests");
  EXPECT_EQ(calls[0].project, "default/demo");
  EXPECT_EQ(calls[0].project_path, "/w/demo");
  EXPECT_EQ(calls[0].source_mode, "hook");
  EXPECT_TRUE(calls[0].tool_success);
  EXPECT_EQ(calls[0].tool_error, "");
  EXPECT_FALSE(calls[1].tool_success);
  EXPECT_EQ(calls[1].tool_error, "Exit code 2");
  EXPECT_EQ(calls[2].tool_call_id, "s1#7");
  EXPECT_EQ(calls[2].prompt_text, "Read the file");
  EXPECT_EQ(calls[2].tool_name, "");
}

TEST(CollectToolCalls, ImportedEventsAndLongOutputs) {
  Event post = Post(3, "t1", std::string(5000, 'x'));
  post.raw = R"({"memex_import":"codex","tool_use_id":"t1"})";
  std::vector<ToolCallRecord> calls = CollectToolCalls(S(), {post});
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].source_mode, "import");
  EXPECT_LE(calls[0].tool_response_preview.size(), kResponsePreviewBytes);
}

TEST(Reward, AgentMemoryRules) {
  ToolCallRecord ok;
  ok.tool_response_preview = "fine";
  ok.session_completed = true;
  EXPECT_DOUBLE_EQ(Reward(ok), 1.0);  // +1 - 0.10 (no observation) + 0.10 (completed)
  ok.session_completed = false;
  EXPECT_DOUBLE_EQ(Reward(ok), 0.9);
  EXPECT_FALSE(IsProblematic(ok));

  ToolCallRecord noisy = ok;  // succeeded, but the output looks like trouble
  noisy.tool_response_preview = "cat: x: No such file or directory";
  EXPECT_TRUE(IsProblematic(noisy));
  EXPECT_DOUBLE_EQ(Reward(noisy), 0.65);

  ToolCallRecord failed;
  failed.tool_success = false;
  failed.tool_error = "Exit code 3";
  failed.session_completed = true;
  EXPECT_TRUE(IsProblematic(failed));
  EXPECT_DOUBLE_EQ(Reward(failed), -1.5);  // -1 -0.10 +0.10 -0.25 -0.25

  for (const char* text :
       {"Error: boom", "fatal: not a repo", "bash: x: command not found",
        "Traceback (most recent call last)", "exit code 1", "PERMISSION DENIED"}) {
    ToolCallRecord r;
    r.tool_response_preview = text;
    EXPECT_TRUE(IsProblematic(r)) << text;
  }
  for (const char* text : {"no errors", "exit code 0", "the error: is mid-line"}) {
    ToolCallRecord r;
    r.tool_response_preview = text;
    EXPECT_FALSE(IsProblematic(r)) << text;
  }
}

TEST(BuildDataset, Sft) {
  std::vector<json> out = BuildDataset(CollectToolCalls(S(), Story()), {DatasetFormat::kSft});
  ASSERT_EQ(out.size(), 2u);  // the failed call is left out without include_errors
  const json& r = out[0];
  EXPECT_EQ(r["dataset_type"], "sft");
  EXPECT_EQ(r["input"]["prompt_text"], "Run the tests");
  EXPECT_EQ(r["input"]["tool_name"], "Bash");
  EXPECT_EQ(r["input"]["tool_input"], json({{"command", "make test"}}));
  EXPECT_EQ(r["output"]["tool_response_preview"], "all passed");
  EXPECT_EQ(r["meta"]["tool_call_id"], "t1");
  EXPECT_EQ(r["meta"]["project"], "default/demo");
  EXPECT_EQ(r["meta"]["session_id"], "s1");
  EXPECT_EQ(r["meta"]["source_agent"], "claude-code");
  EXPECT_EQ(r["meta"]["reward"], 1.0);
  EXPECT_EQ(r["meta"]["is_problematic"], false);
  EXPECT_EQ(r["meta"]["created_at"], "1970-01-01T00:00:03.000Z");

  DatasetOptions all{DatasetFormat::kSft, /*include_errors=*/true};
  EXPECT_EQ(BuildDataset(CollectToolCalls(S(), Story()), all).size(), 3u);
  DatasetOptions negative{DatasetFormat::kSft, true, std::nullopt, -0.5};
  std::vector<json> neg = BuildDataset(CollectToolCalls(S(), Story()), negative);
  ASSERT_EQ(neg.size(), 1u);
  EXPECT_EQ(neg[0]["meta"]["tool_call_id"], "t2");
}

TEST(BuildDataset, Trajectory) {
  DatasetOptions opts{DatasetFormat::kTrajectory, /*include_errors=*/true};
  std::vector<json> out = BuildDataset(CollectToolCalls(S(), Story()), opts);
  ASSERT_EQ(out.size(), 3u);
  const json& r = out[1];
  EXPECT_EQ(r["dataset_type"], "trajectory");
  ASSERT_EQ(r["trajectory"].size(), 1u);
  EXPECT_EQ(r["trajectory"][0]["tool_name"], "Bash");
  EXPECT_EQ(r["trajectory"][0]["tool_input"], json({{"command", "make lint"}}));
  EXPECT_TRUE(r["trajectory"][0]["observation"].is_null());
  EXPECT_EQ(r["outcome"]["reward"], -1.5);
  EXPECT_EQ(r["outcome"]["tool_success"], false);
  EXPECT_EQ(r["outcome"]["tool_error"], "Exit code 2");
  EXPECT_EQ(r["outcome"]["is_problematic"], true);
  EXPECT_EQ(r["meta"]["tool_call_id"], "t2");
  EXPECT_EQ(r["meta"]["source_system"], "memex");
  EXPECT_TRUE(out[0]["outcome"]["tool_error"].is_null());
}

TEST(BuildDataset, PreferencePairsSameToolAndPrompt) {
  std::vector<Event> events = {Prompt(1, "  Build It  "),
                               Pre(2, "a", "Bash", R"({"command":"make"})"),
                               Post(3, "a", "Error: no target", true),
                               Pre(4, "b", "Bash", R"({"command":"make all"})"),
                               Post(5, "b", "built"),
                               Pre(6, "c", "Read", R"({"file_path":"x"})"),
                               Post(7, "c", "contents"),
                               Pre(8, "d", "Bash", R"({"command":"make again"})"),
                               Post(9, "d", "built again")};
  std::vector<json> out = BuildDataset(CollectToolCalls(S(), events), {DatasetFormat::kPreference});
  ASSERT_EQ(out.size(), 1u);  // Bash: 2 chosen, 1 rejected; Read: nothing rejected
  const json& p = out[0];
  EXPECT_EQ(p["dataset_type"], "preference");
  EXPECT_EQ(p["prompt_text"], "Build It");
  EXPECT_EQ(p["tool_name"], "Bash");
  EXPECT_EQ(p["chosen"]["tool_call_id"], "b");
  EXPECT_EQ(p["rejected"]["tool_call_id"], "a");
  EXPECT_EQ(p["rejected"]["reward"], -1.5);
  EXPECT_TRUE(p["chosen"]["observation"].is_null());
  EXPECT_EQ(p["meta"]["project"], "default/demo");
  EXPECT_EQ(p["meta"]["prompt_key"], "build it");
}

TEST(BuildDataset, Formats) {
  EXPECT_EQ(*ParseDatasetFormat("sft"), DatasetFormat::kSft);
  EXPECT_EQ(*ParseDatasetFormat("trajectory"), DatasetFormat::kTrajectory);
  EXPECT_EQ(*ParseDatasetFormat("preference"), DatasetFormat::kPreference);
  EXPECT_EQ(ParseDatasetFormat("dpo").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(BuildDataset({}, {DatasetFormat::kSft}).empty());
}

}  // namespace
}  // namespace memex::capture
