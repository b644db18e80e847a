#include "http/session_hub.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "mcp/tool.h"

namespace memex::http {
namespace {

using namespace std::chrono_literals;

TEST(SessionHubTest, CreateFindRemove) {
  SessionHub hub;
  auto a = hub.Create(false, {});
  auto b = hub.Create(true, {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->id().size(), 32u);
  EXPECT_NE((*a)->id(), (*b)->id());
  EXPECT_TRUE((*b)->legacy_sse());
  EXPECT_EQ(hub.Find((*a)->id()), *a);
  EXPECT_EQ(hub.Find("nope"), nullptr);
  EXPECT_EQ(hub.size(), 2u);
  EXPECT_TRUE(hub.Remove((*a)->id()));
  EXPECT_FALSE(hub.Remove((*a)->id()));
  EXPECT_TRUE((*a)->closed());
  EXPECT_EQ(hub.Find((*a)->id()), nullptr);
}

TEST(SessionHubTest, LimitAndCloseAll) {
  SessionHub hub(2);
  ASSERT_TRUE(hub.Create(false, {}).ok());
  auto b = hub.Create(false, {});
  ASSERT_TRUE(b.ok());
  auto full = hub.Create(false, {});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), StatusCode::kResourceExhausted);
  hub.CloseAll();
  EXPECT_TRUE((*b)->closed());
  EXPECT_EQ(hub.size(), 0u);
  auto late = hub.Create(false, {});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable);
}

TEST(SessionHubTest, IdleSessionsAreReclaimedButOpenStreamsKeepTheirs) {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  SessionHub hub(2, 10min, [&now] { return now; });
  auto idle = hub.Create(false, {});
  auto streaming = hub.Create(false, {});
  ASSERT_TRUE(idle.ok() && streaming.ok());
  ASSERT_TRUE((*streaming)->AttachStream());
  now += 5min;
  EXPECT_EQ(hub.Find((*idle)->id()), *idle);  // a request counts as use
  now += 9min;
  EXPECT_FALSE(hub.Create(false, {}).ok());  // idle for 9 min only: still full
  now += 2min;
  auto fresh = hub.Create(false, {});  // idle for 11 min: reclaimed
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_TRUE((*idle)->closed());
  EXPECT_EQ(hub.Find((*idle)->id()), nullptr);
  EXPECT_FALSE((*streaming)->closed());  // its open stream kept it alive
  EXPECT_EQ(hub.size(), 2u);
}

TEST(HubSessionTest, OutboxWaitsAndCloses) {
  HubSession s("id", true, {});
  std::vector<std::string> out;
  EXPECT_EQ(s.Next(10ms, out), HubSession::WaitResult::kTimeout);
  s.Push("a");
  s.Push("b");
  EXPECT_EQ(s.Next(10ms, out), HubSession::WaitResult::kEvents);
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(s.AttachStream());
  EXPECT_FALSE(s.AttachStream());
  s.DetachStream();
  EXPECT_TRUE(s.AttachStream());
  // Close wakes a waiting stream well before its timeout.
  std::jthread closer([&s] {
    std::this_thread::sleep_for(20ms);
    s.Close();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(s.Next(10s, out), HubSession::WaitResult::kClosed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  s.Push("dropped");
  out.clear();
  EXPECT_EQ(s.Next(1ms, out), HubSession::WaitResult::kClosed);
  EXPECT_TRUE(out.empty());
}

TEST(HubSessionTest, CloseFailsRequestsWaitingForTheClient) {
  HubSession s("id", false, {});
  Result<mcp::Json> id = s.pending().Open();
  ASSERT_TRUE(id.ok());
  std::jthread closer([&s] {
    std::this_thread::sleep_for(20ms);
    s.Close();
  });
  Result<mcp::Json> answer = s.pending().Wait(*id, 10s);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(answer.status().message(), "the MCP session ended");
}

}  // namespace
}  // namespace memex::http
