#include "http/slow_request_guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "base/log.h"

namespace memex::http {
namespace {

constexpr std::chrono::milliseconds kScanEvery{200};

std::string Key(const std::string& addr, int port) { return addr + "|" + std::to_string(port); }

// The local and peer endpoints of a connected TCP socket; false for anything else.
bool Endpoints(int fd, int* local_port, std::string* peer_addr, int* peer_port) {
  sockaddr_storage local{}, peer{};
  socklen_t llen = sizeof local, plen = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) return false;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) return false;
  char text[INET6_ADDRSTRLEN] = {};
  if (local.ss_family == AF_INET && peer.ss_family == AF_INET) {
    *local_port = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    const auto* p = reinterpret_cast<sockaddr_in*>(&peer);
    inet_ntop(AF_INET, &p->sin_addr, text, sizeof text);
    *peer_port = ntohs(p->sin_port);
  } else if (local.ss_family == AF_INET6 && peer.ss_family == AF_INET6) {
    *local_port = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    const auto* p = reinterpret_cast<sockaddr_in6*>(&peer);
    inet_ntop(AF_INET6, &p->sin6_addr, text, sizeof text);
    *peer_port = ntohs(p->sin6_port);
  } else {
    return false;
  }
  *peer_addr = text;
  return true;
}

// The descriptors of this process that are sockets.
std::vector<int> SocketFds() {
  std::vector<int> out;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  const int own = dirfd(dir);
  while (const dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    char target[64] = {};
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n > 7 && std::string_view(target, 7) == "socket:") out.push_back(static_cast<int>(fd));
  }
  closedir(dir);
  return out;
}

}  // namespace

SlowRequestGuard::SlowRequestGuard(int port, std::chrono::milliseconds deadline)
    : port_(port), deadline_(deadline) {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_cv_.wait_for(lock, kScanEvery, [this] { return stopping_; })) {
      lock.unlock();
      Scan();
      lock.lock();
    }
  });
}

SlowRequestGuard::~SlowRequestGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SlowRequestGuard::Mark(const std::string& addr, int port, Phase phase) {
  std::lock_guard<std::mutex> lock(mu_);
  Conn& c = conns_[Key(addr, port)];
  c.phase = phase;
  c.since = std::chrono::steady_clock::now();
}

void SlowRequestGuard::HeadersRead(const std::string& addr, int port) {
  Mark(addr, port, Phase::kReceiving);  // now the body: a fresh deadline
}
void SlowRequestGuard::HandlerStarted(const std::string& addr, int port) {
  Mark(addr, port, Phase::kHandling);
}
void SlowRequestGuard::ResponseSent(const std::string& addr, int port) {
  Mark(addr, port, Phase::kReceiving);  // the next request's clock
}

int64_t SlowRequestGuard::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void SlowRequestGuard::Scan() {
  struct Found {
    int fd;
    std::string key;
  };
  std::vector<Found> found;
  for (int fd : SocketFds()) {
    int local_port = 0, peer_port = 0;
    std::string peer;
    if (Endpoints(fd, &local_port, &peer, &peer_port) && local_port == port_) {
      found.push_back({fd, Key(peer, peer_port)});
    }
  }
  const auto now = std::chrono::steady_clock::now();
  std::vector<int> overdue;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, c] : conns_) c.seen = false;
    for (const Found& f : found) {
      auto [it, fresh] = conns_.try_emplace(f.key);
      Conn& c = it->second;
      if (fresh || c.fd != f.fd) {  // a connection first seen now (or a reused key)
        if (fresh) c.since = now;
        c.fd = f.fd;
      }
      c.seen = true;
      if (c.phase == Phase::kReceiving && now - c.since > deadline_) {
        overdue.push_back(c.fd);
        c.since = now;  // once; httplib closes it
        ++closed_;
      }
    }
    // Gone: a connection a scan saw before and not now. A mark for a connection no scan has seen
    // yet (accepted after this scan listed the sockets) is kept, with its phase.
    std::erase_if(conns_, [&](const auto& kv) {
      const Conn& c = kv.second;
      return !c.seen && (c.fd != -1 || now - c.since > std::chrono::minutes(1));
    });
  }
  for (int fd : overdue) {
    LogInfo("http: closing a connection whose request took longer than " +
            std::to_string(deadline_.count()) + " ms to arrive");
    shutdown(fd, SHUT_RDWR);
  }
}

}  // namespace memex::http
