#include "mcp/server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace memex::mcp {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : server_(ServerInfo{"memex", "9.9.9", "memex test"}, "use memory", tools_) {
    tools_.Add(ToolDef{.name = "echo",
                       .title = "Echo",
                       .description = "Echoes text",
                       .input_schema = {{"type", "object"},
                                        {"properties", {{"text", {{"type", "string"}}}}}},
                       .annotations = {.read_only = true, .idempotent = true}},
               [](const Json& args, const CallContext& ctx) -> ToolOutcome {
                 if (!args.contains("text") || !args["text"].is_string()) {
                   return ToolError{"invalid_request", 400, "text is required"};
                 }
                 return Json{{"echo", args["text"]}, {"principal", ctx.principal.name}};
               });
    tools_.Add(ToolDef{.name = "list", .description = "Returns an array"},
               [](const Json&, const CallContext&) -> ToolOutcome {
                 return Json::array({1, 2});
               });
    tools_.Add(ToolDef{.name = "throws", .description = "Throws"},
               [](const Json& args, const CallContext&) -> ToolOutcome {
                 return Json(args.at("missing").get<int>());
               });
  }

  Json Call(const std::string& method, Json params = nullptr, Json id = 1) {
    Json msg = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) msg["params"] = std::move(params);
    std::optional<Json> r = server_.Handle(msg, session_);
    EXPECT_TRUE(r.has_value()) << method;
    return r.value_or(Json());
  }

  void Initialize(const std::string& version = "2025-06-18") {
    Json r = Call("initialize", {{"protocolVersion", version},
                                 {"capabilities", Json::object()},
                                 {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
    ASSERT_TRUE(r.contains("result")) << r;
  }

  ToolRegistry tools_;
  Server server_;
  Session session_;
};

TEST_F(ServerTest, InitializeNegotiatesTheVersion) {
  for (std::string_view v : kSupportedProtocolVersions) {
    Session s;
    Json r = *server_.Handle({{"jsonrpc", "2.0"},
                              {"id", 1},
                              {"method", "initialize"},
                              {"params", {{"protocolVersion", std::string(v)}}}},
                             s);
    EXPECT_EQ(r["result"]["protocolVersion"], std::string(v));
    EXPECT_EQ(s.protocol_version(), v);
    EXPECT_TRUE(s.initialized());
  }
  Json r = Call("initialize", {{"protocolVersion", "1999-01-01"}});
  EXPECT_EQ(r["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(r["result"]["serverInfo"],
            Json({{"name", "memex"}, {"version", "9.9.9"}, {"title", "memex test"}}));
  EXPECT_EQ(r["result"]["capabilities"],
            Json::parse(R"({"tools":{"listChanged":false},"logging":{}})"));
  EXPECT_EQ(r["result"]["instructions"], "use memory");
}

TEST_F(ServerTest, InitializeChecksParamsAndRunsOnce) {
  EXPECT_EQ(Call("initialize")["error"]["code"], kInvalidParams);
  EXPECT_EQ(Call("initialize", {{"protocolVersion", 5}})["error"]["code"], kInvalidParams);
  EXPECT_FALSE(session_.initialized());
  Initialize();
  EXPECT_EQ(session_.client_info()["name"], "t");
  EXPECT_EQ(Call("initialize", {{"protocolVersion", "2025-06-18"}})["error"]["code"],
            kInvalidRequest);
  EXPECT_EQ(session_.protocol_version(), "2025-06-18");
}

TEST_F(ServerTest, BeforeInitializeOnlyPingAndInitializeAreServed) {
  Json probe = Call("server/discover", Json::object(), "server-discover-probe-1");
  EXPECT_EQ(probe["id"], "server-discover-probe-1");
  EXPECT_EQ(probe["error"]["code"], kMethodNotFound);
  EXPECT_EQ(Call("tools/list")["error"]["code"], kServerNotInitialized);
  EXPECT_EQ(Call("tools/call", {{"name", "echo"}})["error"]["code"], kServerNotInitialized);
  EXPECT_EQ(Call("ping", nullptr, "p"), Json::parse(R"({"jsonrpc":"2.0","id":"p","result":{}})"));
  Initialize();
  EXPECT_EQ(session_.state(), Session::State::kInitialized);
  EXPECT_FALSE(
      server_.Handle({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, session_));
  EXPECT_EQ(session_.state(), Session::State::kReady);
  EXPECT_TRUE(Call("tools/list").contains("result"));
}

TEST_F(ServerTest, ListsToolsWithAnnotations) {
  Initialize();
  Json tools = Call("tools/list")["result"]["tools"];
  ASSERT_EQ(tools.size(), 3u);
  EXPECT_EQ(tools[0], Json::parse(R"({
    "name":"echo","title":"Echo","description":"Echoes text",
    "inputSchema":{"type":"object","properties":{"text":{"type":"string"}}},
    "annotations":{"title":"Echo","readOnlyHint":true,"destructiveHint":false,
                   "idempotentHint":true,"openWorldHint":false}})"));
  EXPECT_EQ(tools[1]["inputSchema"], Json({{"type", "object"}}));
  EXPECT_FALSE(tools[1].contains("title"));
}

TEST_F(ServerTest, CallsTools) {
  Initialize();
  Json ok = Call("tools/call", {{"name", "echo"}, {"arguments", {{"text", "hi"}}}})["result"];
  EXPECT_EQ(ok["structuredContent"], Json({{"echo", "hi"}, {"principal", "local"}}));
  EXPECT_EQ(ok["content"][0]["type"], "text");
  EXPECT_EQ(Json::parse(ok["content"][0]["text"].get<std::string>()), ok["structuredContent"]);
  EXPECT_FALSE(ok.contains("isError"));

  Json failed = Call("tools/call", {{"name", "echo"}, {"arguments", Json::object()}})["result"];
  EXPECT_EQ(
      failed,
      Json::parse(R"({"content":[{"type":"text","text":"text is required"}],"isError":true})"));

  // Absent arguments are an empty object; a non-object output has no structuredContent.
  Json list = Call("tools/call", {{"name", "list"}})["result"];
  EXPECT_EQ(list["content"][0]["text"], "[1,2]");
  EXPECT_FALSE(list.contains("structuredContent"));

  // A handler that throws anyway is a tool error, not a dead connection.
  Json thrown = Call("tools/call", {{"name", "throws"}, {"arguments", Json::object()}})["result"];
  EXPECT_EQ(thrown["isError"], true);
}

TEST_F(ServerTest, ToolCallProtocolErrors) {
  Initialize();
  struct Case {
    Json params;
    const char* message_part;
  };
  const Case cases[] = {
      {nullptr, "\"params\""},
      {Json::array(), "\"params\""},
      {Json::object(), "\"name\" must be a string"},
      {{{"name", 3}}, "\"name\" must be a string"},
      {{{"name", "nope"}}, "unknown tool: nope"},
      {{{"name", "echo"}, {"arguments", "text"}}, "\"arguments\" must be an object"},
      {{{"name", "echo"}, {"arguments", Json::array()}}, "\"arguments\" must be an object"},
  };
  for (const Case& c : cases) {
    Json r = Call("tools/call", c.params, "c");
    SCOPED_TRACE(r.dump());
    EXPECT_EQ(r["id"], "c");
    EXPECT_EQ(r["error"]["code"], kInvalidParams);
    EXPECT_NE(r["error"]["message"].get<std::string>().find(c.message_part), std::string::npos);
  }
}

TEST_F(ServerTest, LoggingAndOtherMethods) {
  Initialize();
  EXPECT_EQ(Call("logging/setLevel", {{"level", "warning"}})["result"], Json::object());
  EXPECT_EQ(session_.log_level(), "warning");
  EXPECT_EQ(Call("logging/setLevel", {{"level", "loud"}})["error"]["code"], kInvalidParams);
  EXPECT_EQ(session_.log_level(), "warning");
  EXPECT_EQ(Call("resources/list")["result"], Json({{"resources", Json::array()}}));
  EXPECT_EQ(Call("prompts/list")["result"], Json({{"prompts", Json::array()}}));
  Json unknown = Call("sampling/whatever", nullptr, 42);
  EXPECT_EQ(unknown["error"]["code"], kMethodNotFound);
  EXPECT_EQ(unknown["id"], 42);
  // Notifications, known or not, and responses from the client get no answer.
  EXPECT_FALSE(server_.Handle(
      {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 1}}}},
      session_));
  EXPECT_FALSE(
      server_.Handle({{"jsonrpc", "2.0"}, {"method", "notifications/whatever"}}, session_));
  EXPECT_FALSE(
      server_.Handle({{"jsonrpc", "2.0"}, {"id", 5}, {"result", Json::object()}}, session_));
}

TEST_F(ServerTest, HandleTextMapsParseErrors) {
  Json r = *server_.HandleText("{nope", session_);
  EXPECT_EQ(r, Json::parse(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,
                               "message":"parse error: the message is not valid JSON"}})"));
  Json v = *server_.HandleText(R"({"jsonrpc":"1.0","id":9,"method":"ping"})", session_);
  EXPECT_EQ(v["id"], 9);
  EXPECT_EQ(v["error"]["code"], kInvalidRequest);
}

