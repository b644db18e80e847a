#include "mcp/fixtures.h"

#include <gtest/gtest.h>

#include <string>

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
