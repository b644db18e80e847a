#include "mcp/pending_requests.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace memex::mcp {
namespace {

using namespace std::chrono_literals;

Message Response(Json id, Json result) {
  Message m;
  m.kind = MessageKind::kResponse;
  m.id = std::move(id);
  m.result = std::move(result);
  return m;
}

Message ErrorResponse(Json id, int code, const std::string& message) {
  Message m;
  m.kind = MessageKind::kResponse;
  m.id = std::move(id);
  m.error = {{"code", code}, {"message", message}};
  return m;
}

TEST(PendingRequestsTest, RoutesAResponseFromAnotherThreadToItsWaiter) {
  PendingRequests pending;
  Result<Json> a = pending.Open();
  Result<Json> b = pending.Open();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(pending.size(), 2u);
  std::jthread answerer([&] {
    std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(pending.Resolve(Response(*b, "for b")));
    EXPECT_TRUE(pending.Resolve(Response(*a, "for a")));
  });
  Result<Json> got_a = pending.Wait(*a, 10s);
  Result<Json> got_b = pending.Wait(*b, 10s);
  ASSERT_TRUE(got_a.ok() && got_b.ok());
  EXPECT_EQ(*got_a, "for a");
  EXPECT_EQ(*got_b, "for b");
  EXPECT_EQ(pending.size(), 0u);
}

TEST(PendingRequestsTest, IgnoresUnknownLateAndDuplicateResponses) {
  PendingRequests pending;
  EXPECT_FALSE(pending.Resolve(Response(99, "nobody asked")));
  Json id = *pending.Open();
  EXPECT_FALSE(pending.Resolve(Response(id.dump(), "string id is another id")));
  EXPECT_TRUE(pending.Resolve(Response(id, "first")));
  EXPECT_FALSE(pending.Resolve(Response(id, "second")));
  EXPECT_EQ(*pending.Wait(id, 1s), "first");
  EXPECT_FALSE(pending.Resolve(Response(id, "late")));
  EXPECT_EQ(pending.Wait(id, 1ms).status().code(), StatusCode::kNotFound);
}

TEST(PendingRequestsTest, TimesOut) {
  PendingRequests pending;
  Json id = *pending.Open();
  Result<Json> r = pending.Wait(id, 20ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("did not answer within 20 ms"), std::string::npos);
  EXPECT_EQ(pending.size(), 0u);
  EXPECT_FALSE(pending.Resolve(Response(id, "too late")));
}

TEST(PendingRequestsTest, AnErrorResponseFailsTheRequest) {
  PendingRequests pending;
  Json id = *pending.Open();
  EXPECT_TRUE(pending.Resolve(ErrorResponse(id, -32601, "no sampling here")));
  Result<Json> r = pending.Wait(id, 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "the client answered error -32601: no sampling here");
}

TEST(PendingRequestsTest, CloseFailsWaitersAndRefusesNewRequests) {
  PendingRequests pending;
  Json id = *pending.Open();
  std::jthread closer([&] {
    std::this_thread::sleep_for(10ms);
    pending.Close("the MCP session ended");
  });
  Result<Json> r = pending.Wait(id, 10s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "the MCP session ended");
  EXPECT_EQ(pending.Open().status().code(), StatusCode::kUnavailable);
  pending.Close("again");  // idempotent
}

TEST(PendingRequestsTest, AbandonForgetsTheId) {
  PendingRequests pending;
  Json id = *pending.Open();
  pending.Abandon(id);
  EXPECT_EQ(pending.size(), 0u);
  EXPECT_FALSE(pending.Resolve(Response(id, "x")));
}

TEST(PendingLinkTest, SendsTheRequestAndReturnsTheAnswer) {
  PendingRequests pending;
  std::vector<Json> sent;
  PendingLink link(pending, [&](const Json& message) {
    sent.push_back(message);
    if (message.contains("id")) {
      EXPECT_TRUE(pending.Resolve(Response(message["id"], "yes")));
    }
    return true;
  });
  ASSERT_TRUE(link.Notify(MakeNotification("notifications/message", {{"level", "info"}})).ok());
  Result<Json> r = link.Request("elicitation/create", {{"message", "ok?"}}, 1s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "yes");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["method"], "elicitation/create");
  EXPECT_EQ(sent[1]["jsonrpc"], "2.0");
  EXPECT_EQ(sent[1]["params"]["message"], "ok?");
}

TEST(PendingLinkTest, ATimeoutCancelsTheRequestAtTheClient) {
  PendingRequests pending;
  std::vector<Json> sent;
  PendingLink link(pending, [&](const Json& message) {
    sent.push_back(message);
    return true;
  });
  Result<Json> r = link.Request("sampling/createMessage", Json::object(), 10ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["method"], "notifications/cancelled");
  EXPECT_EQ(sent[1]["params"]["requestId"], sent[0]["id"]);
}

TEST(PendingLinkTest, AGoneClientFailsAtOnce) {
  PendingRequests pending;
  PendingLink link(pending, [](const Json&) { return false; });
  EXPECT_EQ(link.Notify(Json::object()).code(), StatusCode::kUnavailable);
  Result<Json> r = link.Request("sampling/createMessage", Json::object(), 10s);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(pending.size(), 0u);
}

}  // namespace
}  // namespace memex::mcp
