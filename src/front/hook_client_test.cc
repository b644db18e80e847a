#include "front/hook_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "capture/hook_payload.h"
#include "capture/spool.h"
#include "front/fake_http_server_test_util.h"
#include "front/front.h"

namespace memex::front {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::FakeHttpServer;
using testing::RecordedRequest;

constexpr char kPayload[] =
    R"({"session_id":"s1","cwd":"/nonexistent/demo","hook_event_name":"PostToolUse",)"
    R"("tool_name":"Bash","tool_input":{"command":"ls"},"tool_response":"a","tool_use_id":"t1"})";

// Runs the front in-process with fake streams, environment and process hooks.
class FrontHarness {
 public:
  explicit FrontHarness(std::string data_dir) : data_dir_(std::move(data_dir)) {
    env_["XDG_CONFIG_HOME"] = data_dir_ + "/no-config";
  }

  int Run(const std::vector<std::string>& args, const std::string& stdin_text) {
    in_.str(stdin_text);
    in_.clear();
    out_.str("");
    err_.str("");
    std::vector<std::string> argv_s = {"memex"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    FrontDeps deps{
        .version = "test",
        .clock = clock_,
        .env = [this](std::string_view name) -> std::optional<std::string> {
          auto it = env_.find(std::string(name));
          if (it == env_.end()) return std::nullopt;
          return it->second;
        },
        .cwd = "/nonexistent/proc-cwd",
        .in = in_,
        .out = out_,
        .err = err_,
        .self_exe = "/opt/memex/bin/memex",
        .exec_core =
            [this](char** argv) {
              exec_argv.clear();
              for (char** a = argv; *a != nullptr; ++a) exec_argv.emplace_back(*a);
              return std::string("exec refused in tests");
            },
        .spawn_detached =
            [this](const std::vector<std::string>& argv,
                   const std::vector<std::pair<std::string, std::string>>& env) {
              spawned.push_back(argv);
              spawned_env = env;
            },
    };
    return RunFront(static_cast<int>(argv.size() - 1), argv.data(), deps);
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }
  std::map<std::string, std::string>& env() { return env_; }

  std::vector<std::string> exec_argv;
  std::vector<std::vector<std::string>> spawned;
  std::vector<std::pair<std::string, std::string>> spawned_env;

 private:
  std::string data_dir_;
  FakeClock clock_{1764000000000};
  std::map<std::string, std::string> env_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
};

class HookClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/memex-front-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    data_ = root_ + "/data";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> SpoolLines() {
    std::vector<std::string> out;
    std::ifstream in(data_ + "/spool/hooks.jsonl");
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
  }

  std::vector<std::string> HookArgs(const std::string& server, const std::string& event) {
    return {"--data-dir", data_, "hook", event, "--agent", "claude-code", "--server", server};
  }

  std::string root_;
  std::string data_;
};

std::map<std::string, std::string> Query(const std::string& request_line) {
  std::map<std::string, std::string> out;
  size_t q = request_line.find('?');
  size_t end = request_line.find(' ', q);
  std::string query = request_line.substr(q + 1, end - q - 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string kv = query.substr(pos, amp - pos);
    size_t eq = kv.find('=');
    out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    pos = amp + 1;
  }
  return out;
}

TEST_F(HookClientTest, PostsTheEventAndPrintsEmptyObjectOn202) {
  FakeHttpServer server(
      [](const RecordedRequest&) { return FakeHttpServer::Answer(202, R"({"status":"queued"})"); });
  FrontHarness h(data_);
  h.env()["MEMEX_TOKEN"] = "secret";
  EXPECT_EQ(h.Run(HookArgs(server.url(), "PostToolUse"), kPayload), 0);
  EXPECT_EQ(h.out(), "{}\n");
  EXPECT_EQ(h.err(), "");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].request_line.starts_with("POST /hook?event=post-tool-use&"));
  auto q = Query(reqs[0].request_line);
  EXPECT_EQ(q["agent"], "claude-code");
  EXPECT_EQ(q["workspace"], "default");
  EXPECT_EQ(q["project"], "demo");  // from the payload's cwd
  EXPECT_EQ(q["cwd"], "/nonexistent/demo");
  EXPECT_EQ(q["ts_ms"], "1764000000000");
  EXPECT_TRUE(capture::IsValidIngestKey(q["ingest_key"]));
  EXPECT_EQ(q["ingest_key"].size(), 32u);
  EXPECT_EQ(q.count("git_branch"), 0u);
  EXPECT_NE(reqs[0].headers.find("Authorization: Bearer secret"), std::string::npos);
  EXPECT_EQ(json::parse(reqs[0].body), json::parse(kPayload));
  EXPECT_TRUE(h.spawned.empty());
  EXPECT_TRUE(h.exec_argv.empty());
}

