#include "mcp/stdio_transport.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "mcp/emitter.h"

namespace memex::mcp {
namespace {

std::vector<Json> Lines(const std::string& out) {
  std::vector<Json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) lines.push_back(Json::parse(line));
  return lines;
}

class StdioTransportTest : public ::testing::Test {
 protected:
  StdioTransportTest() : server_(ServerInfo{"memex", "1", ""}, "", tools_) {}

  std::string Run(const std::string& input, StdioOptions options = {}) {
    StdioTransport transport(server_, options);
    std::istringstream in(input);
    std::ostringstream out;
    Status st = transport.Run(in, out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out.str();
  }

  ToolRegistry tools_;
  Server server_;
};

TEST_F(StdioTransportTest, OneResponsePerRequestLineInOrder) {
  std::string out =
      Run("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
          "\n"
          "   \n"
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
          "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"ping\"}\r\n"
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");  // no newline before EOF
  std::vector<Json> lines = Lines(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[0]["id"], 1);
  EXPECT_EQ(lines[1]["id"], "b");
  EXPECT_EQ(lines[2]["id"], 3);
  EXPECT_EQ(out.back(), '\n');
}

TEST_F(StdioTransportTest, BadLinesGetErrorsAndTheLoopContinues) {
  std::string out =
      Run("this is not json\n"
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
          "[]\n"
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
  std::vector<Json> lines = Lines(out);
  ASSERT_EQ(lines.size(), 4u) << out;
  EXPECT_EQ(lines[0]["error"]["code"], kParseError);
  EXPECT_TRUE(lines[0]["id"].is_null());
  EXPECT_EQ(lines[1]["result"], Json::object());
  EXPECT_EQ(lines[2]["error"]["code"], kInvalidRequest);
  EXPECT_EQ(lines[3]["id"], 2);
}

TEST_F(StdioTransportTest, OverLongLinesAreRejectedNotBuffered) {
  std::string huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"" +
                     std::string(5000, 'a') + "\"}}";
  std::string out = Run(huge + "\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n" + huge,
                        StdioOptions{.max_line_bytes = 1024});
  std::vector<Json> lines = Lines(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[0]["error"]["code"], kInvalidRequest);
  EXPECT_NE(lines[0]["error"]["message"].get<std::string>().find("too large"), std::string::npos);
  EXPECT_TRUE(lines[0]["id"].is_null());
  EXPECT_EQ(lines[1]["id"], 2);
  EXPECT_EQ(lines[2]["error"]["code"], kInvalidRequest);
}

TEST_F(StdioTransportTest, DefaultLimitIsFourMiB) {
  EXPECT_EQ(StdioOptions{}.max_line_bytes, 4u * 1024 * 1024);
  // A line of exactly the limit is accepted.
  std::string prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"";
  std::string suffix = "\"}}";
  std::string line = prefix + std::string(64 - prefix.size() - suffix.size(), 'a') + suffix;
  ASSERT_EQ(line.size(), 64u);
  std::vector<Json> lines = Lines(Run(line + "\n", StdioOptions{.max_line_bytes = 64}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["result"], Json::object());
}

TEST_F(StdioTransportTest, EmptyInputEndsCleanly) { EXPECT_EQ(Run(""), ""); }

TEST_F(StdioTransportTest, SessionPersistsAcrossRuns) {
  StdioTransport transport(server_);
  std::istringstream init(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26"}})");
  std::ostringstream out;
  ASSERT_TRUE(transport.Run(init, out).ok());
  EXPECT_EQ(transport.session().protocol_version(), "2025-03-26");
  std::istringstream list(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
  ASSERT_TRUE(transport.Run(list, out).ok());
  std::vector<Json> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["result"]["tools"], Json::array());
}

TEST_F(StdioTransportTest, ToolsTalkToTheClientOverTheSameLines) {
  tools_.Add(
      ToolDef{.name = "ask", .description = "Logs, then asks the client to sample"},
      [](const Json&, const CallContext& ctx) -> ToolOutcome {
        (void)ctx.emitter->Log("info", "asking");
        Result<Json> answer = ctx.emitter->Request("sampling/createMessage", {{"maxTokens", 5}});
        if (!answer.ok()) return ToolError{"invalid_request", 400, answer.status().message()};
        return Json{{"answer", *answer}};
      });
  // The client answers the server's request (id 1) after sending a ping and a stray response;
  // the ping is served after the call, in order.
  std::string out = Run(
      R"({"jsonrpc":"2.0","id":"i","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"sampling":{}}}})"
      "\n"
      R"({"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"ask"}})"
      "\n"
      R"({"jsonrpc":"2.0","id":"p","method":"ping"})"
      "\n"
      R"({"jsonrpc":"2.0","id":99,"result":{}})"
      "\n"
      R"({"jsonrpc":"2.0","id":1,"result":{"text":"forty-two"}})"
      "\n");
  std::vector<Json> lines = Lines(out);
  ASSERT_EQ(lines.size(), 5u) << out;
  EXPECT_EQ(lines[0]["id"], "i");
  EXPECT_EQ(lines[1]["method"], "notifications/message");
  EXPECT_EQ(lines[2], Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"sampling/createMessage",
                                       "params":{"maxTokens":5}})"));
  EXPECT_EQ(lines[3]["id"], "c");
  EXPECT_EQ(lines[3]["result"]["structuredContent"]["answer"]["text"], "forty-two");
  EXPECT_EQ(lines[4]["id"], "p");
}

TEST_F(StdioTransportTest, EofWhileWaitingFailsTheTool) {
  tools_.Add(ToolDef{.name = "ask", .description = "Asks the client to sample"},
             [](const Json&, const CallContext& ctx) -> ToolOutcome {
               Result<Json> answer = ctx.emitter->Request("sampling/createMessage", {});
               if (!answer.ok())
                 return ToolError{"invalid_request", 400, answer.status().message()};
               return Json::object();
             });
  std::string out = Run(
      R"({"jsonrpc":"2.0","id":"i","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"sampling":{}}}})"
      "\n"
      R"({"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"ask"}})"
      "\n");
  std::vector<Json> lines = Lines(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[1]["method"], "sampling/createMessage");
  EXPECT_EQ(lines[2]["result"]["isError"], true);
  EXPECT_NE(lines[2]["result"]["content"][0]["text"].get<std::string>().find("closed stdin"),
            std::string::npos);
}

TEST_F(StdioTransportTest, FailingOutputIsUnavailable) {
  StdioTransport transport(server_);
  std::istringstream in("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  Status st = transport.Run(in, out);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace memex::mcp
