#include "http/slow_request_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

namespace memex::http {
namespace {

// A listening socket on 127.0.0.1 and one accepted connection; both closed on destruction.
struct Loopback {
  Loopback() {
    listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(listener, 4), 0);
    socklen_t len = sizeof a;
    getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    client = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    sockaddr_in local{};
    len = sizeof local;
    getsockname(client, reinterpret_cast<sockaddr*>(&local), &len);
    client_port = ntohs(local.sin_port);
    accepted = accept(listener, nullptr, nullptr);
  }
  ~Loopback() {
    close(client);
    close(accepted);
    close(listener);
  }
  // True when the server side of the connection was shut down (the client reads EOF).
  bool ClosedByServer() {
    timeval tv{.tv_sec = 0, .tv_usec = 100000};
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    return recv(client, &c, 1, 0) == 0;
  }
  int listener = -1, client = -1, accepted = -1;
  int port = 0, client_port = 0;
};

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 40; ++i) {  // at most 2 s
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(SlowRequestGuardTest, ClosesARequestThatTakesTooLongToArrive) {
  Loopback conn;
  SlowRequestGuard guard(conn.port, std::chrono::milliseconds(300));
  EXPECT_TRUE(WaitFor([&] { return guard.closed() == 1; }));
  EXPECT_TRUE(conn.ClosedByServer());
}

TEST(SlowRequestGuardTest, LeavesAConnectionAloneWhileItsHandlerRuns) {
  Loopback conn;
  SlowRequestGuard guard(conn.port, std::chrono::milliseconds(300));
  guard.HandlerStarted("127.0.0.1", conn.client_port);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(guard.closed(), 0);
  EXPECT_FALSE(conn.ClosedByServer());
  guard.ResponseSent("127.0.0.1", conn.client_port);  // the next request's clock starts
  EXPECT_TRUE(WaitFor([&] { return guard.closed() == 1; }));
}

}  // namespace
}  // namespace memex::http
