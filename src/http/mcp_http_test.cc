#include "http/mcp_http.h"

#include <gtest/gtest.h>
#include <strings.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcp/fixtures.h"

namespace memex::http {
namespace {

using namespace std::chrono_literals;
using mcp::Json;

constexpr char kBothAccepts[] = "application/json, text/event-stream";

Request MakeRequest(const Json& body, std::map<std::string, std::string> headers,
                    std::map<std::string, std::string> params = {}) {
  return Request{.body = body.dump(),
                 .header =
                     [headers](std::string_view name) {
                       for (const auto& [k, v] : headers) {
                         if (strcasecmp(k.c_str(), std::string(name).c_str()) == 0) return v;
                       }
                       return std::string();
                     },
                 .param =
                     [params](std::string_view name) {
                       auto it = params.find(std::string(name));
                       return it == params.end() ? std::string() : it->second;
                     }};
}

// The JSON of each `data:` line of an SSE text, in order.
std::vector<Json> EventData(const std::vector<std::string>& events) {
  std::vector<Json> out;
  for (const std::string& e : events) {
    EXPECT_TRUE(e.starts_with("event: message\ndata: ")) << e;
    EXPECT_TRUE(e.ends_with("\n\n")) << e;
    size_t at = e.find("data: ") + 6;
    out.push_back(Json::parse(e.substr(at, e.size() - at - 2)));
  }
  return out;
}

class McpHttpTest : public ::testing::Test {
 protected:
  McpHttpTest()
      : server_(mcp::ServerInfo{"memex", "1", ""}, "", tools_, &fixtures_), mcp_(server_, hub_) {}

