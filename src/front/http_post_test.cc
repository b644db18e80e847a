#include "front/http_post.h"

#include <gtest/gtest.h>

#include <string>

#include "front/fake_http_server_test_util.h"

namespace memex::front {
namespace {

using testing::FakeHttpServer;
using testing::RecordedRequest;

TEST(ParseHttpUrl, Table) {
  struct Case {
    const char* url;
    bool ok;
    const char* host;
    int port;
    const char* base;
    const char* host_header;
  };
  const Case cases[] = {
      {"http://127.0.0.1:7700", true, "127.0.0.1", 7700, "", "127.0.0.1:7700"},
      {"http://127.0.0.1:7700/", true, "127.0.0.1", 7700, "", "127.0.0.1:7700"},
      {"HTTP://localhost", true, "localhost", 80, "", "localhost:80"},
      {"http://[::1]:9000/memex/", true, "::1", 9000, "/memex", "[::1]:9000"},
      {"http://h:1/a/b?x=1", true, "h", 1, "/a/b", "h:1"},
      {"http://:80", false, "", 0, "", ""},
      {"http://h:0", false, "", 0, "", ""},
      {"http://h:99999", false, "", 0, "", ""},
      {"http://h:12x", false, "", 0, "", ""},
      {"http://u:p@h:1", false, "", 0, "", ""},
      {"http://[::1", false, "", 0, "", ""},
      {"127.0.0.1:7700", false, "", 0, "", ""},
  };
  for (const Case& c : cases) {
    auto r = ParseHttpUrl(c.url);
    EXPECT_EQ(r.ok(), c.ok) << c.url;
    if (!r.ok() || !c.ok) continue;
    EXPECT_EQ(r->host, c.host) << c.url;
    EXPECT_EQ(r->port, c.port) << c.url;
    EXPECT_EQ(r->base_path, c.base) << c.url;
    EXPECT_EQ(r->host_header, c.host_header) << c.url;
  }
  EXPECT_EQ(ParseHttpUrl("https://h:1").status().code(), StatusCode::kUnimplemented);
}

HttpRequest Post(std::string body) {
  HttpRequest r;
  r.target = "/hook?event=stop";
  r.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer t0k"}};
  r.body = std::move(body);
  return r;
}

TEST(HttpExchange, SendsTheRequestAndReadsAContentLengthAnswer) {
  FakeHttpServer server(
      [](const RecordedRequest&) { return FakeHttpServer::Answer(202, R"({"status":"queued"})"); });
  auto url = ParseHttpUrl(server.url());
  ASSERT_TRUE(url.ok());
  auto r = HttpExchange(*url, Post(R"({"a":1})"), 5000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, R"({"status":"queued"})");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].request_line, "POST /hook?event=stop HTTP/1.1");
  EXPECT_NE(reqs[0].headers.find("Host: 127.0.0.1:" + std::to_string(server.port())),
            std::string::npos);
  EXPECT_NE(reqs[0].headers.find("Authorization: Bearer t0k"), std::string::npos);
  EXPECT_NE(reqs[0].headers.find("Content-Length: 7"), std::string::npos);
  EXPECT_EQ(reqs[0].body, R"({"a":1})");
}

TEST(HttpExchange, LargeBodiesArriveWhole) {
  FakeHttpServer server([](const RecordedRequest& req) {
    return FakeHttpServer::Answer(200, std::to_string(req.body.size()));
  });
  auto url = ParseHttpUrl(server.url());
  ASSERT_TRUE(url.ok());
  std::string big(300000, 'x');
  auto r = HttpExchange(*url, Post(big), 5000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "300000");
}

TEST(HttpExchange, ChunkedAndCloseDelimitedAnswers) {
  {
    FakeHttpServer server([](const RecordedRequest&) {
      return std::string(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n"
          "0\r\n\r\n");
    });
    auto r = HttpExchange(*ParseHttpUrl(server.url()), Post("{}"), 5000);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "hello world");
  }
  {
    FakeHttpServer server(
        [](const RecordedRequest&) { return std::string("HTTP/1.0 500 Oops\r\n\r\nbroken"); });
    auto r = HttpExchange(*ParseHttpUrl(server.url()), Post("{}"), 5000);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body, "broken");
  }
}

TEST(HttpExchange, FailuresAreUnavailable) {
  {  // garbage answer
    FakeHttpServer server([](const RecordedRequest&) { return std::string("SSH-2.0\r\n\r\n"); });
    auto r = HttpExchange(*ParseHttpUrl(server.url()), Post("{}"), 5000);
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  }
  {  // closed without answering
    FakeHttpServer server([](const RecordedRequest&) { return std::string(); });
    auto r = HttpExchange(*ParseHttpUrl(server.url()), Post("{}"), 5000);
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  }
  int port = 0;
  {  // nothing listening
    FakeHttpServer gone([](const RecordedRequest&) { return std::string(); });
    port = gone.port();
  }
  auto r =
      HttpExchange(*ParseHttpUrl("http://127.0.0.1:" + std::to_string(port)), Post("{}"), 5000);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST(HttpExchange, DeadlineCoversASilentServer) {
  // A listener that accepts (the kernel does) but never answers: the deadline ends the wait.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto url = ParseHttpUrl("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  auto r = HttpExchange(*url, Post("{}"), 100);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  close(fd);
}

}  // namespace
}  // namespace memex::front