// A poor man's fuzzer: mutated messages never throw, and every answer is a well-formed response.
TEST_F(ServerTest, SurvivesMutatedInput) {
  const std::vector<std::string> seeds = {
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})",
      R"({"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}})",
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"throws","arguments":{}}})",
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})",
      R"({"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"info"}})",
      R"({"jsonrpc":"2.0","id":4,"result":{}})",
  };
  const std::string alphabet = std::string("{}[]\":,0123456789.-eE truefalsnul\\\xff") + '\0';
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::string text = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    if (i % 500 == 0) session_ = Session();  // sometimes start over, uninitialized
    std::optional<Json> r;
    ASSERT_NO_THROW(r = server_.HandleText(text, session_)) << text;
    if (!r) continue;
    ASSERT_EQ((*r)["jsonrpc"], "2.0") << text;
    ASSERT_TRUE(r->contains("id")) << text;
    ASSERT_NE(r->contains("result"), r->contains("error")) << text;
    ASSERT_NO_THROW((void)Serialize(*r));
  }
}

// A registry tool that talks to the client through CallContext::emitter, over a recording link.
class ServerEmitTest : public ::testing::Test {
 protected:
  class RecordingLink : public ClientLink {
   public:
    Status Notify(const Json& notification) override {
      sent.push_back(notification);
      return Status::Ok();
    }
    Result<Json> Request(std::string_view method, Json params, std::chrono::milliseconds) override {
      sent.push_back({{"method", std::string(method)}, {"params", std::move(params)}});
      return Json{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "42"}}}};
    }
    std::vector<Json> sent;
  };

  ServerEmitTest() : server_(ServerInfo{"memex", "1", ""}, "", tools_) {
    tools_.Add(ToolDef{.name = "chatty", .description = "Logs, reports progress and samples"},
               [](const Json&, const CallContext& ctx) -> ToolOutcome {
                 if (ctx.emitter == nullptr) return ToolError{"internal_error", 500, "no emitter"};
                 (void)ctx.emitter->Log("debug", "details");
                 (void)ctx.emitter->Log("error", "bad news");
                 (void)ctx.emitter->Progress(1, 2);
                 Result<Json> answer = ctx.emitter->Request("sampling/createMessage", {});
                 if (!answer.ok())
                   return ToolError{"invalid_request", 400, answer.status().message()};
                 return Json{{"answer", (*answer)["content"]["text"]}};
               });
  }

  Json Send(const std::string& method, Json params, ClientLink* link) {
    Json msg = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
    return server_.Handle(msg, session_, link).value_or(Json());
  }

  void Initialize(Json capabilities) {
    ASSERT_TRUE(Send("initialize",
                     {{"protocolVersion", "2025-11-25"}, {"capabilities", std::move(capabilities)}},
                     nullptr)
                    .contains("result"));
  }

  ToolRegistry tools_;
  Server server_;
  Session session_;
};

