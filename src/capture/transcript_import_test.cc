#include "capture/transcript_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "capture/hook_payload.h"

namespace memex::capture {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(__FILE__).parent_path() / "testdata" / "transcripts";
constexpr size_t kMaxEvent = 65536;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The one recorded transcript of an agent (capture/testdata/transcripts/<agent>/...).
fs::path Recorded(const std::string& agent) {
  Result<std::vector<std::string>> files = ListTranscriptFiles((kDir / agent).string());
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files.ok() ? files->size() : 0u, 1u);
  return files.ok() && !files->empty() ? fs::path(files->front()) : fs::path();
}

ParsedTranscript ParseFile(TranscriptFormat f, const fs::path& p) {
  return ParseTranscript(f, Slurp(p), p.stem().string(), kMaxEvent);
}

std::vector<EventKind> Kinds(const ParsedTranscript& t) {
  std::vector<EventKind> out;
  for (const Event& e : t.events) out.push_back(e.kind);
  return out;
}

const Event* Find(const ParsedTranscript& t, EventKind k, int nth = 0) {
  for (const Event& e : t.events) {
    if (e.kind == k && nth-- == 0) return &e;
  }
  return nullptr;
}

using K = EventKind;
// Both recordings are the same scripted session: a prompt, a Bash call that succeeds, one that
// exits 3, an MCP pf_poke, an answer; then (resumed) a prompt, a failing `ls`, an answer.
const std::vector<EventKind> kStory = {
    K::kUserPrompt,  K::kPreToolUse,  K::kPostToolUse, K::kPreToolUse, K::kPostToolUse,
    K::kPreToolUse,  K::kPostToolUse, K::kStop,        K::kUserPrompt, K::kPreToolUse,
    K::kPostToolUse, K::kStop,        K::kSessionEnd};

struct Case {
  TranscriptFormat format;
  std::string agent;
  std::string session;
  std::string mcp_tool;
};

class RecordedTranscript : public ::testing::TestWithParam<Case> {};

TEST_P(RecordedTranscript, BecomesTheHookEvents) {
  const Case& c = GetParam();
  ParsedTranscript t = ParseFile(c.format, Recorded(c.agent));
  EXPECT_EQ(t.session_id, c.session);
  EXPECT_EQ(t.cwd, "/home/user/project");
  EXPECT_EQ(t.git_branch, "");  // Claude Code says "HEAD" outside a repository
  EXPECT_TRUE(t.skipped.empty()) << t.skipped.begin()->first;
  EXPECT_GT(t.ignored, 5);  // metadata, attachments, token counts, developer messages...
  ASSERT_EQ(Kinds(t), kStory);

  for (const Event& e : t.events) {
    EXPECT_EQ(e.agent, c.agent);
    EXPECT_EQ(e.session_id, c.session);
    EXPECT_EQ(e.cwd, "/home/user/project");
    EXPECT_GT(e.ts_ms, 1795000000000);
    EXPECT_EQ(e.ingest_key.size(), 32u);
    EXPECT_TRUE(IsValidIngestKey(e.ingest_key));
    EXPECT_NE(e.raw.find("\"memex_import\""), std::string::npos);
  }
  std::set<std::string> keys;
  for (const Event& e : t.events) keys.insert(e.ingest_key);
  EXPECT_EQ(keys.size(), t.events.size()) << "ingest keys must be distinct";
  for (size_t i = 1; i < t.events.size(); ++i) {
    EXPECT_LE(t.events[i - 1].ts_ms, t.events[i].ts_ms) << i;
  }

  EXPECT_EQ(Find(t, K::kUserPrompt, 0)->prompt, "Run the tests and record the storage decision");
  EXPECT_EQ(Find(t, K::kUserPrompt, 1)->prompt, "Now list missing-dir");

  const Event* pre = Find(t, K::kPreToolUse, 0);
  const Event* post = Find(t, K::kPostToolUse, 0);
  EXPECT_EQ(pre->tool_name, "Bash");
  EXPECT_NE(pre->tool_input.find("\"command\":\"echo tests passed\""), std::string::npos)
      << pre->tool_input;
  EXPECT_FALSE(pre->tool_use_id.empty());
  EXPECT_EQ(post->tool_use_id, pre->tool_use_id);
  EXPECT_EQ(post->tool_name, "Bash");
  EXPECT_EQ(post->tool_input, pre->tool_input);
  EXPECT_NE(post->tool_output.find("tests passed"), std::string::npos) << post->tool_output;
  EXPECT_FALSE(post->tool_error);

  const Event* failed = Find(t, K::kPostToolUse, 1);
  EXPECT_TRUE(failed->tool_error);
  const Event* mcp = Find(t, K::kPreToolUse, 2);
  EXPECT_EQ(mcp->tool_name, c.mcp_tool);
  EXPECT_NE(mcp->tool_input.find("We use SQLite in WAL mode."), std::string::npos);
  const Event* mcp_post = Find(t, K::kPostToolUse, 2);
  EXPECT_FALSE(mcp_post->tool_error);
  EXPECT_NE(mcp_post->tool_output.find("\"created\":true"), std::string::npos);
  const Event* ls = Find(t, K::kPostToolUse, 3);
  EXPECT_TRUE(ls->tool_error);
  EXPECT_NE(ls->tool_output.find("No such file or directory"), std::string::npos);

  EXPECT_EQ(Find(t, K::kStop, 0)->message, "Done: tests pass and the decision is stored.");
  EXPECT_EQ(Find(t, K::kStop, 1)->message, "The directory is missing. Next steps:\n- create it");
  EXPECT_EQ(t.events.back().detail, "import");
}

