// The HTTP server in-process on 127.0.0.1 and an ephemeral port, over a real SqliteStore:
// golden transcripts over streamable HTTP and legacy SSE, session and header rules, DNS-rebinding
// guards, REST envelopes, health, body limits and graceful shutdown. Every wait is bounded.
#include "http/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "http/rest_api.h"
#include "mcp/jsonrpc.h"
#include "mcp/pf_tools.h"
#include "mcp/server.h"
#include "mcp/transcript_replay.h"
#include "redact/redactor.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::http {
namespace {

namespace fs = std::filesystem;
using mcp::Json;
using namespace std::chrono_literals;
using Clk = std::chrono::steady_clock;

constexpr int64_t kNow = 20000LL * 86400000;

// Reads an SSE stream on its own thread and collects its events; every wait is bounded.
class SseReader {
 public:
  struct Event {
    std::string event;
    std::string data;
  };

  SseReader(int port, std::string path, httplib::Headers headers = {})
      : thread_([this, port, path, headers](std::stop_token stop) {
          httplib::Client cli("127.0.0.1", port);
          cli.set_read_timeout(10, 0);
          auto res = cli.Get(path, headers, [&](const char* data, size_t len) {
            std::lock_guard lock(mu_);
            buffer_.append(data, len);
            Parse();
            cv_.notify_all();
            return !stop.stop_requested();
          });
          std::lock_guard lock(mu_);
          ended_ = true;
          if (res) status_ = res->status;
          cv_.notify_all();
        }) {}

  ~SseReader() { thread_.request_stop(); }

  // Waits until an event satisfies `pred` (returns it) or `timeout` passes (nullopt).
  template <typename Pred>
  std::optional<Event> WaitFor(Pred pred, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    std::optional<Event> found;
    cv_.wait_for(lock, timeout, [&] {
      while (next_ < events_.size()) {
        const Event& e = events_[next_++];
        if (pred(e)) {
          found = e;
          return true;
        }
        skipped_.push_back(e);
      }
      return ended_;
    });
    return found;
  }
  // Events skipped over by WaitFor since the last call, and clears them.
  std::vector<Event> TakeSkipped() {
    std::lock_guard lock(mu_);
    std::vector<Event> out;
    out.swap(skipped_);
    return out;
  }
  bool WaitEnded(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return ended_; });
  }
  size_t comments() {
    std::lock_guard lock(mu_);
    return comments_;
  }

 private:
  void Parse() {
    size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
      std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      if (block.starts_with(":")) {
        ++comments_;
        continue;
      }
      Event e;
      size_t pos = 0;
      while (pos <= block.size()) {
        size_t nl = block.find('\n', pos);
        std::string line = block.substr(pos, nl == std::string::npos ? nl : nl - pos);
        if (line.starts_with("event: ")) e.event = line.substr(7);
        if (line.starts_with("data: ")) e.data = line.substr(6);
        if (nl == std::string::npos) break;
        pos = nl + 1;
      }
      events_.push_back(e);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  std::vector<Event> events_;
  std::vector<Event> skipped_;
  size_t next_ = 0;
  size_t comments_ = 0;
  bool ended_ = false;
  int status_ = 0;
  std::jthread thread_;  // last: stopped and joined first
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-http-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    mcp::RegisterPagefaultTools(pf_tools_, *service_, Scope{"ws", "p"}, config_, clock_);
    mcp::transcript::AddTestTools(test_tools_);
    pf_server_ = std::make_unique<mcp::Server>(mcp::ServerInfo{"memex", "0.0.0-test", "memex"},
                                               "instructions", pf_tools_);
    test_server_ = std::make_unique<mcp::Server>(mcp::ServerInfo{"memex", "0.0.0-test", "memex"},
                                                 "instructions", test_tools_);
    pf_rest_ = std::make_unique<RestApi>(pf_tools_, *service_, Scope{"ws", "p"}, "0.0.0-test");
    server_config_.port = 0;
    server_config_.threads = 8;
    server_config_.sse_keepalive_ms = 200;
  }

  void TearDown() override {
    http_.reset();
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // Starts the server with the pagefault tools (or the transcripts' test tools).
  void Start(bool transcript_tools = false) {
    auto started = HttpServer::Start(server_config_, transcript_tools ? *test_server_ : *pf_server_,
                                     *pf_rest_);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    http_ = std::move(started).value();
  }

  std::unique_ptr<httplib::Client> Client() {
    auto cli = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
    cli->set_connection_timeout(2, 0);
    cli->set_read_timeout(10, 0);
    return cli;
  }

  // Initializes a streamable-HTTP session; its id.
  std::string Initialize(httplib::Client& cli) {
    Json init = {{"jsonrpc", "2.0"},
                 {"id", 1},
                 {"method", "initialize"},
                 {"params", {{"protocolVersion", "2025-06-18"}, {"capabilities", Json::object()}}}};
    auto res = cli.Post("/mcp", init.dump(), "application/json");
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 200) << res->body;
    return res->get_header_value("Mcp-Session-Id");
  }

  fs::path dir_;
  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
  mcp::ToolRegistry pf_tools_;
  mcp::ToolRegistry test_tools_;
  std::unique_ptr<mcp::Server> pf_server_;
  std::unique_ptr<mcp::Server> test_server_;
  std::unique_ptr<RestApi> pf_rest_;
  ServerConfig server_config_;
  std::unique_ptr<HttpServer> http_;
};