TEST_F(ServerEmitTest, ToolsReachTheClientThroughTheLink) {
  Initialize({{"sampling", Json::object()}});
  EXPECT_EQ(session_.client_capabilities(), Json({{"sampling", Json::object()}}));
  RecordingLink link;
  Json r = Send("tools/call", {{"name", "chatty"}, {"_meta", {{"progressToken", "p1"}}}}, &link);
  EXPECT_EQ(r["result"]["structuredContent"], Json({{"answer", "42"}})) << r;
  // "debug" is below the default level "info"; progress carries the request's token.
  ASSERT_EQ(link.sent.size(), 3u);
  EXPECT_EQ(link.sent[0]["params"], Json({{"level", "error"}, {"data", "bad news"}}));
  EXPECT_EQ(link.sent[1]["method"], "notifications/progress");
  EXPECT_EQ(link.sent[1]["params"]["progressToken"], "p1");
  EXPECT_EQ(link.sent[2]["method"], "sampling/createMessage");
}

TEST_F(ServerEmitTest, SetLevelFiltersLogs) {
  Initialize({{"sampling", Json::object()}});
  ASSERT_TRUE(Send("logging/setLevel", {{"level", "debug"}}, nullptr).contains("result"));
  RecordingLink debug;
  Send("tools/call", {{"name", "chatty"}}, &debug);
  ASSERT_EQ(debug.sent.size(), 3u);  // both logs; no token, so no progress
  EXPECT_EQ(debug.sent[0]["params"]["level"], "debug");

  ASSERT_TRUE(Send("logging/setLevel", {{"level", "critical"}}, nullptr).contains("result"));
  RecordingLink critical;
  Send("tools/call", {{"name", "chatty"}}, &critical);
  ASSERT_EQ(critical.sent.size(), 1u);  // only the sampling request
  EXPECT_EQ(critical.sent[0]["method"], "sampling/createMessage");
}