TEST_F(HookClientTest, PrintsTheServersStdoutVerbatim) {
  const std::string text =
      R"({"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"hi"}})";
  FakeHttpServer server([&](const RecordedRequest&) {
    return FakeHttpServer::Answer(200, json({{"status", "queued"}, {"stdout", text}}).dump());
  });
  FrontHarness h(data_);
  h.Run(HookArgs(server.url(), "session-start"), R"({"session_id":"s","cwd":"/x/y"})");
  EXPECT_EQ(h.out(), text);
}

TEST_F(HookClientTest, ScopeAndTokenEnvOptions) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeHttpServer::Answer(202, "{}"); });
  FrontHarness h(data_);
  h.env()["MY_TOKEN"] = "from-var";
  h.env()["MEMEX_TOKEN"] = "not-this";
  auto args = HookArgs(server.url(), "stop");
  args.insert(args.end(), {"--scope", "team/app", "--token-env", "MY_TOKEN"});
  h.Run(args, "");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  auto q = Query(reqs[0].request_line);
  EXPECT_EQ(q["workspace"], "team");
  EXPECT_EQ(q["project"], "app");
  EXPECT_EQ(q["cwd"], "/nonexistent/proc-cwd");  // no cwd in the payload
  EXPECT_EQ(reqs[0].body, "{}");
  EXPECT_NE(reqs[0].headers.find("Authorization: Bearer from-var"), std::string::npos);
}

TEST_F(HookClientTest, ServerFromEnvironmentAndUnknownEvents) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeHttpServer::Answer(202, "{}"); });
  FrontHarness h(data_);
  h.env()["MEMEX_SERVER"] = server.url();
  h.Run({"--data-dir", data_, "hook", "BrandNewEvent", "--agent", "codex"}, "{}");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].request_line.starts_with("POST /hook?event=other&agent=codex&"));
}

TEST_F(HookClientTest, SpoolsWhenTheServerIsDownOrBusy) {
  int dead_port = 0;
  {
    FakeHttpServer gone([](const RecordedRequest&) { return std::string(); });
    dead_port = gone.port();
  }
  FrontHarness h(data_);
  h.Run(HookArgs("http://127.0.0.1:" + std::to_string(dead_port), "post-tool-use"), kPayload);
  EXPECT_EQ(h.out(), "{}\n");
  for (int status : {429, 500, 503}) {
    FakeHttpServer busy([&](const RecordedRequest&) {
      return FakeHttpServer::Answer(status, R"({"error":"busy"})");
    });
    h.Run(HookArgs(busy.url(), "stop"), R"({"session_id":"s2"})");
    EXPECT_EQ(h.out(), "{}\n");
  }
  auto lines = SpoolLines();
  ASSERT_EQ(lines.size(), 4u);
  auto first = capture::ParseSpoolLine(lines[0]);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->envelope.kind, EventKind::kPostToolUse);
  EXPECT_EQ(first->envelope.agent, "claude-code");
  EXPECT_EQ(first->envelope.scope, (Scope{"default", "demo"}));
  EXPECT_EQ(first->envelope.ts_ms, 1764000000000);
  EXPECT_EQ(json::parse(first->payload_json), json::parse(kPayload));
  std::set<std::string> keys;
  for (const auto& l : lines) keys.insert(capture::ParseSpoolLine(l)->envelope.ingest_key);
  EXPECT_EQ(keys.size(), 4u);
}

