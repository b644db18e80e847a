#include "capture/hook_payload.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/text.h"

namespace memex::capture {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

HookEnvelope Env(EventKind kind, std::string agent = "claude-code") {
  HookEnvelope e;
  e.kind = kind;
  e.agent = std::move(agent);
  e.scope = Scope{"default", "demo"};
  e.ingest_key = "k1";
  e.ts_ms = 1764000000000;
  e.git_branch = "main";
  return e;
}

Event MustParse(EventKind kind, const std::string& payload, std::string agent = "claude-code") {
  auto r = ParseHookEvent(Env(kind, std::move(agent)), payload, 65536);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << payload;
  return r.ok() ? *r : Event{};
}

// ---- CapPayload ----

TEST(CapPayload, SmallPayloadIsCompactedUnchanged) {
  auto r = CapPayload(R"( { "b" : 1, "a" : "x y", "cwd":"/w", "session_id":"s1" } )", 65536);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->json, R"({"a":"x y","b":1,"cwd":"/w","session_id":"s1"})");
  EXPECT_EQ(r->cut_bytes, 0u);
  EXPECT_EQ(r->head.cwd, "/w");
  EXPECT_EQ(r->head.session_id, "s1");
}

TEST(CapPayload, RejectsWhatIsNotAnObject) {
  for (const char* bad : {"", "   ", "not json", "[1,2]", "\"s\"", "42", "{\"a\":", "null"}) {
    auto r = CapPayload(bad, 65536);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(CapPayload, CutsTheLongestStringFirst) {
  json j = {{"session_id", "s"},
            {"prompt", std::string(3000, 'p')},
            {"tool_response", std::string(20000, 'r')},
            {"short", "keep me"}};
  auto r = CapPayload(j.dump(), 8192);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->json.size(), 8192u);
  json out = json::parse(r->json);
  EXPECT_EQ(out["prompt"], std::string(3000, 'p'));  // shorter than the common cut length
  EXPECT_EQ(out["short"], "keep me");
  std::string resp = out["tool_response"];
  EXPECT_LT(resp.size(), 20000u);
  EXPECT_NE(resp.find("…[cut "), std::string::npos);
  EXPECT_TRUE(resp.ends_with(" bytes]"));
  EXPECT_GT(r->cut_bytes, 12000u);
  // The marker names exactly how many bytes went.
  size_t kept = resp.find("…[cut ");
  EXPECT_EQ(resp.substr(kept), "…[cut " + std::to_string(20000 - kept) + " bytes]");
  // Used most of the budget: no needless cutting.
  EXPECT_GT(r->json.size(), 8000u);
}

TEST(CapPayload, CutsSeveralLongStringsToACommonLength) {
  json j = {
      {"a", std::string(10000, 'a')}, {"b", std::string(9000, 'b')}, {"c", std::string(500, 'c')}};
  auto r = CapPayload(j.dump(), 6000);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->json.size(), 6000u);
  json out = json::parse(r->json);
  EXPECT_EQ(out["c"], std::string(500, 'c'));
  std::string a = out["a"];
  std::string b = out["b"];
  EXPECT_EQ(a.find("…"), b.find("…"));  // same kept length
}

TEST(CapPayload, CountsEscapedBytesAndKeepsUtf8Whole) {
  std::string s;
  for (int i = 0; i < 3000; ++i) s += "é\n\"\x01";  // 2 + 2 + 2 + 6 escaped bytes
  json j = {{"text", s}};
  for (size_t max : {1024u, 2000u, 4097u, 10000u}) {
    auto r = CapPayload(j.dump(), max);
    ASSERT_TRUE(r.ok());
    EXPECT_LE(r->json.size(), max);
    json out = json::parse(r->json);  // still valid JSON
    EXPECT_TRUE(IsValidUtf8(out["text"].get<std::string>()));
  }
}

TEST(CapPayload, NeverBelowTheMinimum) {
  json j = {{"text", std::string(5000, 'x')}};
  auto r = CapPayload(j.dump(), 10);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->json.size(), kMinEventBytes);
  EXPECT_GT(r->json.size(), kMinEventBytes - 64);
}