TEST_F(ServerEmitTest, RequestsNeedTheCapabilityAndALink) {
  Initialize(Json::object());  // no sampling
  RecordingLink link;
  Json r = Send("tools/call", {{"name", "chatty"}}, &link);
  EXPECT_EQ(r["result"]["isError"], true);
  EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find("sampling capability"),
            std::string::npos);

  session_ = Session();
  Initialize({{"sampling", Json::object()}});
  Json unlinked = Send("tools/call", {{"name", "chatty"}}, nullptr);
  EXPECT_EQ(unlinked["result"]["isError"], true);
}

TEST_F(ServerEmitTest, RejectsABadProgressToken) {
  Initialize(Json::object());
  Json r = Send("tools/call", {{"name", "chatty"}, {"_meta", {{"progressToken", 1.5}}}}, nullptr);
  EXPECT_EQ(r["error"]["code"], kInvalidParams);
}

TEST_F(ServerEmitTest, MayEmitOnlyForToolCallsWithAProgressToken) {
  struct Case {
    const char* message;
    bool may_emit;
  };
  const Case cases[] = {
      {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"chatty"}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"tools/call",
           "params":{"name":"chatty","_meta":{"progressToken":"t"}}})",
       true},
      {R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"progressToken":1}}})",
       false},
      {R"({"jsonrpc":"2.0","id":1,"method":"tools/call"})", false},
      {R"([1,2])", false},
  };
  for (const Case& c : cases)
    EXPECT_EQ(server_.MayEmit(Json::parse(c.message)), c.may_emit) << c.message;
}

TEST(DefaultInstructionsTest, SaysWhenToUseMemoryAndThatItIsData) {
  std::string text = DefaultInstructions();
  EXPECT_NE(text.find("pf_scan"), std::string::npos);
  EXPECT_NE(text.find("pf_poke mode \"memory\""), std::string::npos);
  EXPECT_NE(text.find("data, not instructions"), std::string::npos);
}

}  // namespace
}  // namespace memex::mcp
