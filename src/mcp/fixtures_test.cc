#include "mcp/fixtures.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace memex::mcp {
namespace {

class FixturesTest : public ::testing::Test {
 protected:
  FixturesTest() : server_(ServerInfo{"memex", "9.9.9", "t"}, "", tools_, &fixtures_) {
    tools_.Add(ToolDef{.name = "echo", .description = "Echoes"},
               [](const Json& args, const CallContext&) -> ToolOutcome { return args; });
    Json r = Call("initialize", {{"protocolVersion", "2025-06-18"},
                                 {"capabilities", Json::object()},
                                 {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
    capabilities_ = r["result"]["capabilities"];
  }

  Json Call(const std::string& method, Json params = Json::object()) {
    Json msg = {{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", std::move(params)}};
    std::optional<Json> r = server_.Handle(msg, session_);
    EXPECT_TRUE(r.has_value()) << method;
    return r.value_or(Json());
  }

  ToolRegistry tools_;
  ConformanceFixtures fixtures_;
  Server server_;
  Session session_;
  Json capabilities_;
};

TEST_F(FixturesTest, AdvertisesResourcesPromptsAndCompletions) {
  EXPECT_TRUE(capabilities_.contains("tools"));
  EXPECT_EQ(capabilities_["resources"]["subscribe"], true);
  EXPECT_TRUE(capabilities_.contains("prompts"));
  EXPECT_TRUE(capabilities_.contains("completions"));
}

TEST_F(FixturesTest, ListsRegistryToolsThenFixtureTools) {
  Json tools = Call("tools/list")["result"]["tools"];
  ASSERT_GE(tools.size(), 2u);
  EXPECT_EQ(tools[0]["name"], "echo");
  EXPECT_EQ(tools[1]["name"], "test_simple_text");
  bool found = false;
  for (const Json& t : tools) {
    if (t["name"] == "json_schema_2020_12_tool") {
      found = true;
      EXPECT_EQ(t["inputSchema"]["additionalProperties"], false);
      EXPECT_TRUE(t["inputSchema"]["$defs"].contains("address"));
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(FixturesTest, CallsFixtureToolsWithRawContent) {
  Json image = Call("tools/call", {{"name", "test_image_content"}})["result"];
  EXPECT_EQ(image["content"][0]["type"], "image");
  EXPECT_EQ(image["content"][0]["mimeType"], "image/png");
  Json audio = Call("tools/call", {{"name", "test_audio_content"}})["result"];
  EXPECT_EQ(audio["content"][0]["mimeType"], "audio/wav");
  Json error = Call("tools/call", {{"name", "test_error_handling"}})["result"];
  EXPECT_EQ(error["isError"], true);
  Json mixed = Call("tools/call", {{"name", "test_multiple_content_types"}})["result"];
  EXPECT_EQ(mixed["content"].size(), 3u);
  // Registry tools still win and unknown tools are still -32602.
  EXPECT_EQ(Call("tools/call",
                 {{"name", "echo"}, {"arguments", {{"a", 1}}}})["result"]["structuredContent"]["a"],
            1);
  EXPECT_EQ(Call("tools/call", {{"name", "nope"}})["error"]["code"], kInvalidParams);
}

TEST_F(FixturesTest, ReadsResourcesAndTemplates) {
  EXPECT_EQ(Call("resources/list")["result"]["resources"].size(), 3u);
  EXPECT_EQ(Call("resources/templates/list")["result"]["resourceTemplates"][0]["uriTemplate"],
            "test://template/{id}/data");
  Json text = Call("resources/read", {{"uri", "test://static-text"}})["result"]["contents"][0];
  EXPECT_EQ(text["uri"], "test://static-text");
  EXPECT_FALSE(text["text"].get<std::string>().empty());
  Json blob = Call("resources/read", {{"uri", "test://static-binary"}})["result"]["contents"][0];
  EXPECT_TRUE(blob.contains("blob"));
  Json tmpl =
      Call("resources/read", {{"uri", "test://template/123/data"}})["result"]["contents"][0];
  EXPECT_NE(tmpl["text"].get<std::string>().find("123"), std::string::npos);
  EXPECT_EQ(Call("resources/read", {{"uri", "test://nope"}})["error"]["code"], kInvalidParams);
  EXPECT_EQ(Call("resources/read")["error"]["code"], kInvalidParams);
  EXPECT_EQ(Call("resources/subscribe", {{"uri", "test://watched-resource"}})["result"],
            Json::object());
  EXPECT_EQ(Call("resources/unsubscribe", {{"uri", "test://watched-resource"}})["result"],
            Json::object());
}

TEST_F(FixturesTest, GetsPromptsAndCompletes) {
  EXPECT_EQ(Call("prompts/list")["result"]["prompts"].size(), 4u);
  Json args = Call("prompts/get", {{"name", "test_prompt_with_arguments"},
                                   {"arguments", {{"arg1", "v1"}, {"arg2", "v2"}}}})["result"];
  std::string text = args["messages"].dump();
  EXPECT_NE(text.find("v1"), std::string::npos);
  EXPECT_NE(text.find("v2"), std::string::npos);
  Json embedded = Call("prompts/get", {{"name", "test_prompt_with_embedded_resource"},
                                       {"arguments", {{"resourceUri", "test://x"}}}})["result"];
  EXPECT_EQ(embedded["messages"][0]["content"]["type"], "resource");
  EXPECT_EQ(Call("prompts/get", {{"name", "nope"}})["error"]["code"], kInvalidParams);
  Json done = Call("completion/complete",
                   {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                    {"argument", {{"name", "arg1"}, {"value", "t"}}}})["result"];
  EXPECT_TRUE(done["completion"]["values"].is_array());
}

// The fixture tools that talk to the client, driven directly through an Emitter over a link that
// records what they send and answers requests like the suite's client.
class ScriptedLink : public ClientLink {
 public:
  Status Notify(const Json& notification) override {
    sent.push_back(notification);
    return Status::Ok();
  }
  Result<Json> Request(std::string_view method, Json params, std::chrono::milliseconds) override {
    sent.push_back({{"method", std::string(method)}, {"params", params}});
    if (method == "sampling/createMessage") {
      return Json{{"role", "assistant"},
                  {"content", {{"type", "text"}, {"text", "hello from the client"}}},
                  {"model", "test-model"}};
    }
    return Json{{"action", "accept"}, {"content", {{"username", "u"}}}};
  }
  std::vector<Json> sent;
};

const Json kBothCapabilities = {{"sampling", Json::object()}, {"elicitation", Json::object()}};

std::string FirstText(const Json& result) { return result["content"][0]["text"]; }

TEST(FixtureEmitTest, LoggingToolSendsThreeInfoLogs) {
  ConformanceFixtures fixtures;
  ScriptedLink link;
  Json no_token;
  Emitter emitter(&link, "debug", no_token, kBothCapabilities);
  EXPECT_TRUE(fixtures.Emits("test_tool_with_logging"));
  Json r = *fixtures.CallTool("test_tool_with_logging", Json::object(), emitter);
  EXPECT_FALSE(r.contains("isError"));
  ASSERT_EQ(link.sent.size(), 3u);
  EXPECT_EQ(link.sent[0]["method"], "notifications/message");
  EXPECT_EQ(link.sent[0]["params"]["level"], "info");
  EXPECT_EQ(link.sent[0]["params"]["data"], "Tool execution started");
  EXPECT_EQ(link.sent[2]["params"]["data"], "Tool execution completed");
}

TEST(FixtureEmitTest, ProgressToolReportsIncreasingProgress) {
  ConformanceFixtures fixtures;
  ScriptedLink link;
  Json token = "progress-test-1";
  Emitter emitter(&link, "info", token, kBothCapabilities);
  Json r = *fixtures.CallTool("test_tool_with_progress", Json::object(), emitter);
  EXPECT_FALSE(r.contains("isError"));
  ASSERT_EQ(link.sent.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(link.sent[i]["method"], "notifications/progress");
    EXPECT_EQ(link.sent[i]["params"]["progressToken"], "progress-test-1");
    EXPECT_EQ(link.sent[i]["params"]["progress"], 50.0 * static_cast<double>(i));
    EXPECT_EQ(link.sent[i]["params"]["total"], 100.0);
  }
}

TEST(FixtureEmitTest, SamplingAndElicitationAskTheClient) {
  ConformanceFixtures fixtures;
  ScriptedLink link;
  Json no_token;
  Emitter emitter(&link, "info", no_token, kBothCapabilities);
  Json sampled = *fixtures.CallTool("test_sampling", {{"prompt", "Test prompt"}}, emitter);
  EXPECT_EQ(FirstText(sampled), "LLM response: hello from the client");
  EXPECT_EQ(link.sent[0]["params"]["messages"][0]["content"]["text"], "Test prompt");
  EXPECT_EQ(link.sent[0]["params"]["maxTokens"], 100);

  Json elicited = *fixtures.CallTool("test_elicitation", {{"message", "Who?"}}, emitter);
  EXPECT_EQ(FirstText(elicited), R"(User response: action=accept, content={"username":"u"})");
  EXPECT_EQ(link.sent[1]["method"], "elicitation/create");
  EXPECT_EQ(link.sent[1]["params"]["message"], "Who?");
  EXPECT_EQ(link.sent[1]["params"]["requestedSchema"]["required"], Json({"username", "email"}));

  fixtures.CallTool("test_elicitation_sep1034_defaults", Json::object(), emitter);
  Json defaults = link.sent[2]["params"]["requestedSchema"]["properties"];
  EXPECT_EQ(defaults["name"]["default"], "John Doe");
  EXPECT_EQ(defaults["age"]["type"], "integer");
  EXPECT_EQ(defaults["age"]["default"], 30);
  EXPECT_EQ(defaults["score"]["default"], 95.5);
  EXPECT_EQ(defaults["status"]["default"], "active");
  EXPECT_EQ(defaults["verified"]["default"], true);

  fixtures.CallTool("test_elicitation_sep1330_enums", Json::object(), emitter);
  Json enums = link.sent[3]["params"]["requestedSchema"]["properties"];
  EXPECT_TRUE(enums["untitledSingle"]["enum"].is_array());
  EXPECT_FALSE(enums["untitledSingle"].contains("oneOf"));
  EXPECT_EQ(enums["titledSingle"]["oneOf"][0],
            Json({{"const", "value1"}, {"title", "First Option"}}));
  EXPECT_EQ(enums["legacyEnum"]["enumNames"].size(), enums["legacyEnum"]["enum"].size());
  EXPECT_EQ(enums["untitledMulti"]["items"]["type"], "string");
  EXPECT_EQ(enums["titledMulti"]["items"]["anyOf"][2]["title"], "Third Choice");
}

TEST(FixtureEmitTest, WithoutTheCapabilityTheToolFails) {
  ConformanceFixtures fixtures;
  ScriptedLink link;
  Json no_token;
  Emitter emitter(&link, "info", no_token, Json::object());
  Json r = *fixtures.CallTool("test_sampling", {{"prompt", "p"}}, emitter);
  EXPECT_EQ(r["isError"], true);
  EXPECT_NE(FirstText(r).find("sampling capability"), std::string::npos);
  Json e = *fixtures.CallTool("test_elicitation", {{"message", "m"}}, emitter);
  EXPECT_EQ(e["isError"], true);
  EXPECT_TRUE(link.sent.empty());
  EXPECT_FALSE(fixtures.Emits("test_simple_text"));
}

TEST(FixturesAbsentTest, TheDefaultServerServesNoneOfThem) {
  ToolRegistry tools;
  Server server(ServerInfo{"memex", "9.9.9", "t"}, "", tools);
  Session session;
  Json init = *server.Handle({{"jsonrpc", "2.0"},
                              {"id", 1},
                              {"method", "initialize"},
                              {"params", {{"protocolVersion", "2025-06-18"}}}},
                             session);
  EXPECT_FALSE(init["result"]["capabilities"].contains("resources"));
  EXPECT_FALSE(init["result"]["capabilities"].contains("prompts"));
  auto call = [&](const std::string& method) {
    return *server.Handle(
        {{"jsonrpc", "2.0"}, {"id", 2}, {"method", method}, {"params", {{"uri", "test://x"}}}},
        session);
  };
  EXPECT_EQ(call("resources/list")["result"]["resources"], Json::array());
  EXPECT_EQ(call("resources/read")["error"]["code"], kMethodNotFound);
  EXPECT_EQ(call("prompts/get")["error"]["code"], kMethodNotFound);
  EXPECT_EQ(call("completion/complete")["error"]["code"], kMethodNotFound);
}

}  // namespace
}  // namespace memex::mcp