TEST(CapPayload, ReplacesHugeStructuresWhenStringsAreNotEnough) {
  json numbers = json::array();
  for (int i = 0; i < 20000; ++i) numbers.push_back(i);
  json j = {{"session_id", "s9"}, {"tool_input", {{"values", numbers}}}, {"cwd", "/w"}};
  auto r = CapPayload(j.dump(), 4096);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->json.size(), 4096u);
  json out = json::parse(r->json);
  EXPECT_EQ(out["session_id"], "s9");
  EXPECT_EQ(out["cwd"], "/w");
  EXPECT_NE(out.dump().find("…[cut "), std::string::npos);
}

TEST(CapPayload, KeepsOnlyTheHeadAsALastResort) {
  json j = json::object();
  j["session_id"] = "s";
  j["hook_event_name"] = "PostToolUse";
  for (int i = 0; i < 3000; ++i) j["key" + std::to_string(i)] = i;  // flat: nothing to cut
  auto r = CapPayload(j.dump(), 2048);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->json.size(), 2048u);
  json out = json::parse(r->json);
  EXPECT_EQ(out["session_id"], "s");
  EXPECT_EQ(out["hook_event_name"], "PostToolUse");
  EXPECT_TRUE(out.contains("_memex_cut"));
}

TEST(CapPayload, HeadAliases) {
  struct Case {
    const char* json;
    const char* cwd;
    const char* session;
  };
  const Case cases[] = {
      {R"({"cwd":"/a","session_id":"s"})", "/a", "s"},
      {R"({"current_dir":"/b","sessionId":"t"})", "/b", "t"},
      {R"({"working_dir":"/c","sessionID":"u"})", "/c", "u"},
      {R"({"directory":"/d","session":"v"})", "/d", "v"},
      {R"({"workspacePaths":["/e","/f"],"conversationId":"w"})", "/e", "w"},
      {R"({"workspacePaths":[],"session_id":5})", "", ""},
  };
  for (const Case& c : cases) {
    auto r = CapPayload(c.json, 65536);
    ASSERT_TRUE(r.ok()) << c.json;
    EXPECT_EQ(r->head.cwd, c.cwd) << c.json;
    EXPECT_EQ(r->head.session_id, c.session) << c.json;
  }
}

// ---- ParseHookEvent: hand-written payloads in the shapes of the reference doc ----

TEST(ParseHookEvent, ClaudeCodeSessionStart) {
  Event e = MustParse(EventKind::kSessionStart, R"({"session_id":"abc","transcript_path":"/t.jsonl",
      "cwd":"/work/demo","hook_event_name":"SessionStart","source":"startup","model":"claude-x"})");
  EXPECT_EQ(e.kind, EventKind::kSessionStart);
  EXPECT_EQ(e.session_id, "abc");
  EXPECT_EQ(e.cwd, "/work/demo");
  EXPECT_EQ(e.detail, "startup");
  EXPECT_EQ(e.model, "claude-x");
  EXPECT_EQ(e.agent, "claude-code");
  EXPECT_EQ(e.scope, (Scope{"default", "demo"}));
  EXPECT_EQ(e.ingest_key, "k1");
  EXPECT_EQ(e.ts_ms, 1764000000000);
  EXPECT_EQ(e.git_branch, "main");
  EXPECT_FALSE(e.raw.empty());
  EXPECT_TRUE(json::parse(e.raw).is_object());
}

TEST(ParseHookEvent, EnvelopeCwdWins) {
  HookEnvelope env = Env(EventKind::kStop);
  env.cwd = "/from/client";
  auto e = ParseHookEvent(env, R"({"cwd":"/from/payload"})", 65536);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->cwd, "/from/client");
}

TEST(ParseHookEvent, ClaudeCodeUserPrompt) {
  Event e = MustParse(EventKind::kUserPrompt, R"({"session_id":"abc","cwd":"/w",
      "hook_event_name":"UserPromptSubmit","prompt_id":"p1","permission_mode":"default",
      "prompt":"Why does the build fail?"})");
  EXPECT_EQ(e.prompt, "Why does the build fail?");
}

TEST(ParseHookEvent, ClaudeCodePreToolUse) {
  Event e = MustParse(EventKind::kPreToolUse, R"({"session_id":"abc","cwd":"/w",
      "hook_event_name":"PreToolUse","tool_name":"Edit","tool_use_id":"toolu_01",
      "tool_input":{"file_path":"/w/src/a.cc","old_string":"x","new_string":"y"}})");
  EXPECT_EQ(e.tool_name, "Edit");
  EXPECT_EQ(e.tool_use_id, "toolu_01");
  EXPECT_EQ(e.tool_input, R"({"file_path":"/w/src/a.cc","new_string":"y","old_string":"x"})");
  EXPECT_EQ(e.files, std::vector<std::string>{"/w/src/a.cc"});
  EXPECT_FALSE(e.tool_error);
}