// Transcripts whose first steps run before any initialize need a session that streamable HTTP
// only creates on initialize (those steps get 400, tested below); they replay over SSE.
bool NeedsSessionBeforeInitialize(const fs::path& file) {
  std::string name = file.filename().string();
  return name == "lifecycle.jsonl" || name == "malformed.jsonl" || name == "version_invalid.jsonl";
}

TEST_F(HttpServerTest, ReplaysTranscriptsOverStreamableHttp) {
  Start(/*transcript_tools=*/true);
  int replayed = 0;
  for (const fs::path& file : mcp::transcript::TranscriptFiles()) {
    if (NeedsSessionBeforeInitialize(file)) continue;
    SCOPED_TRACE(file.filename().string());
    auto cli = Client();
    std::string session;
    mcp::transcript::SendFn send = [&](const std::string& line) {
      httplib::Headers headers = {{"Accept", "application/json, text/event-stream"}};
      if (!session.empty()) headers.emplace("Mcp-Session-Id", session);
      auto res = cli->Post("/mcp", headers, line, "application/json");
      std::vector<std::string> out;
      if (!res) {
        ADD_FAILURE() << "no response to " << line;
        return out;
      }
      if (std::string id = res->get_header_value("Mcp-Session-Id"); !id.empty()) session = id;
      if (res->status == 202) {
        EXPECT_TRUE(res->body.empty());
      } else {
        EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
        out.push_back(res->body);
      }
      return out;
    };
    EXPECT_TRUE(mcp::transcript::ReplayTranscript(file, send));
    ++replayed;
  }
  EXPECT_GE(replayed, 5);
}

TEST_F(HttpServerTest, ReplaysTranscriptsOverLegacySse) {
  Start(/*transcript_tools=*/true);
  for (const fs::path& file : mcp::transcript::TranscriptFiles()) {
    SCOPED_TRACE(file.filename().string());
    SseReader reader(http_->port(), "/sse");
    auto endpoint = reader.WaitFor([](const auto& e) { return e.event == "endpoint"; });
    ASSERT_TRUE(endpoint);
    ASSERT_TRUE(endpoint->data.starts_with("/message?sessionId=")) << endpoint->data;
    auto cli = Client();
    int sentinel = 0;
    // Each send is followed by a ping with a unique id: the events before its answer are the
    // send's responses.
    mcp::transcript::SendFn send = [&](const std::string& line) {
      std::vector<std::string> out;
      auto res = cli->Post(endpoint->data, line, "application/json");
      if (!res || res->status != 202) {
        ADD_FAILURE() << "POST /message: " << (res ? res->status : -1);
        return out;
      }
      std::string id = "sentinel-" + std::to_string(++sentinel);
      Json ping = {{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}};
      auto pres = cli->Post(endpoint->data, ping.dump(), "application/json");
      EXPECT_TRUE(pres && pres->status == 202);
      auto got = reader.WaitFor([&](const auto& e) {
        Json j = Json::parse(e.data, nullptr, false);
        return e.event == "message" && j.is_object() && j.value("id", Json()) == id;
      });
      EXPECT_TRUE(got) << "no answer to " << id;
      for (const auto& e : reader.TakeSkipped()) {
        EXPECT_EQ(e.event, "message");
        out.push_back(e.data);
      }
      return out;
    };
    EXPECT_TRUE(mcp::transcript::ReplayTranscript(file, send));
  }
}

