#include "mcp/jsonrpc.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace memex::mcp {
namespace {

Message AsMessage(const ParseResult& r) {
  EXPECT_TRUE(std::holds_alternative<Message>(r));
  return std::holds_alternative<Message>(r) ? std::get<Message>(r) : Message{};
}

TEST(JsonRpcTest, ParsesRequestsWithStringAndNumericIds) {
  Message a = AsMessage(ParseMessageText(R"({"jsonrpc":"2.0","id":"abc","method":"ping"})"));
  EXPECT_EQ(a.kind, MessageKind::kRequest);
  EXPECT_EQ(a.id, Json("abc"));
  EXPECT_EQ(a.method, "ping");
  EXPECT_TRUE(a.params.is_null());

  Message b =
      AsMessage(ParseMessageText(R"({"jsonrpc":"2.0","id":7,"method":"x","params":{"a":1}})"));
  EXPECT_EQ(b.id, Json(7));
  EXPECT_EQ(b.params, Json({{"a", 1}}));

  // Ids are kept exactly: a negative, a float and a big unsigned number survive a round trip.
  for (const char* id : {"-3", "1.5", "18446744073709551615", "0", "\"\""}) {
    std::string text = std::string(R"({"jsonrpc":"2.0","method":"m","id":)") + id + "}";
    Message m = AsMessage(ParseMessageText(text));
    EXPECT_EQ(Serialize(m.id), id);
    EXPECT_EQ(Serialize(MakeResult(m.id, Json::object())),
              std::string(R"({"id":)") + id + R"(,"jsonrpc":"2.0","result":{}})");
  }
}

TEST(JsonRpcTest, ParsesNotificationsAndResponses) {
  Message n = AsMessage(ParseMessageText(R"({"jsonrpc":"2.0","method":"notifications/x"})"));
  EXPECT_EQ(n.kind, MessageKind::kNotification);
  EXPECT_TRUE(n.id.is_null());

  Message ok = AsMessage(ParseMessageText(R"({"jsonrpc":"2.0","id":1,"result":{"a":2}})"));
  EXPECT_EQ(ok.kind, MessageKind::kResponse);
  EXPECT_EQ(ok.result, Json({{"a", 2}}));

  Message err = AsMessage(
      ParseMessageText(R"({"jsonrpc":"2.0","id":null,"error":{"code":-1,"message":"m"}})"));
  EXPECT_EQ(err.kind, MessageKind::kResponse);
  EXPECT_EQ(err.error["code"], -1);
}

struct BadCase {
  const char* text;
  int code;
  const char* message_part;
  Json id;
};

TEST(JsonRpcTest, RejectsMalformedMessagesNamingTheField) {
  const BadCase cases[] = {
      {R"({"jsonrpc":"2.0","id":1,"method":)", kParseError, "not valid JSON", nullptr},
      {"", kParseError, "not valid JSON", nullptr},
      {R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", kInvalidRequest, "batch", nullptr},
      {R"("ping")", kInvalidRequest, "JSON object", nullptr},
      {R"({"jsonrpc":"1.0","id":1,"method":"ping"})", kInvalidRequest, R"("jsonrpc" must be "2.0")",
       1},
      {R"({"id":"a","method":"ping"})", kInvalidRequest, R"("jsonrpc" must be "2.0")", "a"},
      {R"({"jsonrpc":2.0,"id":1,"method":"ping"})", kInvalidRequest, R"("jsonrpc")", 1},
      {R"({"jsonrpc":"2.0","id":1,"method":5})", kInvalidRequest, R"("method" must be a string)",
       1},
      {R"({"jsonrpc":"2.0","id":1})", kInvalidRequest, R"("method" is required)", 1},
      {R"({"jsonrpc":"2.0","id":null,"method":"ping"})", kInvalidRequest,
       R"("id" must be a string or a number)", nullptr},
      {R"({"jsonrpc":"2.0","id":{},"method":"ping"})", kInvalidRequest, R"("id")", nullptr},
      {R"({"jsonrpc":"2.0","id":1,"method":"ping","params":"x"})", kInvalidRequest,
       R"("params" must be an object or an array)", 1},
      {R"({"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"m"}})", kInvalidRequest,
       "exactly one", 1},
      {R"({"jsonrpc":"2.0","result":1})", kInvalidRequest, R"("id" is required)", nullptr},
      {R"({"jsonrpc":"2.0","id":2,"error":{"code":"x","message":"m"}})", kInvalidRequest,
       R"("error.code")", 2},
      {R"({"jsonrpc":"2.0","id":2,"error":{"code":1}})", kInvalidRequest, R"("error.message")", 2},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.text);
    ParseResult r = ParseMessageText(c.text);
    ASSERT_TRUE(std::holds_alternative<RpcError>(r));
    const RpcError& e = std::get<RpcError>(r);
    EXPECT_EQ(e.code, c.code);
    EXPECT_NE(e.message.find(c.message_part), std::string::npos) << e.message;
    EXPECT_EQ(e.id, c.id);
  }
}

TEST(JsonRpcTest, BuildsMessages) {
  EXPECT_EQ(Serialize(MakeError(RpcError{kMethodNotFound, "nope", "x", nullptr})),
            R"({"error":{"code":-32601,"message":"nope"},"id":"x","jsonrpc":"2.0"})");
  EXPECT_EQ(Serialize(MakeError(RpcError{kInvalidParams, "bad", 3, {{"field", "a"}}})),
            R"({"error":{"code":-32602,"data":{"field":"a"},"message":"bad"},"id":3,)"
            R"("jsonrpc":"2.0"})");
  EXPECT_EQ(Serialize(MakeNotification("notifications/message", {{"level", "info"}})),
            R"({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info"}})");
  EXPECT_EQ(Serialize(MakeNotification("x")), R"({"jsonrpc":"2.0","method":"x"})");
}

TEST(JsonRpcTest, SerializeReplacesInvalidUtf8) {
  Json doc = {{"text", std::string("a\xff") + "b"}};
  std::string line = Serialize(doc);
  EXPECT_EQ(line,
            "{\"text\":\"a\xEF\xBF\xBD"
            "b\"}");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(JsonRpcTest, NeverThrowsOnGarbage) {
  for (std::string text : {std::string("\0\1\2", 3), std::string(10000, '['), std::string("{\"a"),
                           std::string("\xff\xfe"), std::string("nul")}) {
    ParseResult r = ParseMessageText(text);
    EXPECT_TRUE(std::holds_alternative<RpcError>(r));
  }
}

}  // namespace
}  // namespace memex::mcp