TEST(ParseHookEvent, ClaudeCodePostToolUseStringResponse) {
  Event e = MustParse(EventKind::kPostToolUse, R"({"session_id":"abc","cwd":"/w",
      "hook_event_name":"PostToolUse","tool_name":"Bash","tool_use_id":"toolu_02",
      "tool_input":{"command":"ls","description":"list"},
      "tool_response":"a.cc\nb.cc","duration_ms":42,
      "mcp_server":{"name":"x","source":"y"}})");
  EXPECT_EQ(e.tool_output, "a.cc\nb.cc");
  EXPECT_EQ(e.duration_ms, 42);
  EXPECT_FALSE(e.tool_error);
  EXPECT_TRUE(e.files.empty());
}

TEST(ParseHookEvent, CodexPostToolUseMcpObjectResponse) {
  Event e = MustParse(EventKind::kPostToolUse, R"({"session_id":"019a","turn_id":"t1",
      "model":"gpt-5","cwd":"/w","hook_event_name":"PostToolUse",
      "tool_name":"mcp__memex__pf_scan","tool_use_id":"call_1","tool_input":{"query":"auth"},
      "tool_response":{"content":[{"type":"text","text":"first hit"},{"type":"image","data":"…"},
      {"type":"text","text":"second"}],"structuredContent":{"hits":2}}})",
                      "codex");
  EXPECT_EQ(e.tool_output, "first hit\nsecond");
  EXPECT_EQ(e.model, "gpt-5");
  EXPECT_FALSE(e.tool_error);
}

TEST(ParseHookEvent, ToolErrors) {
  struct Case {
    const char* response;
    bool error;
    const char* output;
  };
  const Case cases[] = {
      {R"("all good")", false, "all good"},
      {R"("Exit code 2\nboom")", true, "Exit code 2\nboom"},
      {R"("Error: Exit code 1\nnope")", true, "Error: Exit code 1\nnope"},
      {R"("Exit code: 0\nWall time: 0.1 seconds\nOutput:\nok")", false, nullptr},
      {R"("Exit code: 127\nWall time: 0 seconds\nOutput:\nnot found")", true, nullptr},
      {R"("the text mentions Exit code 3 later")", false, nullptr},
      {R"({"stdout":"out","stderr":"err","exit_code":1})", true, "out\nerr"},
      {R"({"stdout":"out","stderr":"","exit_code":0})", false, "out"},
      {R"({"stdout":"","stderr":"","interrupted":true,"isImage":false})", true, nullptr},
      {R"({"stdout":"x","interrupted":false})", false, "x"},
      {R"({"content":[{"type":"text","text":"bad"}],"isError":true})", true, "bad"},
      {R"({"content":[{"type":"text","text":"ok"}],"isError":false})", false, "ok"},
      {R"({"content":[],"structuredContent":{"exit_code":3}})", true, R"({"exit_code":3})"},
      {R"({"success":false,"message":"denied"})", true, "denied"},
      {R"({"success":true,"filePath":"/w/x"})", false, nullptr},
      {R"({"error":"timeout"})", true, nullptr},
      {R"({"error":null,"output":"fine"})", false, "fine"},
      {R"({"output":"Process exited with code 1\nfailed"})", true, nullptr},
      {R"([{"type":"text","text":"a"},{"type":"text","text":"b"}])", false, "a\nb"},
      {R"(17)", false, "17"},
  };
  for (const Case& c : cases) {
    std::string payload =
        std::string(R"({"session_id":"s","tool_name":"Bash","tool_response":)") + c.response + "}";
    Event e = MustParse(EventKind::kPostToolUse, payload);
    EXPECT_EQ(e.tool_error, c.error) << c.response;
    if (c.output != nullptr) {
      EXPECT_EQ(e.tool_output, c.output) << c.response;
    }
  }
}

