#include "front/http_post.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <optional>

namespace memex::front {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr size_t kMaxResponseBytes = 16 << 20;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

int RemainingMs(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on `fd` until the deadline. False on timeout or poll failure.
bool WaitFor(int fd, short events, SteadyClock::time_point deadline) {
  for (;;) {
    int left = RemainingMs(deadline);
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, left);
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return false;
  }
}

Status ConnectOne(int fd, const sockaddr* addr, socklen_t len, SteadyClock::time_point deadline) {
  if (connect(fd, addr, len) == 0) return Status::Ok();
  if (errno != EINPROGRESS && errno != EINTR) return Unavailable(std::strerror(errno));
  if (!WaitFor(fd, POLLOUT, deadline)) return Unavailable("connect timed out");
  int err = 0;
  socklen_t elen = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
    return Unavailable(std::strerror(errno));
  if (err != 0) return Unavailable(std::strerror(err));
  return Status::Ok();
}

// A connected non-blocking socket to host:port, or the last error.
Result<int> Connect(const HttpUrl& url, SteadyClock::time_point deadline) {
  std::string where = url.host_header;
  auto try_addr = [&](int family, const sockaddr* addr, socklen_t len) -> Result<int> {
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Unavailable(std::string("socket: ") + std::strerror(errno));
    Status st = ConnectOne(fd, addr, len, deadline);
    if (!st.ok()) {
      close(fd);
      return st;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
  };
  // Numeric addresses (the usual loopback case) skip the resolver entirely.
  sockaddr_in v4{};
  if (inet_pton(AF_INET, url.host.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<uint16_t>(url.port));
    auto r = try_addr(AF_INET, reinterpret_cast<sockaddr*>(&v4), sizeof(v4));
    if (!r.ok()) return Unavailable("cannot connect to " + where + ": " + r.status().message());
    return r;
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, url.host.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(static_cast<uint16_t>(url.port));
    auto r = try_addr(AF_INET6, reinterpret_cast<sockaddr*>(&v6), sizeof(v6));
    if (!r.ok()) return Unavailable("cannot connect to " + where + ": " + r.status().message());
    return r;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(url.port);
  int rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return Unavailable("cannot resolve " + url.host + ": " + gai_strerror(rc));
  Status last = Unavailable("no address");
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    auto r = try_addr(a->ai_family, a->ai_addr, a->ai_addrlen);
    if (r.ok()) {
      freeaddrinfo(res);
      return r;
    }
    last = r.status();
    if (RemainingMs(deadline) <= 0) break;
  }
  freeaddrinfo(res);
  return Unavailable("cannot connect to " + where + ": " + last.message());
}

Status SendAll(int fd, std::string_view data, SteadyClock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd, POLLOUT, deadline)) return Unavailable("timed out sending the request");
      continue;
    }
    return Unavailable(std::string("send: ") + std::strerror(errno));
  }
  return Status::Ok();
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

struct Head {
  int status = 0;
  size_t body_start = 0;
  bool chunked = false;
  bool has_length = false;
  size_t content_length = 0;
};

// Parses the status line and headers once "\r\n\r\n" has arrived. Errors: kUnavailable.
Result<Head> ParseHead(std::string_view data, size_t end) {
  Head h;
  h.body_start = end + 4;
  std::string_view head = data.substr(0, end);
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    return Unavailable("not an HTTP/1.x answer");
  }
  auto [p, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, h.status);
  if (ec != std::errc() || h.status < 100 || h.status > 599) {
    return Unavailable("malformed HTTP status line");
  }
  size_t pos = eol == std::string_view::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    std::string_view line =
        head.substr(pos, next == std::string_view::npos ? head.npos : next - pos);
    pos = next == std::string_view::npos ? head.size() : next + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = TrimSpaces(line.substr(0, colon));
    std::string_view value = TrimSpaces(line.substr(colon + 1));
    if (EqualsNoCase(name, "content-length")) {
      size_t n = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), n);
      if (r.ec != std::errc()) return Unavailable("malformed Content-Length");
      h.has_length = true;
      h.content_length = n;
    } else if (EqualsNoCase(name, "transfer-encoding")) {
      std::string v(value);
      for (char& c : v) c = Lower(c);
      if (v.find("chunked") != std::string::npos) h.chunked = true;
    }
  }
  return h;
}