TEST_P(RecordedTranscript, ParsingTwiceGivesTheSameKeys) {
  const Case& c = GetParam();
  fs::path p = Recorded(c.agent);
  ParsedTranscript a = ParseFile(c.format, p);
  ParsedTranscript b = ParseFile(c.format, p);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].ingest_key, b.events[i].ingest_key);
  }
}

TEST_P(RecordedTranscript, TrailingMetadataChangesNoKey) {
  const Case& c = GetParam();
  std::string text = Slurp(Recorded(c.agent));
  std::string more =
      text + (c.format == TranscriptFormat::kCodex
                  ? "{\"timestamp\":\"2026-11-23T00:00:00Z\",\"type\":\"event_msg\","
                    "\"payload\":{\"type\":\"token_count\"}}\n"
                  : "{\"type\":\"last-prompt\",\"lastPrompt\":\"x\",\"sessionId\":\"" + c.session +
                        "\"}\n");
  ParsedTranscript a = ParseTranscript(c.format, text, "x", kMaxEvent);
  ParsedTranscript b = ParseTranscript(c.format, more, "x", kMaxEvent);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].ingest_key, b.events[i].ingest_key) << i;
  }
}

TEST_P(RecordedTranscript, AGrownFileKeepsEarlierKeys) {
  // A transcript is append-only: importing it again after the session went on adds events,
  // and those already stored keep their keys (only the SessionEnd moves to the new end).
  const Case& c = GetParam();
  std::string text = Slurp(Recorded(c.agent));
  std::string half = text.substr(0, text.find("Now list missing-dir"));
  half = half.substr(0, half.rfind('\n') + 1);
  ParsedTranscript part = ParseTranscript(c.format, half, "x", kMaxEvent);
  ParsedTranscript whole = ParseTranscript(c.format, text, "x", kMaxEvent);
  ASSERT_GE(part.events.size(), 2u);
  std::set<std::string> keys;
  for (const Event& e : whole.events) keys.insert(e.ingest_key);
  for (size_t i = 0; i + 1 < part.events.size(); ++i) {
    EXPECT_TRUE(keys.count(part.events[i].ingest_key)) << i;
  }
  EXPECT_FALSE(keys.count(part.events.back().ingest_key)) << "the old SessionEnd";
}