TEST_F(HookClientTest, OtherClientErrorsAreDroppedWithALine) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeHttpServer::Answer(401, R"({"error":"missing bearer token"})");
  });
  FrontHarness h(data_);
  h.Run(HookArgs(server.url(), "stop"), "{}");
  EXPECT_EQ(h.out(), "{}\n");
  EXPECT_NE(h.err().find("401: missing bearer token"), std::string::npos) << h.err();
  EXPECT_TRUE(SpoolLines().empty());
}

TEST_F(HookClientTest, BadPayloadIsDroppedNotFatal) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeHttpServer::Answer(202, "{}"); });
  FrontHarness h(data_);
  EXPECT_EQ(h.Run(HookArgs(server.url(), "stop"), "not json"), 0);
  EXPECT_EQ(h.out(), "{}\n");
  EXPECT_NE(h.err().find("not valid JSON"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HookClientTest, CapsThePayload) {
  FakeHttpServer server([](const RecordedRequest&) { return FakeHttpServer::Answer(202, "{}"); });
  std::ofstream(root_ + "/memex.toml") << "[capture]\nmax_event_bytes = 4096\n";
  FrontHarness h(data_);
  auto args = HookArgs(server.url(), "post-tool-use");
  args.insert(args.begin(), {"--config", root_ + "/memex.toml"});
  json big = {{"session_id", "s"}, {"tool_response", std::string(100000, 'x')}};
  h.Run(args, big.dump());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_LE(reqs[0].body.size(), 4096u);
  EXPECT_NE(reqs[0].body.find("…[cut "), std::string::npos);
}

TEST_F(HookClientTest, SuccessWithAPendingSpoolStartsADetachedDrain) {
  {
    auto spool = capture::Spool::Open(data_ + "/spool", 1 << 20);
    ASSERT_TRUE(spool.ok());
    ASSERT_TRUE(spool->Append("{}").ok());
  }
  FakeHttpServer server([](const RecordedRequest&) { return FakeHttpServer::Answer(202, "{}"); });
  FrontHarness h(data_);
  h.env()["MEMEX_TOKEN"] = "tok";
  h.Run(HookArgs(server.url(), "stop"), "{}");
  ASSERT_EQ(h.spawned.size(), 1u);
  EXPECT_EQ(h.spawned[0], (std::vector<std::string>{"/opt/memex/bin/memex", "--data-dir", data_,
                                                    "--server", server.url(), "hook", "drain"}));
  EXPECT_EQ(h.spawned_env,
            (std::vector<std::pair<std::string, std::string>>{{"MEMEX_TOKEN", "tok"}}));
}

TEST_F(HookClientTest, DrainPostsBatchesAndEmptiesTheSpool) {
  int dead_port = 0;
  {
    FakeHttpServer gone([](const RecordedRequest&) { return std::string(); });
    dead_port = gone.port();
  }
  FrontHarness h(data_);
  for (int i = 0; i < 5; ++i) {
    h.Run(HookArgs("http://127.0.0.1:" + std::to_string(dead_port), "stop"),
          R"({"session_id":"s)" + std::to_string(i) + R"("})");
  }
  {  // a line that is not an event is dropped, never sent
    auto spool = capture::Spool::Open(data_ + "/spool", 1 << 20);
    ASSERT_TRUE(spool->Append("garbage").ok());
  }
  ASSERT_EQ(SpoolLines().size(), 6u);
  FakeHttpServer server([](const RecordedRequest& req) {
    json body = json::parse(req.body);
    return FakeHttpServer::Answer(200, json({{"accepted", body["events"].size()}}).dump());
  });
  h.Run({"--data-dir", data_, "--server", server.url(), "hook", "drain"}, "");
  json report = json::parse(h.out());
  EXPECT_EQ(report["sent"], 5);
  EXPECT_EQ(report["dropped"], 1);
  EXPECT_EQ(report["busy"], false);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].request_line.starts_with("POST /hook/batch "));
  json body = json::parse(reqs[0].body);
  ASSERT_EQ(body["events"].size(), 5u);
  EXPECT_EQ(body["events"][0]["payload"]["session_id"], "s0");
  EXPECT_EQ(body["events"][4]["event"], "stop");
  EXPECT_FALSE(capture::Spool::Open(data_ + "/spool", 1 << 20)->HasPending());
}