// Decodes a complete chunked body; nullopt-like false when more data is needed.
// Returns 1 when complete, 0 when more bytes are needed, -1 when malformed.
int Dechunk(std::string_view data, std::string& out) {
  out.clear();
  size_t pos = 0;
  for (;;) {
    size_t eol = data.find("\r\n", pos);
    if (eol == std::string_view::npos) return 0;
    std::string_view size_text = data.substr(pos, eol - pos);
    size_t semi = size_text.find(';');
    if (semi != std::string_view::npos) size_text = size_text.substr(0, semi);
    size_text = TrimSpaces(size_text);
    size_t size = 0;
    auto r = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (r.ec != std::errc() || size_text.empty()) return -1;
    pos = eol + 2;
    if (size == 0) return 1;  // trailers are ignored
    if (data.size() < pos + size + 2) return 0;
    out.append(data.substr(pos, size));
    pos += size + 2;
  }
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || !EqualsNoCase(url.substr(0, kScheme.size()), kScheme)) {
    if (url.find("://") != std::string_view::npos) {
      return Status(StatusCode::kUnimplemented,
                    "only http:// servers are handled by the front: '" + std::string(url) + "'");
    }
    return InvalidArgument("server URL '" + std::string(url) + "' must start with http://");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (size_t q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("server URL '" + std::string(url) + "' may not carry credentials");
  }
  HttpUrl out;
  std::string_view port_text;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("malformed IPv6 address in URL");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return InvalidArgument("malformed server URL '" + std::string(url) + "'");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return InvalidArgument("server URL '" + std::string(url) + "' has no host");
  if (!port_text.empty()) {
    int port = 0;
    auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return InvalidArgument("server URL '" + std::string(url) + "' has an invalid port");
    }
    out.port = port;
  }
  out.base_path = std::string(path);
  bool v6 = out.host.find(':') != std::string::npos;
  out.host_header = (v6 ? "[" + out.host + "]" : out.host) + ":" + std::to_string(out.port);
  return out;
}

Result<HttpResponse> HttpExchange(const HttpUrl& url, const HttpRequest& request, int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(std::max(timeout_ms, 1));
  ASSIGN_OR_RETURN(int raw_fd, Connect(url, deadline));
  Socket sock(raw_fd);

  std::string msg;
  msg.reserve(256 + request.body.size());
  msg += request.method;
  msg += ' ';
  msg += request.target.empty() ? "/" : request.target;
  msg += " HTTP/1.1\r\nHost: ";
  msg += url.host_header;
  msg += "\r\nConnection: close\r\n";
  for (const auto& [name, value] : request.headers) {
    msg += name;
    msg += ": ";
    msg += value;
    msg += "\r\n";
  }
  msg += "Content-Length: ";
  msg += std::to_string(request.body.size());
  msg += "\r\n\r\n";
  // Headers and body in one segment when small: a single send keeps it to one packet.
  if (request.body.size() < 64 * 1024) {
    msg += request.body;
    RETURN_IF_ERROR(SendAll(sock.get(), msg, deadline));
  } else {
    RETURN_IF_ERROR(SendAll(sock.get(), msg, deadline));
    RETURN_IF_ERROR(SendAll(sock.get(), request.body, deadline));
  }

  std::string data;
  std::optional<Head> head;
  char buf[16384];
  for (;;) {
    if (head) {
      std::string_view body(data);
      body.remove_prefix(head->body_start);
      if (head->chunked) {
        std::string out;
        int rc = Dechunk(body, out);
        if (rc < 0) return Unavailable("malformed chunked answer");
        if (rc > 0) return HttpResponse{head->status, std::move(out)};
      } else if (head->has_length && body.size() >= head->content_length) {
        return HttpResponse{head->status, std::string(body.substr(0, head->content_length))};
      } else if (head->status == 204 || head->status == 304 || head->status < 200) {
        return HttpResponse{head->status, ""};
      }
    }
    ssize_t n = recv(sock.get(), buf, sizeof(buf), 0);
    if (n > 0) {
      data.append(buf, static_cast<size_t>(n));
      if (data.size() > kMaxResponseBytes) return Unavailable("answer too large");
      if (!head) {
        size_t end = data.find("\r\n\r\n");
        if (end != std::string::npos) {
          ASSIGN_OR_RETURN(Head h, ParseHead(data, end));
          head = h;
        }
      }
      continue;
    }
    if (n == 0) {  // the server closed: a body without length ends here
      if (head && !head->chunked && !head->has_length) {
        return HttpResponse{head->status, data.substr(head->body_start)};
      }
      return Unavailable("connection closed before the answer was complete");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!WaitFor(sock.get(), POLLIN, deadline))
        return Unavailable("timed out waiting for the answer");
      continue;
    }
    return Unavailable(std::string("recv: ") + std::strerror(errno));
  }
}

}  // namespace memex::front
