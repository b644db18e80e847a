#include "mcp/emitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memex::mcp {
namespace {

using namespace std::chrono_literals;

// Records what the emitter sends; answers requests with `answer`.
class FakeLink : public ClientLink {
 public:
  Status Notify(const Json& notification) override {
    sent.push_back(notification);
    return gone ? Unavailable("gone") : Status::Ok();
  }
  Result<Json> Request(std::string_view method, Json params,
                       std::chrono::milliseconds timeout) override {
    requests.push_back({{"method", std::string(method)}, {"params", std::move(params)}});
    last_timeout = timeout;
    return answer;
  }

  std::vector<Json> sent;
  std::vector<Json> requests;
  Result<Json> answer = Json{{"ok", true}};
  std::chrono::milliseconds last_timeout{0};
  bool gone = false;
};

const Json kNoToken;
const Json kAllCapabilities = {{"sampling", Json::object()},
                               {"elicitation", Json::object()},
                               {"roots", {{"listChanged", true}}}};

TEST(LogLevelRankTest, RanksRfc5424Names) {
  EXPECT_EQ(LogLevelRank("debug"), 0);
  EXPECT_EQ(LogLevelRank("info"), 1);
  EXPECT_EQ(LogLevelRank("emergency"), 7);
  EXPECT_EQ(LogLevelRank("verbose"), -1);
  EXPECT_EQ(LogLevelRank(""), -1);
}

TEST(EmitterTest, LogRespectsTheSessionLevel) {
  struct Case {
    std::string min_level;
    std::string level;
    bool sent;
  };
  const Case cases[] = {
      {"info", "debug", false},      {"info", "info", true},      {"info", "error", true},
      {"debug", "debug", true},      {"error", "warning", false}, {"error", "critical", true},
      {"emergency", "alert", false}, {"", "info", true},  // an unset level lets everything through
  };
  for (const Case& c : cases) {
    FakeLink link;
    Emitter emitter(&link, c.min_level, kNoToken, kAllCapabilities);
    ASSERT_TRUE(emitter.Log(c.level, "hello").ok());
    EXPECT_EQ(link.sent.size(), c.sent ? 1u : 0u) << c.min_level << " " << c.level;
  }
}

TEST(EmitterTest, LogSendsANotificationsMessage) {
  FakeLink link;
  Emitter emitter(&link, "debug", kNoToken, kAllCapabilities);
  ASSERT_TRUE(emitter.Log("warning", Json{{"k", 1}}, "db").ok());
  ASSERT_TRUE(emitter.Log("info", "plain").ok());
  ASSERT_EQ(link.sent.size(), 2u);
  EXPECT_EQ(link.sent[0], Json::parse(R"({"jsonrpc":"2.0","method":"notifications/message",
      "params":{"level":"warning","logger":"db","data":{"k":1}}})"));
  EXPECT_FALSE(link.sent[1]["params"].contains("logger"));
  EXPECT_EQ(emitter.Log("loud", "x").code(), StatusCode::kInvalidArgument);
  link.gone = true;
  EXPECT_EQ(emitter.Log("error", "x").code(), StatusCode::kUnavailable);
}

TEST(EmitterTest, ProgressNeedsATokenAndMustIncrease) {
  FakeLink link;
  Json token = "tok-1";
  Emitter emitter(&link, "info", token, kAllCapabilities);
  ASSERT_TRUE(emitter.Progress(0, 100).ok());
  ASSERT_TRUE(emitter.Progress(50, 100, "half").ok());
  ASSERT_TRUE(emitter.Progress(60).ok());
  EXPECT_EQ(emitter.Progress(60).code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(link.sent.size(), 3u);
  EXPECT_EQ(link.sent[1], Json::parse(R"({"jsonrpc":"2.0","method":"notifications/progress",
      "params":{"progressToken":"tok-1","progress":50.0,"total":100.0,"message":"half"}})"));
  EXPECT_FALSE(link.sent[2]["params"].contains("total"));

  FakeLink quiet;
  Emitter untokened(&quiet, "info", kNoToken, kAllCapabilities);
  EXPECT_TRUE(untokened.Progress(1).ok());
  EXPECT_TRUE(quiet.sent.empty());
}

TEST(EmitterTest, RequestIsGatedByTheClientsCapabilities) {
  struct Case {
    Json capabilities;
    std::string method;
    bool allowed;
  };
  const Case cases[] = {
      {kAllCapabilities, "sampling/createMessage", true},
      {kAllCapabilities, "elicitation/create", true},
      {kAllCapabilities, "roots/list", true},
      {Json::object(), "sampling/createMessage", false},
      {Json{{"elicitation", Json::object()}}, "sampling/createMessage", false},
      {Json{{"elicitation", Json::object()}}, "elicitation/create", true},
      {Json(nullptr), "elicitation/create", false},
      {Json{{"sampling", true}}, "sampling/createMessage", false},  // not an object
      {Json::object(), "ping", true},                               // needs no capability
  };
  for (const Case& c : cases) {
    FakeLink link;
    Emitter emitter(&link, "info", kNoToken, c.capabilities, 5s);
    Result<Json> r = emitter.Request(c.method, {{"x", 1}});
    EXPECT_EQ(r.ok(), c.allowed) << c.capabilities << " " << c.method;
    EXPECT_EQ(link.requests.size(), c.allowed ? 1u : 0u);
    if (c.allowed) {
      EXPECT_EQ(*r, Json({{"ok", true}}));
      EXPECT_EQ(link.last_timeout, 5s);
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    }
  }
}

TEST(EmitterTest, WithoutALinkNotificationsDropAndRequestsFail) {
  Json token = 7;
  Emitter emitter(nullptr, "debug", token, kAllCapabilities);
  EXPECT_FALSE(emitter.connected());
  EXPECT_TRUE(emitter.Log("info", "x").ok());
  EXPECT_TRUE(emitter.Progress(1, 2).ok());
  Result<Json> r = emitter.Request("sampling/createMessage", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("text/event-stream"), std::string::npos);
}

TEST(EmitterTest, ClientErrorsPassThrough) {
  FakeLink link;
  link.answer = Unavailable("the client did not answer within 10 ms");
  Emitter emitter(&link, "info", kNoToken, kAllCapabilities);
  Result<Json> r = emitter.Request("elicitation/create", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace memex::mcp