TEST(ParseHookEvent, FailureEventWithoutResponse) {
  Event e = MustParse(EventKind::kPostToolUse,
                      R"({"session_id":"s","tool_name":"Bash","tool_input":{"command":"false"},
                          "error":"Command failed with exit code 1","is_interrupt":false})");
  EXPECT_TRUE(e.tool_error);
  EXPECT_EQ(e.tool_output, "Command failed with exit code 1");
}

TEST(ParseHookEvent, DurationFromCodexResponse) {
  Event e = MustParse(EventKind::kPostToolUse,
                      R"({"tool_name":"shell","tool_response":{"output":"x",
                          "duration":{"secs":1,"nanos":500000000}}})");
  EXPECT_EQ(e.duration_ms, 1500);
}

TEST(ParseHookEvent, StopSessionEndCompactNotification) {
  Event stop = MustParse(EventKind::kStop, R"({"session_id":"s","stop_hook_active":false,
      "last_assistant_message":"Done: tests pass."})");
  EXPECT_EQ(stop.message, "Done: tests pass.");
  Event end =
      MustParse(EventKind::kSessionEnd, R"({"session_id":"s","reason":"prompt_input_exit"})");
  EXPECT_EQ(end.detail, "prompt_input_exit");
  Event pc = MustParse(EventKind::kPreCompact, R"({"session_id":"s","trigger":"auto"})");
  EXPECT_EQ(pc.detail, "auto");
  Event n = MustParse(EventKind::kNotification,
                      R"({"session_id":"s","message":"Claude needs your permission",
                          "notification_type":"permission_prompt"})");
  EXPECT_EQ(n.message, "Claude needs your permission");
  EXPECT_EQ(n.detail, "permission_prompt");
}

TEST(ParseHookEvent, EmptyPayloadIsAnEmptyObject) {
  Event e = MustParse(EventKind::kOther, "  ");
  EXPECT_EQ(e.raw, "{}");
  auto bad = ParseHookEvent(Env(EventKind::kOther), "[1]", 65536);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(ParseHookEvent, FieldCaps) {
  json j = {{"session_id", "s"},
            {"prompt", std::string(40000, 'p')},
            {"last_assistant_message", std::string(40000, 'm')},
            {"tool_input", {{"command", std::string(20000, 'c')}, {"file_path", "/w/x"}}},
            {"tool_response", std::string(30000, 'r')}};
  Event e = MustParse(EventKind::kPostToolUse, j.dump());
  EXPECT_LE(e.prompt.size(), kMaxPromptBytes);
  EXPECT_GT(e.prompt.size(), kMaxPromptBytes - 64);
  EXPECT_LE(e.message.size(), kMaxMessageBytes);
  EXPECT_LE(e.tool_output.size(), kMaxToolOutputBytes);
  EXPECT_NE(e.tool_output.find("…[cut "), std::string::npos);
  EXPECT_LE(e.tool_input.size(), kMaxToolInputBytes);
  json input = json::parse(e.tool_input);  // still JSON
  EXPECT_EQ(input["file_path"], "/w/x");
  EXPECT_LE(e.raw.size(), 65536u);
  EXPECT_TRUE(json::parse(e.raw).is_object());
  // The fields come from the whole payload, not from the capped raw copy.
  auto small = ParseHookEvent(Env(EventKind::kPostToolUse), j.dump(), 4096);
  ASSERT_TRUE(small.ok());
  EXPECT_LE(small->raw.size(), 4096u);
  EXPECT_EQ(small->prompt, e.prompt);
}

TEST(ParseHookEvent, FilesFromInputsAndPatches) {
  json j = {{"cwd", "/repo"},
            {"tool_name", "apply_patch"},
            {"tool_input",
             {{"input",
               "*** Begin Patch\n*** Update File: src/a.cc\n@@\n-x\n+y\n*** Add File: docs/new.md\n"
               "+hello\n*** Delete File: /repo/old.txt\n*** Update File: src/b.cc\n*** Move to: "
               "src/c.cc\n*** Update File: src/a.cc\n*** End Patch"}}}};
  Event e = MustParse(EventKind::kPreToolUse, j.dump(), "codex");
  EXPECT_EQ(e.files,
            (std::vector<std::string>{"/repo/src/a.cc", "/repo/docs/new.md", "/repo/old.txt",
                                      "/repo/src/b.cc", "/repo/src/c.cc"}));
  Event nb = MustParse(EventKind::kPreToolUse,
                       R"({"cwd":"/repo","tool_name":"NotebookEdit",
                           "tool_input":{"notebook_path":"nb/../x.ipynb"}})");
  EXPECT_EQ(nb.files, std::vector<std::string>{"/repo/x.ipynb"});
  Event cmd = MustParse(EventKind::kPreToolUse,
                        R"({"cwd":"/repo","tool_name":"shell",
                            "tool_input":{"command":["apply_patch","*** Begin Patch\n*** Add File: z.txt\n+1\n*** End Patch"]}})");
  EXPECT_EQ(cmd.files, std::vector<std::string>{"/repo/z.txt"});
}

