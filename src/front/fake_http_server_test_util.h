// A loopback HTTP server for the front's tests: answers each request with what a handler
// returns (a whole raw HTTP answer) and records the requests. Test-only (no _test.cc of its own).
//
// Thread-safety: requests() may be called while the server thread runs.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace memex::front::testing {

struct RecordedRequest {
  std::string request_line;  // "POST /hook?... HTTP/1.1"
  std::string headers;       // raw header block
  std::string body;
};

class FakeHttpServer {
 public:
  using Handler = std::function<std::string(const RecordedRequest&)>;

  explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 64);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::jthread([this](std::stop_token stop) { Serve(stop); });
  }
  ~FakeHttpServer() {
    thread_.request_stop();
    thread_.join();
    close(fd_);
  }
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  static std::string Answer(int status, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

 private:
  void Serve(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string data;
      char buf[65536];
      RecordedRequest req;
      size_t need = std::string::npos;
      for (;;) {
        ssize_t n = recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
        size_t end = data.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        if (need == std::string::npos) {
          std::string head = data.substr(0, end);
          size_t eol = head.find("\r\n");
          req.request_line = head.substr(0, eol);
          req.headers = head.substr(eol + 2);
          size_t cl = head.find("Content-Length: ");
          size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
          need = end + 4 + length;
        }
        if (data.size() >= need) break;
      }
      req.body = data.size() > need || need == std::string::npos
                     ? ""
                     : data.substr(data.find("\r\n\r\n") + 4);
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(req);
      }
      std::string answer = handler_(req);
      if (!answer.empty()) send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      close(c);
    }
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;  // GUARDED_BY(mu_)
  std::jthread thread_;
};

}  // namespace memex::front::testing