INSTANTIATE_TEST_SUITE_P(
    Agents, RecordedTranscript,
    ::testing::Values(Case{TranscriptFormat::kClaudeCode, "claude-code",
                           "89848f09-9f64-4cf7-9828-0702c194f701", "mcp__memex__pf_poke"},
                      Case{TranscriptFormat::kCodex, "codex",
                           "01a2011c-0ad1-7312-b3ac-398b5644b9e5", "mcp__memex__pf_poke"}),
    [](const auto& info) { return info.param.agent == "codex" ? "Codex" : "ClaudeCode"; });

TEST(TranscriptParser, MalformedLinesAreSkippedAndCounted) {
  std::string text =
      "not json at all\n"
      "[1,2]\n"
      "{\"no\":\"type\"}\n"
      "\n"
      "{\"type\":\"user\",\"sessionId\":\"s1\",\"cwd\":\"/w/p\",\"uuid\":\"u1\","
      "\"timestamp\":\"2026-11-22T10:00:00Z\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n"
      "{\"type\":\"assistant\",\"uuid\":\"u2\",\"message\":42}\n"
      "{\"type\":\"user\",\"sessionId\":\"s1\",\"uuid\":\"u3\",\"message\":{\"content\":\"tru";
  ParsedTranscript t = ParseTranscript(TranscriptFormat::kClaudeCode, text, "stem", kMaxEvent);
  EXPECT_EQ(t.lines, 6);
  EXPECT_EQ(t.skipped["not JSON"], 2);  // the first line and the cut last one
  EXPECT_EQ(t.skipped["not a JSON object"], 1);
  EXPECT_EQ(t.skipped["no type"], 1);
  EXPECT_EQ(t.skipped["no message"], 1);
  EXPECT_EQ(t.session_id, "s1");
  ASSERT_EQ(Kinds(t), (std::vector<EventKind>{K::kUserPrompt, K::kSessionEnd}));
  EXPECT_EQ(t.events[0].prompt, "hi");
  EXPECT_EQ(t.events[1].ts_ms, t.events[0].ts_ms);  // no later timestamp: the last one seen
}

TEST(TranscriptParser, ClaudeSkipsInjectedTextAndKeepsSlashCommands) {
  auto user = [](const std::string& extra, const std::string& content, int n) {
    return "{\"type\":\"user\",\"sessionId\":\"s\",\"cwd\":\"/w/p\",\"uuid\":\"u" +
           std::to_string(n) + "\"," + extra +
           "\"message\":{\"role\":\"user\",\"content\":" + content + "}}\n";
  };
  std::string text =
      user("\"isMeta\":true,", "\"Caveat: local commands\"", 1) +
      user("", "\"<local-command-stdout>ok</local-command-stdout>\"", 2) +
      user("",
           "\"<command-message>work</command-message>\\n<command-name>/work</command-name>"
           "\\n<command-args>now</command-args>\"",
           3) +
      user("\"isSidechain\":true,", "\"subagent task\"", 4) +
      user("", "[{\"type\":\"text\",\"text\":\"look at this\"},{\"type\":\"image\"}]", 5) +
      user("", "\"<task-notification>done</task-notification>\"", 6) +
      "{\"type\":\"summary\",\"summary\":\"A title\",\"leafUuid\":\"u5\"}\n";
  ParsedTranscript t = ParseTranscript(TranscriptFormat::kClaudeCode, text, "stem", kMaxEvent);
  ASSERT_EQ(Kinds(t), (std::vector<EventKind>{K::kUserPrompt, K::kUserPrompt, K::kSessionEnd}));
  EXPECT_EQ(t.events[0].prompt, "/work now");
  EXPECT_EQ(t.events[1].prompt, "look at this");
  EXPECT_TRUE(t.skipped.empty());
  EXPECT_EQ(t.ignored, 5);
}