// ---- spool lines ----

TEST(SpoolLine, RoundTrips) {
  HookEnvelope env = Env(EventKind::kPostToolUse, "codex");
  env.cwd = "/w/demo";
  env.ingest_key = "0123456789abcdef0123456789abcdef";
  std::string line = SpoolLine(env, R"({"tool_name":"Bash"})");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  json j = json::parse(line);
  EXPECT_EQ(j["event"], "post-tool-use");
  EXPECT_EQ(j["payload"]["tool_name"], "Bash");
  auto back = ParseSpoolLine(line);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->envelope.kind, EventKind::kPostToolUse);
  EXPECT_EQ(back->envelope.agent, "codex");
  EXPECT_EQ(back->envelope.scope, (Scope{"default", "demo"}));
  EXPECT_EQ(back->envelope.cwd, "/w/demo");
  EXPECT_EQ(back->envelope.ingest_key, env.ingest_key);
  EXPECT_EQ(back->envelope.ts_ms, env.ts_ms);
  EXPECT_EQ(back->envelope.git_branch, "main");
  EXPECT_EQ(back->payload_json, R"({"tool_name":"Bash"})");
}

TEST(SpoolLine, RejectsBadLines) {
  const char* bad[] = {
      "nope",
      R"({"agent":"a","workspace":"w","project":"p","ingest_key":"k","ts_ms":1,"payload":{}})",
      R"({"event":"stop","agent":"a","workspace":"W!","project":"p","ingest_key":"k","ts_ms":1,"payload":{}})",
      R"({"event":"stop","agent":"a","workspace":"w","project":"p","ingest_key":"k k","ts_ms":1,"payload":{}})",
      R"({"event":"stop","agent":"a","workspace":"w","project":"p","ingest_key":"k","ts_ms":"1","payload":{}})",
      R"({"event":"stop","agent":"a","workspace":"w","project":"p","ingest_key":"k","ts_ms":1,"payload":[]})",
  };
  for (const char* line : bad) {
    EXPECT_EQ(ParseSpoolLine(line).status().code(), StatusCode::kInvalidArgument) << line;
  }
  auto other = ParseSpoolLine(
      R"({"event":"brand-new","agent":"a","workspace":"w","project":"p","ingest_key":"k","ts_ms":1,"payload":{}})");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->envelope.kind, EventKind::kOther);
}

// ---- git branch, ingest keys ----

class TempTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/memex-hook-payload-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  fs::path root_;
};

TEST_F(TempTree, GitBranch) {
  Write(root_ / "repo/.git/HEAD", "ref: refs/heads/feature/x\n");
  fs::create_directories(root_ / "repo/src/deep");
  EXPECT_EQ(ReadGitBranch((root_ / "repo/src/deep").string()), "feature/x");
  EXPECT_EQ(ReadGitBranch((root_ / "repo").string()), "feature/x");

  Write(root_ / "detached/.git/HEAD", "0123456789abcdef0123456789abcdef01234567\n");
  EXPECT_EQ(ReadGitBranch((root_ / "detached").string()), "0123456");

  // Worktree: .git is a file naming the real git directory (relative here).
  Write(root_ / "main/.git/worktrees/wt/HEAD", "ref: refs/heads/wt-branch\n");
  Write(root_ / "wt/.git", "gitdir: ../main/.git/worktrees/wt\n");
  EXPECT_EQ(ReadGitBranch((root_ / "wt").string()), "wt-branch");

  Write(root_ / "odd/.git/HEAD", "something else\n");
  EXPECT_EQ(ReadGitBranch((root_ / "odd").string()), "");
  Write(root_ / "badfile/.git", "not a gitdir line\n");
  EXPECT_EQ(ReadGitBranch((root_ / "badfile").string()), "");
  fs::create_directories(root_ / "plain");
  EXPECT_EQ(ReadGitBranch("relative/path"), "");
  EXPECT_EQ(ReadGitBranch(""), "");
}