  // Opens a session whose client declares `capabilities`; returns its id.
  std::string Initialize(Json capabilities) {
    Json init = {{"jsonrpc", "2.0"},
                 {"id", 0},
                 {"method", "initialize"},
                 {"params",
                  {{"protocolVersion", "2025-11-25"},
                   {"capabilities", std::move(capabilities)},
                   {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}};
    PostReply r = mcp_.Post(MakeRequest(init, {{"Accept", kBothAccepts}}));
    const Reply& reply = std::get<Reply>(r);
    EXPECT_EQ(reply.status, 200) << reply.body;
    for (const auto& [name, value] : reply.headers) {
      if (name == kSessionHeader) return value;
    }
    ADD_FAILURE() << "no session id";
    return "";
  }

  PostReply Call(const std::string& session, const std::string& tool, Json arguments,
                 const std::string& accept = kBothAccepts, Json meta = nullptr) {
    Json params = {{"name", tool}, {"arguments", std::move(arguments)}};
    if (!meta.is_null()) params["_meta"] = std::move(meta);
    Json msg = {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/call"}, {"params", params}};
    return mcp_.Post(MakeRequest(msg, {{"Accept", accept}, {"Mcp-Session-Id", session}}));
  }

  // Runs an SSE reply to the end, collecting its events.
  static std::vector<std::string> RunToEnd(const SseReply& reply) {
    std::vector<std::string> events;
    reply.run([&](std::string_view e) {
      events.emplace_back(e);
      return true;
    });
    return events;
  }

  mcp::ToolRegistry tools_;
  mcp::ConformanceFixtures fixtures_;
  mcp::Server server_;
  SessionHub hub_;
  McpHttp mcp_;
};

TEST(SseEventTest, FramesOneEvent) {
  EXPECT_EQ(SseEvent("message", R"({"a":1})"), "event: message\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(SseEvent("endpoint", "/message?sessionId=x"),
            "event: endpoint\ndata: /message?sessionId=x\n\n");
}

TEST_F(McpHttpTest, OrdinaryRequestsKeepThePlainJsonReply) {
  std::string session = Initialize(Json::object());
  PostReply r = Call(session, "test_simple_text", Json::object());
  ASSERT_TRUE(std::holds_alternative<Reply>(r));
  EXPECT_EQ(std::get<Reply>(r).content_type, "application/json");
  EXPECT_EQ(Json::parse(std::get<Reply>(r).body)["id"], 7);
}

TEST_F(McpHttpTest, AnEmittingCallStreamsItsNotificationsThenTheResponse) {
  std::string session = Initialize(Json::object());
  PostReply r = Call(session, "test_tool_with_logging", Json::object());
  ASSERT_TRUE(std::holds_alternative<SseReply>(r));
  std::vector<Json> events = EventData(RunToEnd(std::get<SseReply>(r)));
  ASSERT_EQ(events.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(events[i]["method"], "notifications/message");
  EXPECT_EQ(events[3]["id"], 7);
  EXPECT_TRUE(events[3].contains("result"));

  // A progress token makes any tools/call stream; its progress rides along.
  PostReply p = Call(session, "test_tool_with_progress", Json::object(), kBothAccepts,
                     {{"progressToken", 11}});
  std::vector<Json> progress = EventData(RunToEnd(std::get<SseReply>(p)));
  ASSERT_EQ(progress.size(), 4u);
  EXPECT_EQ(progress[2]["params"], Json({{"progressToken", 11},
                                         {"progress", 100.0},
                                         {"total", 100.0},
                                         {"message", "step 3 of 3"}}));
}

TEST_F(McpHttpTest, WithoutAnEventStreamAcceptTheCallAnswersJson) {
  std::string session = Initialize(Json::object());
  PostReply r = Call(session, "test_tool_with_logging", Json::object(), "application/json");
  ASSERT_TRUE(std::holds_alternative<Reply>(r));
  EXPECT_FALSE(Json::parse(std::get<Reply>(r).body)["result"].contains("isError"));
}

TEST_F(McpHttpTest, SetLevelFiltersTheStreamedLogs) {
  std::string session = Initialize(Json::object());
  Json set = {{"jsonrpc", "2.0"},
              {"id", 1},
              {"method", "logging/setLevel"},
              {"params", {{"level", "error"}}}};
  PostReply ok =
      mcp_.Post(MakeRequest(set, {{"Accept", kBothAccepts}, {"Mcp-Session-Id", session}}));
  ASSERT_EQ(std::get<Reply>(ok).status, 200);
  std::vector<Json> events =
      EventData(RunToEnd(std::get<SseReply>(Call(session, "test_tool_with_logging", {}))));
  ASSERT_EQ(events.size(), 1u);  // the info logs are below "error": only the response
  EXPECT_EQ(events[0]["id"], 7);
}

TEST_F(McpHttpTest, RoutesTheClientsAnswerToTheWaitingTool) {
  std::string session = Initialize({{"sampling", Json::object()}});
  PostReply r = Call(session, "test_sampling", {{"prompt", "hi"}});
  ASSERT_TRUE(std::holds_alternative<SseReply>(r));
  std::mutex mu;
  std::vector<std::string> events;
  std::jthread call([&] {
    std::get<SseReply>(r).run([&](std::string_view e) {
      std::lock_guard lock(mu);
      events.emplace_back(e);
      return true;
    });
  });
  // Wait for the sampling request, then answer it with a POST on the same session.
  Json request;
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       request.is_null() && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(5ms);
    std::lock_guard lock(mu);
    if (!events.empty()) request = EventData({events[0]})[0];
  }
  ASSERT_EQ(request["method"], "sampling/createMessage");
  Json answer = {{"jsonrpc", "2.0"},
                 {"id", request["id"]},
                 {"result",
                  {{"role", "assistant"},
                   {"content", {{"type", "text"}, {"text", "sampled"}}},
                   {"model", "m"}}}};
  PostReply delivered =
      mcp_.Post(MakeRequest(answer, {{"Accept", kBothAccepts}, {"Mcp-Session-Id", session}}));
  EXPECT_EQ(std::get<Reply>(delivered).status, 202);
  call.join();
  std::vector<Json> all = EventData(events);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]["result"]["content"][0]["text"], "LLM response: sampled");

  // An answer nobody waits for is accepted and ignored.
  PostReply stray =
      mcp_.Post(MakeRequest(answer, {{"Accept", kBothAccepts}, {"Mcp-Session-Id", session}}));
  EXPECT_EQ(std::get<Reply>(stray).status, 202);
}

TEST_F(McpHttpTest, EndingTheSessionFailsTheWaitingTool) {
  std::string session = Initialize({{"elicitation", Json::object()}});
  PostReply r = Call(session, "test_elicitation", {{"message", "?"}});
  std::atomic<int> written{0};
  std::vector<std::string> events;
  std::jthread call([&] {
    std::get<SseReply>(r).run([&](std::string_view e) {
      events.emplace_back(e);
      ++written;
      return true;
    });
  });
  while (written.load() == 0) std::this_thread::sleep_for(5ms);
  Reply deleted = mcp_.Delete(MakeRequest(Json(), {{"Mcp-Session-Id", session}}));
  EXPECT_EQ(deleted.status, 204);
  call.join();
  std::vector<Json> all = EventData(events);
  ASSERT_EQ(all.size(), 3u);  // the request, its cancellation, the response
  EXPECT_EQ(all[1]["method"], "notifications/cancelled");
  EXPECT_EQ(all[1]["params"]["requestId"], all[0]["id"]);
  EXPECT_EQ(all[2]["result"]["isError"], true);
  EXPECT_NE(all[2]["result"]["content"][0]["text"].get<std::string>().find("session ended"),
            std::string::npos);
}

TEST_F(McpHttpTest, TheClientCancelsACallThatWaitsOnIt) {
  std::string session = Initialize({{"elicitation", Json::object()}});
  PostReply r = Call(session, "test_elicitation", {{"message", "?"}});
  std::atomic<int> written{0};
  std::vector<std::string> events;
  std::jthread call([&] {
    std::get<SseReply>(r).run([&](std::string_view e) {
      events.emplace_back(e);
      ++written;
      return true;
    });
  });
  while (written.load() == 0) std::this_thread::sleep_for(5ms);
  Json cancel = {{"jsonrpc", "2.0"},
                 {"method", "notifications/cancelled"},
                 {"params", {{"requestId", 7}, {"reason", "user pressed Esc"}}}};
  const auto sent = std::chrono::steady_clock::now();
  PostReply c =
      mcp_.Post(MakeRequest(cancel, {{"Accept", kBothAccepts}, {"Mcp-Session-Id", session}}));
  EXPECT_EQ(std::get<Reply>(c).status, 202);
  call.join();
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 5s);  // not the 60 s client timeout
  for (const Json& e : EventData(events)) {
    EXPECT_FALSE(e.contains("id") && e["id"] == 7) << e.dump();  // no response once cancelled
  }
  // The session goes on; a cancel for a request that is not running is ignored.
  EXPECT_EQ(std::get<Reply>(mcp_.Post(MakeRequest(cancel, {{"Mcp-Session-Id", session}}))).status,
            202);
  Json ping = {{"jsonrpc", "2.0"}, {"id", 8}, {"method", "ping"}};
  EXPECT_EQ(std::get<Reply>(mcp_.Post(MakeRequest(ping, {{"Mcp-Session-Id", session}}))).status,
            200);
}

TEST_F(McpHttpTest, ClientsWithoutTheCapabilityGetAToolError) {
  std::string session = Initialize(Json::object());
  std::vector<Json> events =
      EventData(RunToEnd(std::get<SseReply>(Call(session, "test_sampling", {{"prompt", "p"}}))));
  ASSERT_EQ(events.size(), 1u);  // no request went out
  EXPECT_EQ(events[0]["result"]["isError"], true);
}

TEST_F(McpHttpTest, OnlyTheOpenerMayUseASession) {
  std::string session = Initialize(Json::object());  // opened by the local principal
  Json ping = {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "ping"}};
  Request mine = MakeRequest(ping, {{"Accept", kBothAccepts}, {"Mcp-Session-Id", session}});
  EXPECT_EQ(std::get<Reply>(mcp_.Post(mine)).status, 200);
  Request theirs = mine;
  theirs.principal.name = "mallory";
  theirs.principal.token_id = "0198c3e2-0000-7000-8000-000000000001";
  const Reply refused = std::get<Reply>(mcp_.Post(theirs));
  EXPECT_EQ(refused.status, 404) << refused.body;  // as for an unknown session
  EXPECT_EQ(mcp_.Delete(theirs).status, 404);
  EXPECT_EQ(std::get<Reply>(mcp_.Post(mine)).status, 200);  // still there for its owner