TEST(TranscriptParser, ClaudeStopIsTheLastTextOfEachTurn) {
  std::string text =
      "{\"type\":\"user\",\"sessionId\":\"s\",\"cwd\":\"/w/p\",\"uuid\":\"u1\","
      "\"message\":{\"content\":\"first\"}}\n"
      "{\"type\":\"assistant\",\"uuid\":\"a1\",\"message\":{\"content\":[{\"type\":\"text\","
      "\"text\":\"Looking.\"},{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Read\","
      "\"input\":{\"file_path\":\"src/x.cc\"}}]}}\n"
      "{\"type\":\"user\",\"uuid\":\"u2\",\"message\":{\"content\":[{\"type\":\"tool_result\","
      "\"tool_use_id\":\"t1\",\"content\":[{\"type\":\"text\",\"text\":\"int x;\"}]}]}}\n"
      "{\"type\":\"assistant\",\"uuid\":\"a2\",\"message\":{\"content\":[{\"type\":\"text\","
      "\"text\":\"It declares x.\"}]}}\n"
      "{\"type\":\"user\",\"uuid\":\"u3\",\"message\":{\"content\":\"second\"}}\n";
  ParsedTranscript t = ParseTranscript(TranscriptFormat::kClaudeCode, text, "stem", kMaxEvent);
  ASSERT_EQ(Kinds(t), (std::vector<EventKind>{K::kUserPrompt, K::kPreToolUse, K::kPostToolUse,
                                              K::kStop, K::kUserPrompt, K::kSessionEnd}));
  EXPECT_EQ(t.events[1].files, std::vector<std::string>{"/w/p/src/x.cc"});
  EXPECT_EQ(t.events[2].tool_name, "Read");
  EXPECT_EQ(t.events[2].tool_output, "int x;");
  EXPECT_EQ(t.events[3].message, "It declares x.");
}