TEST(IngestKey, RandomHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto k = NewIngestKey();
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->size(), 32u);
    EXPECT_TRUE(IsValidIngestKey(*k));
    EXPECT_EQ(k->find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(*k);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(IsValidIngestKey(""));
  EXPECT_FALSE(IsValidIngestKey(std::string(65, 'a')));
  EXPECT_FALSE(IsValidIngestKey("a.b"));
  EXPECT_TRUE(IsValidIngestKey("A-z_09"));
}

// ---- recorded payloads of the real clients (src/capture/testdata/<agent>/*.json) ----

struct Fixture {
  std::string agent;
  fs::path path;
};

std::vector<Fixture> Fixtures() {
  std::vector<Fixture> out;
  const fs::path dir = fs::path(__FILE__).parent_path() / "testdata";
  std::error_code ec;
  for (const char* agent : {"claude-code", "codex"}) {
    for (const auto& entry : fs::directory_iterator(dir / agent, ec)) {
      if (entry.path().extension() == ".json") out.push_back({agent, entry.path()});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Fixture& a, const Fixture& b) { return a.path < b.path; });
  return out;
}

// The event a recorded payload is for: its hook_event_name, else the file name's stem.
EventKind FixtureKind(const json& j, const fs::path& path) {
  std::string name = j.value("hook_event_name", "");
  if (name.empty()) name = path.stem().string();
  auto k = ParseEventKind(name);
  if (k.ok()) return *k;
  // "PostToolUse-bash" and the like: the part before the first '-' or '.'.
  std::string head = name.substr(0, name.find_first_of("-._"));
  auto k2 = ParseEventKind(head);
  return k2.ok() ? *k2 : EventKind::kOther;
}