TEST_F(HookClientTest, DrainKeepsTheSpoolWhenTheServerRefuses) {
  {
    auto spool = capture::Spool::Open(data_ + "/spool", 1 << 20);
    capture::HookEnvelope env;
    env.kind = EventKind::kStop;
    env.agent = "codex";
    env.scope = Scope{"default", "p"};
    env.ingest_key = "abc";
    ASSERT_TRUE(spool->Append(capture::SpoolLine(env, "{}")).ok());
  }
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeHttpServer::Answer(429, R"({"error":"queue full"})");
  });
  FrontHarness h(data_);
  h.Run({"--data-dir", data_, "--server", server.url(), "hook", "drain"}, "");
  json report = json::parse(h.out());
  EXPECT_EQ(report["sent"], 0);
  EXPECT_TRUE(report.contains("error"));
  EXPECT_TRUE(capture::Spool::Open(data_ + "/spool", 1 << 20)->HasPending());
}

TEST_F(HookClientTest, WithoutAnHttpServerMemexCoreRunsIt) {
  FrontHarness h(data_);
  h.Run({"--data-dir", data_, "hook", "stop", "--agent", "codex"}, "{}");
  EXPECT_EQ(h.exec_argv, (std::vector<std::string>{"memex", "--data-dir", data_, "hook", "stop",
                                                   "--agent", "codex"}));
  // The exec was refused: a hook still answers {} and exits 0.
  EXPECT_EQ(h.out(), "{}\n");

  h.Run({"hook", "stop", "--agent", "codex", "--server", "https://memex.example", "--data-dir",
         data_},
        "{}");
  EXPECT_EQ(h.err().find("config"), std::string::npos) << h.err();
  EXPECT_EQ(h.exec_argv[6], "https://memex.example");

  h.Run({"hook", "drain", "--data-dir", data_}, "");
  EXPECT_EQ(h.exec_argv, (std::vector<std::string>{"memex", "hook", "drain", "--data-dir", data_}));

  EXPECT_EQ(h.Run({"recall", "x"}, ""), 1);
  EXPECT_EQ(h.exec_argv, (std::vector<std::string>{"memex", "recall", "x"}));
  EXPECT_NE(h.err().find("exec refused in tests"), std::string::npos);
  EXPECT_EQ(h.out(), "");
}

TEST_F(HookClientTest, CaptureDisabledPrintsEmptyObject) {
  std::ofstream(root_ + "/memex.toml") << "[capture]\nenabled = false\n";
  FrontHarness h(data_);
  EXPECT_EQ(h.Run({"--config", root_ + "/memex.toml", "hook", "stop", "--agent", "codex"}, "{}"),
            0);
  EXPECT_EQ(h.out(), "{}\n");
  EXPECT_TRUE(h.exec_argv.empty());
}

TEST_F(HookClientTest, UsageAndConfigErrorsStillAnswer) {
  FrontHarness h(data_);
  EXPECT_EQ(h.Run({"hook", "stop"}, "{}"), 0);
  EXPECT_EQ(h.out(), "{}\n");
  EXPECT_NE(h.err().find("--agent"), std::string::npos);

  std::ofstream(root_ + "/bad.toml") << "[capture]\nnope = 1\n";
  EXPECT_EQ(h.Run({"--config", root_ + "/bad.toml", "hook", "stop", "--agent", "a", "--server",
                   "http://127.0.0.1:1"},
                  "{}"),
            0);
  EXPECT_EQ(h.out(), "{}\n");
  EXPECT_NE(h.err().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace memex::front