TEST_F(HttpServerTest, SessionHeaderRules) {
  Start();
  auto cli = Client();
  Json ping = {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "ping"}};
  // No session, not an initialize: 400.
  auto res = cli->Post("/mcp", ping.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("Mcp-Session-Id"), std::string::npos) << res->body;
  // Claude Code's probe before initialize (agent-clients.md): an error answering its id.
  res = cli->Post("/mcp", {{"MCP-Protocol-Version", "2026-07-28"}},
                  R"({"jsonrpc":"2.0","id":"server-discover-probe-1","method":"server/discover",)"
                  R"("params":{}})",
                  "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Json::parse(res->body)["id"], "server-discover-probe-1") << res->body;
  EXPECT_TRUE(Json::parse(res->body)["error"].is_object()) << res->body;
  // An initialize carrying a newer version's header still negotiates in its body.
  res = cli->Post("/mcp", {{"MCP-Protocol-Version", "2026-07-28"}},
                  R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":)"
                  R"({"protocolVersion":"2026-07-28","capabilities":{}}})",
                  "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_FALSE(res->get_header_value("Mcp-Session-Id").empty());
  // Unknown session: 404.
  res = cli->Post("/mcp", {{"Mcp-Session-Id", "00ff"}}, ping.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);

  std::string session = Initialize(*cli);
  ASSERT_EQ(session.size(), 32u);
  EXPECT_NE(Initialize(*cli), session);  // each initialize opens a new session
  httplib::Headers h = {{"Mcp-Session-Id", session}};
  res = cli->Post("/mcp", h, ping.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json::parse(res->body)["id"], 7);
  // A notification: 202, no body.
  res = cli->Post("/mcp", h, R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                  "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  // Protocol version header: a supported one passes, another is 400.
  h.emplace("MCP-Protocol-Version", "2025-06-18");
  res = cli->Post("/mcp", h, ping.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = cli->Post("/mcp", {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "1999-01-01"}},
                  ping.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  // Not JSON: 400 with a parse error.
  res = cli->Post("/mcp", {{"Mcp-Session-Id", session}}, "{oops", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], -32700);
  // A failed initialize opens no session.
  res = cli->Post(
      "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":5}})",
      "application/json");
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->get_header_value("Mcp-Session-Id").empty());
  // DELETE ends the session; afterwards it is unknown.
  res = cli->Delete("/mcp", {{"Mcp-Session-Id", session}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  res = cli->Post("/mcp", {{"Mcp-Session-Id", session}}, ping.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = cli->Delete("/mcp", {{"Mcp-Session-Id", session}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(HttpServerTest, ToolsCallOverStreamableHttp) {
  Start();
  auto cli = Client();
  std::string session = Initialize(*cli);
  Json call = {{"jsonrpc", "2.0"},
               {"id", 2},
               {"method", "tools/call"},
               {"params",
                {{"name", "pf_poke"},
                 {"arguments", {{"mode", "memory"}, {"content", "HTTP works in WAL mode"}}}}}};
  auto res = cli->Post("/mcp", {{"Mcp-Session-Id", session}}, call.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json body = Json::parse(res->body);
  EXPECT_FALSE(body["result"].value("isError", false)) << res->body;
  EXPECT_EQ(body["result"]["structuredContent"]["status"], "written") << res->body;
}

TEST_F(HttpServerTest, StreamableGetStreamsKeepalivesAndEndsOnDelete) {
  Start();
  auto cli = Client();
  std::string session = Initialize(*cli);
  // Without Accept: text/event-stream: 406; without a session: 400.
  auto res = cli->Get("/mcp", {{"Mcp-Session-Id", session}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 406);
  res = cli->Get("/mcp", {{"Accept", "text/event-stream"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  SseReader reader(http_->port(), "/mcp",
                   {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}});
  auto deadline = Clk::now() + 5s;
  while (reader.comments() < 1 && Clk::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_GE(reader.comments(), 1u);
  // A second stream for the same session: 409.
  res = cli->Get("/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  res = cli->Delete("/mcp", {{"Mcp-Session-Id", session}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_TRUE(reader.WaitEnded(5s));
}

TEST_F(HttpServerTest, LegacySseRules) {
  Start();
  auto cli = Client();
  auto res =
      cli->Post("/message", R"({"jsonrpc":"2.0","id":1,"method":"ping"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = cli->Post("/message?sessionId=abc", R"({"jsonrpc":"2.0","id":1,"method":"ping"})",
                  "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], "resource_not_found");
  // Keep-alive comments on an idle stream.
  SseReader reader(http_->port(), "/sse");
  ASSERT_TRUE(reader.WaitFor([](const auto& e) { return e.event == "endpoint"; }));
  auto deadline = Clk::now() + 5s;
  while (reader.comments() < 2 && Clk::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_GE(reader.comments(), 2u);
}

TEST_F(HttpServerTest, RejectsForeignHostAndOrigin) {
  Start();
  auto cli = Client();
  auto res = cli->Get("/health", {{"Host", "evil.example:7700"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], "access_violation");
  res = cli->Post("/mcp", {{"Origin", "https://evil.example"}}, "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  res = cli->Get("/health", {{"Origin", "http://localhost:3000"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(HttpServerTest, WrongMethodsAnswer405WithAllow) {
  Start();
  auto cli = Client();
  auto res = cli->Put("/mcp", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, POST, DELETE");
  EXPECT_EQ(Json::parse(res->body)["error"]["status"], 405);
  res = cli->Get("/api/pf_scan");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "POST");
  res = cli->Get("/no/such/route");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(HttpServerTest, RefusesNonLoopbackBind) {
  server_config_.host = "0.0.0.0";
  auto started = HttpServer::Start(server_config_, *pf_server_, *pf_rest_);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.status().message().find("loopback"), std::string::npos);
}

TEST_F(HttpServerTest, RefusesTakenPort) {
  Start();
  server_config_.port = http_->port();
  auto second = HttpServer::Start(server_config_, *pf_server_, *pf_rest_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

TEST_F(HttpServerTest, Health) {
  Start();
  auto res = Client()->Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  Json body = Json::parse(res->body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["version"], "0.0.0-test");
  EXPECT_EQ(body["components"]["store"]["status"], "ok");
}

// Each tool over REST: a success, then an error with pagefault's envelope.
TEST_F(HttpServerTest, RestToolsAndEnvelopes) {
  Start();
  auto cli = Client();
  auto post = [&](const std::string& path, const std::string& body) {
    auto res = cli->Post(path, body, "application/json");
    EXPECT_TRUE(res) << path;
    return res ? std::make_pair(res->status, res->body) : std::make_pair(-1, std::string());
  };
  auto [st, body] = post("/api/pf_poke", R"({"mode":"memory","content":"REST uses WAL mode"})");
  ASSERT_EQ(st, 200) << body;
  std::string uri = Json::parse(body)["uri"].get<std::string>();

  struct Case {
    std::string tool;
    std::string ok_body;
    std::string bad_body;
    int bad_status;
    std::string bad_code;
  };
  std::vector<Case> cases = {
      {"pf_maps", "{}", "", 0, ""},
      {"pf_load", R"({"name":"recent"})", R"({"name":"nope"})", 404, "context_not_found"},
      {"pf_scan", R"({"query":"WAL"})", R"({"query":7})", 400, "invalid_request"},
      {"pf_peek", Json{{"uri", uri}}.dump(),
       R"({"uri":"memex://ws/p/memories/01234567-89ab-7def-8123-456789abcdef"})", 404,
       "resource_not_found"},
      {"pf_poke", R"({"mode":"memory","content":"again"})",
       R"({"content":"x","mode":"direct","uri":"memory://notes/a.md"})", 404, "backend_not_found"},
      {"pf_fault", "", R"({"query":"x"})", 404, "agent_not_found"},
      {"pf_ps", R"({})", R"({"task_id":"t-1"})", 404, "resource_not_found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tool);
    if (!c.ok_body.empty()) {
      auto [s, b] = post("/api/" + c.tool, c.ok_body);
      EXPECT_EQ(s, 200) << b;
      EXPECT_TRUE(Json::parse(b, nullptr, false).is_object()) << b;
    }
    if (c.bad_status != 0) {
      auto [s, b] = post("/api/" + c.tool, c.bad_body);
      EXPECT_EQ(s, c.bad_status) << b;
      Json e = Json::parse(b, nullptr, false);
      EXPECT_EQ(e["error"]["code"], c.bad_code) << b;
      EXPECT_EQ(e["error"]["status"], c.bad_status) << b;
      EXPECT_TRUE(e["error"]["message"].is_string()) << b;
    }
  }
  auto [s1, b1] = post("/api/pf_scan", "{not json");
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(Json::parse(b1)["error"]["code"], "invalid_request");
  auto [s2, b2] = post("/api/pf_scan", "[1]");
  EXPECT_EQ(s2, 400);
  auto [s3, b3] = post("/api/pf_nope", "{}");
  EXPECT_EQ(s3, 404);
  EXPECT_EQ(Json::parse(b3)["error"]["code"], "resource_not_found");
  auto res = cli->Get("/no/such/route");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Json::parse(res->body)["error"]["status"], 404);
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  server_config_.max_body_bytes = 1024;
  Start();
  auto res = Client()->Post("/api/pf_scan", std::string(4096, ' '), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  Json body = Json::parse(res->body, nullptr, false);
  EXPECT_EQ(body["error"]["code"], "content_too_large") << res->body;
}

TEST_F(HttpServerTest, StopClosesOpenStreamsPromptly) {
  server_config_.sse_keepalive_ms = 60000;  // the stream would otherwise idle for a minute
  Start();
  SseReader reader(http_->port(), "/sse");
  ASSERT_TRUE(reader.WaitFor([](const auto& e) { return e.event == "endpoint"; }));
  auto start = Clk::now();
  http_->Stop();
  EXPECT_LT(Clk::now() - start, 5s);
  EXPECT_FALSE(http_->running());
  EXPECT_TRUE(reader.WaitEnded(5s));
  http_->Stop();  // idempotent
}

}  // namespace
}  // namespace memex::http