TEST(RecordedPayloads, EveryFixtureNormalises) {
  std::vector<Fixture> fixtures = Fixtures();
  if (fixtures.empty()) GTEST_SKIP() << "no recorded payloads under src/capture/testdata yet";
  for (const Fixture& f : fixtures) {
    SCOPED_TRACE(f.path.string());
    std::ifstream in(f.path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    json j = json::parse(text, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "fixture is not a JSON object";
    EventKind kind = FixtureKind(j, f.path);

    auto capped = CapPayload(text, 65536);
    ASSERT_TRUE(capped.ok()) << capped.status().ToString();
    EXPECT_FALSE(capped->head.session_id.empty());
    EXPECT_FALSE(capped->head.cwd.empty());
    auto again = CapPayload(capped->json, 65536);  // idempotent
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->json, capped->json);

    auto small = CapPayload(text, 4096);
    ASSERT_TRUE(small.ok());
    EXPECT_LE(small->json.size(), 4096u);

    HookEnvelope env = Env(kind, f.agent);
    auto r = ParseHookEvent(env, text, 65536);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const Event& e = *r;
    EXPECT_EQ(e.session_id, capped->head.session_id);
    EXPECT_EQ(e.cwd, capped->head.cwd);
    EXPECT_TRUE(json::parse(e.raw).is_object());
    switch (kind) {
      case EventKind::kUserPrompt:
        EXPECT_FALSE(e.prompt.empty());
        break;
      case EventKind::kPreToolUse:
        EXPECT_FALSE(e.tool_name.empty());
        EXPECT_FALSE(e.tool_use_id.empty());
        EXPECT_FALSE(e.tool_input.empty());
        break;
      case EventKind::kPostToolUse:
        EXPECT_FALSE(e.tool_name.empty());
        EXPECT_FALSE(e.tool_use_id.empty());
        if (j.contains("tool_response") && !j["tool_response"].is_null()) {
          // Text, never the JSON skeleton of an MCP result.
          EXPECT_FALSE(e.tool_output.starts_with("{\"content\""));
        }
        break;
      case EventKind::kSessionStart:
        EXPECT_FALSE(e.detail.empty());
        break;
      default:
        break;
    }
    // Paths named by the input are files of the event.
    if (j.contains("tool_input") && j["tool_input"].is_object()) {
      std::string fp = j["tool_input"].value("file_path", "");
      if (!fp.empty()) {
        EXPECT_NE(
            std::find(e.files.begin(), e.files.end(), fs::path(fp).lexically_normal().string()),
            e.files.end());
      }
    }
  }
}

// What specific recordings must normalise to (the real clients' shapes differ from their
// docs: Claude Code's Bash response is an object, Codex's a string).
TEST(RecordedPayloads, KnownRecordings) {
  struct Case {
    const char* file;
    EventKind kind;
    std::string tool_output;
    bool tool_error;
    int64_t duration_ms;
    std::vector<std::string> files;
    std::string message;
    std::string detail;
    std::string model;
  };
  const Case cases[] = {
      {"claude-code/PostToolUse-bash.json",
       EventKind::kPostToolUse,
       "hello",
       false,
       75,
       {},
       "",
       "",
       ""},
      {"claude-code/PostToolUseFailure-bash-failed.json",
       EventKind::kPostToolUse,
       "Exit code 3",
       true,
       14,
       {},
       "",
       "",
       ""},
      {"claude-code/PreToolUse-write.json",
       EventKind::kPreToolUse,
       "",
       false,
       0,
       {"/home/user/project/notes.txt"},
       "",
       "",
       ""},
      {"claude-code/Stop.json", EventKind::kStop, "", false, 0, {}, "Finished.", "", ""},
      {"claude-code/SessionEnd.json", EventKind::kSessionEnd, "", false, 0, {}, "", "other", ""},
      {"claude-code/SessionStart.json",
       EventKind::kSessionStart,
       "",
       false,
       0,
       {},
       "",
       "startup",
       ""},
      {"claude-code/PreCompact.json", EventKind::kPreCompact, "", false, 0, {}, "", "manual", ""},
      {"codex/PostToolUse-bash.json",
       EventKind::kPostToolUse,
       "hello\n",
       false,
       0,
       {},
       "",
       "",
       "fake-model"},
      {"codex/PostCompact.json",
       EventKind::kPostCompact,
       "",
       false,
       0,
       {},
       "",
       "auto",
       "fake-model"},
  };
  const fs::path dir = fs::path(__FILE__).parent_path() / "testdata";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    std::ifstream in(dir / c.file);
    if (!in) {
      ADD_FAILURE() << "missing recording";
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = ParseHookEvent(Env(c.kind), ss.str(), 65536);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->tool_output, c.tool_output);
    EXPECT_EQ(r->tool_error, c.tool_error);
    EXPECT_EQ(r->duration_ms, c.duration_ms);
    EXPECT_EQ(r->files, c.files);
    EXPECT_EQ(r->message, c.message);
    EXPECT_EQ(r->detail, c.detail);
    EXPECT_EQ(r->model, c.model);
  }
  // Codex's MCP result: the text blocks, not the structured copy.
  std::ifstream in(dir / "codex/PostToolUse-mcp.json");
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = ParseHookEvent(Env(EventKind::kPostToolUse, "codex"), ss.str(), 65536);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->tool_output.starts_with("{\"created\":true")) << r->tool_output;
    EXPECT_FALSE(r->tool_error);
    EXPECT_EQ(r->tool_name, "mcp__memex__pf_poke");
    EXPECT_EQ(r->tool_use_id, "call_fake_2_0");
  }
}

}  // namespace
namespace {

TEST(HookQueryTest, EncodesEveryValue) {
  EXPECT_EQ(UrlEncode("/home/me/my project"), "/home/me/my%20project");
  EXPECT_EQ(UrlEncode("a&b=c?d#é"), "a%26b%3Dc%3Fd%23%C3%A9");
  EXPECT_EQ(UrlEncode("A-z_0.9~"), "A-z_0.9~");
  HookEnvelope env;
  env.kind = EventKind::kPostToolUse;
  env.agent = "claude-code";
  env.scope = {"default", "demo"};
  env.cwd = "/w/my demo";
  env.ingest_key = "k1";
  env.ts_ms = 7;
  EXPECT_EQ(HookQuery(env),
            "event=post-tool-use&agent=claude-code&workspace=default&project=demo&cwd=/w/my%20demo"
            "&ingest_key=k1&ts_ms=7");
  env.git_branch = "feat/x y";
  EXPECT_TRUE(HookQuery(env).ends_with("&git_branch=feat/x%20y"));
}

}  // namespace
}  // namespace memex::capture