TEST(TranscriptParser, CodexShellToolsBecomeBashAndOldOutputsAreRead) {
  auto item = [](const std::string& payload) {
    return "{\"timestamp\":\"2026-01-02T03:04:05Z\",\"type\":\"response_item\",\"payload\":" +
           payload + "}\n";
  };
  std::string text =
      "{\"timestamp\":\"2026-01-02T03:04:05Z\",\"type\":\"session_meta\",\"payload\":{\"id\":"
      "\"cx\",\"cwd\":\"/w/q\",\"git\":{\"branch\":\"main\"}}}\n" +
      item(
          "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
          "\"text\":\"<user_instructions>be nice</user_instructions>\"}]}") +
      item(
          "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
          "\"text\":\"fix it\"}]}") +
      item(
          "{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{\\\"command\\\":"
          "[\\\"bash\\\",\\\"-lc\\\",\\\"make test\\\"]}\",\"call_id\":\"c1\"}") +
      item(
          "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"{\\\"output\\\":"
          "\\\"FAIL\\\\n\\\",\\\"metadata\\\":{\\\"exit_code\\\":2}}\"}") +
      item(
          "{\"type\":\"custom_tool_call\",\"name\":\"apply_patch\",\"call_id\":\"c2\","
          "\"input\":\"*** Begin Patch\\n*** Update File: a.txt\\n*** End Patch\"}") +
      item("{\"type\":\"custom_tool_call_output\",\"call_id\":\"c2\",\"output\":\"Done\"}") +
      item("{\"type\":\"reasoning\",\"summary\":[]}") +
      item(
          "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
          "\"text\":\"Patched.\"}]}");
  ParsedTranscript t = ParseTranscript(TranscriptFormat::kCodex, text, "rollout-x", kMaxEvent);
  EXPECT_EQ(t.session_id, "cx");
  EXPECT_EQ(t.git_branch, "main");
  ASSERT_EQ(Kinds(t),
            (std::vector<EventKind>{K::kUserPrompt, K::kPreToolUse, K::kPostToolUse, K::kPreToolUse,
                                    K::kPostToolUse, K::kStop, K::kSessionEnd}));
  EXPECT_EQ(t.events[0].prompt, "fix it");
  EXPECT_EQ(t.events[1].tool_name, "Bash");
  EXPECT_EQ(t.events[1].tool_input, "{\"command\":\"make test\"}");
  EXPECT_TRUE(t.events[2].tool_error);
  EXPECT_EQ(t.events[2].tool_output, "FAIL\n");
  EXPECT_EQ(t.events[3].tool_name, "apply_patch");
  EXPECT_EQ(t.events[3].files, std::vector<std::string>{"/w/q/a.txt"});
  EXPECT_FALSE(t.events[4].tool_error);
  EXPECT_EQ(t.events[5].message, "Patched.");
  EXPECT_EQ(t.events[0].git_branch, "main");
}

TEST(TranscriptParser, CodexFirstRolloutFormat) {
  std::string text =
      "{\"id\":\"old-1\",\"timestamp\":\"2025-06-01T10:00:00Z\",\"instructions\":null,"
      "\"git\":{\"branch\":\"dev\"}}\n"
      "{\"record_type\":\"state\"}\n"
      "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
      "\"text\":\"hello\"}]}\n"
      "{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{\\\"command\\\":"
      "[\\\"ls\\\"]}\",\"call_id\":\"c1\"}\n"
      "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"a.txt\"}\n";
  ParsedTranscript t = ParseTranscript(TranscriptFormat::kCodex, text, "rollout-x", kMaxEvent);
  EXPECT_TRUE(t.skipped.empty());
  EXPECT_EQ(t.session_id, "old-1");
  EXPECT_EQ(t.git_branch, "dev");
  ASSERT_EQ(Kinds(t), (std::vector<EventKind>{K::kUserPrompt, K::kPreToolUse, K::kPostToolUse,
                                              K::kSessionEnd}));
  EXPECT_EQ(t.events[1].tool_input, "{\"command\":\"ls\"}");
  EXPECT_EQ(t.events[2].tool_output, "a.txt");
}

TEST(TranscriptParser, NoConversationNoEventsAndTheStemNamesTheSession) {
  ParsedTranscript t = ParseTranscript(TranscriptFormat::kCodex,
                                       "{\"type\":\"event_msg\",\"payload\":{\"type\":\"x\"}}\n",
                                       "rollout-1", kMaxEvent);
  EXPECT_TRUE(t.events.empty());
  EXPECT_EQ(t.session_id, "rollout-1");
  EXPECT_EQ(t.ignored, 1);
}

TEST(TranscriptImport, FormatsAndKeys) {
  EXPECT_EQ(*ParseTranscriptFormat("claude"), TranscriptFormat::kClaudeCode);
  EXPECT_EQ(*ParseTranscriptFormat("claude-code"), TranscriptFormat::kClaudeCode);
  EXPECT_EQ(*ParseTranscriptFormat("codex"), TranscriptFormat::kCodex);
  EXPECT_FALSE(ParseTranscriptFormat("cursor").ok());
  EXPECT_EQ(ImportIngestKey("codex", "s", "line:1"), ImportIngestKey("codex", "s", "line:1"));
  EXPECT_NE(ImportIngestKey("codex", "s", "line:1"), ImportIngestKey("codex", "s2", "line:1"));
  EXPECT_NE(ImportIngestKey("codex", "s", "line:1"), ImportIngestKey("claude-code", "s", "line:1"));
}

TEST(TranscriptImport, ListTranscriptFiles) {
  EXPECT_EQ(ListTranscriptFiles("/nonexistent/memex/x").status().code(), StatusCode::kNotFound);
  Result<std::vector<std::string>> all = ListTranscriptFiles(kDir.string());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  Result<std::vector<std::string>> one = ListTranscriptFiles(all->front());
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, std::vector<std::string>{all->front()});
}

}  // namespace
}  // namespace memex::capture