  auto legacy = std::get<std::shared_ptr<HubSession>>(mcp_.OpenLegacy(MakeRequest(ping, {})));
  Request other = MakeRequest(ping, {}, {{"sessionId", legacy->id()}});
  other.principal.name = "mallory";
  EXPECT_EQ(mcp_.PostLegacy(other).status, 404);
}

TEST_F(McpHttpTest, LegacySseCarriesNotificationsOnTheSessionStream) {
  auto opened = mcp_.OpenLegacy(MakeRequest(Json::object(), {}));
  auto session = std::get<std::shared_ptr<HubSession>>(opened);
  auto post = [&](const Json& msg) {
    return mcp_.PostLegacy(MakeRequest(msg, {}, {{"sessionId", session->id()}}));
  };
  Json init = {{"jsonrpc", "2.0"},
               {"id", 0},
               {"method", "initialize"},
               {"params", {{"protocolVersion", "2024-11-05"}, {"capabilities", Json::object()}}}};
  EXPECT_EQ(post(init).status, 202);
  Json call = {{"jsonrpc", "2.0"},
               {"id", 3},
               {"method", "tools/call"},
               {"params", {{"name", "test_tool_with_logging"}}}};
  EXPECT_EQ(post(call).status, 202);
  std::vector<std::string> out;
  ASSERT_EQ(session->Next(1s, out), HubSession::WaitResult::kEvents);
  ASSERT_EQ(out.size(), 6u);  // endpoint, initialize's response, 3 logs, the call's response
  EXPECT_TRUE(out[0].starts_with("event: endpoint"));
  std::vector<Json> rest = EventData({out.begin() + 1, out.end()});
  EXPECT_EQ(rest[1]["method"], "notifications/message");
  EXPECT_EQ(rest[4]["id"], 3);
}

}  // namespace
}  // namespace memex::http
