#include "http/request_guard.h"

#include <gtest/gtest.h>

namespace memex::http {
namespace {

const std::vector<std::string> kHosts = {"localhost", "127.0.0.1", "[::1]"};

TEST(RequestGuardTest, HostWithoutPort) {
  EXPECT_EQ(HostWithoutPort("LocalHost:7700"), "localhost");
  EXPECT_EQ(HostWithoutPort("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(HostWithoutPort("[::1]:80"), "[::1]");
  EXPECT_EQ(HostWithoutPort("[::1"), "");
  EXPECT_EQ(HostWithoutPort("localhost:x"), "");
  EXPECT_EQ(HostWithoutPort(""), "");
  EXPECT_EQ(HostWithoutPort("a@b"), "");
}

TEST(RequestGuardTest, HostAllowed) {
  struct Case {
    const char* host;
    bool allowed;
  };
  for (const Case& c : std::vector<Case>{{"localhost:7700", true},
                                         {"127.0.0.1:1", true},
                                         {"[::1]:7700", true},
                                         {"LOCALHOST", true},
                                         {"evil.example", false},
                                         {"evil.example:7700", false},
                                         {"127.0.0.1.evil.example", false},
                                         {"localhost.evil.example:7700", false},
                                         {"", false}}) {
    EXPECT_EQ(HostAllowed(c.host, kHosts), c.allowed) << c.host;
  }
  EXPECT_TRUE(HostAllowed("memex.internal:7700", {"memex.internal"}));
  EXPECT_TRUE(HostAllowed("anything", {"*"}));
}

TEST(RequestGuardTest, OriginAllowed) {
  struct Case {
    const char* origin;
    bool allowed;
  };
  for (const Case& c : std::vector<Case>{{"http://localhost:3000", true},
                                         {"https://127.0.0.1", true},
                                         {"http://[::1]:8080", true},
                                         {"http://127.0.0.1.evil.example", false},
                                         {"http://127.evil.example", false},
                                         {"https://evil.example", false},
                                         {"null", false},
                                         {"file://", false},
                                         {"localhost", false}}) {
    EXPECT_EQ(OriginAllowed(c.origin, {}), c.allowed) << c.origin;
  }
  EXPECT_TRUE(OriginAllowed("https://app.example", {"https://app.example"}));
  EXPECT_FALSE(OriginAllowed("https://app.example.evil", {"https://app.example"}));
}

TEST(RequestGuardTest, LoopbackBindAddress) {
  EXPECT_TRUE(IsLoopbackBindAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackBindAddress("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackBindAddress("localhost"));
  EXPECT_TRUE(IsLoopbackBindAddress("::1"));
  EXPECT_FALSE(IsLoopbackBindAddress("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackBindAddress("::"));
  EXPECT_FALSE(IsLoopbackBindAddress("192.168.1.2"));
  EXPECT_FALSE(IsLoopbackBindAddress("127.evil.example"));
}

}  // namespace
}  // namespace memex::http
