// SlowRequestGuard: a deadline for each request to arrive whole (no slowloris).
//
// cpp-httplib bounds each read of a request (server.read_timeout_ms), not the request: a client
// that sends one header byte every few hundred milliseconds keeps its connection, and the worker
// thread serving it, forever — and that happens before authentication. The Debian build of
// httplib offers no per-request deadline and no hook on accepted connections, so this guard
// works beside it: a thread looks at the process's sockets connected to the server's port a few
// times a second and shuts down (shutdown(2), so httplib's read fails and it closes and frees
// the worker) each connection that has been receiving one request — its headers, then its body —
// for longer than the deadline. A connection is exempt while a handler runs (streams included)
// and its clock restarts when a response has been sent.
//
// The server tells the guard where each connection is, keyed by the peer's address and port:
// HeadersRead (pre-routing), HandlerStarted (route adapters), ResponseSent (after the reply).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace memex::http {

class SlowRequestGuard {
 public:
  // Watches the sockets connected to local `port`; `deadline` is per request.
  SlowRequestGuard(int port, std::chrono::milliseconds deadline);
  ~SlowRequestGuard();
  SlowRequestGuard(const SlowRequestGuard&) = delete;
  SlowRequestGuard& operator=(const SlowRequestGuard&) = delete;

  void HeadersRead(const std::string& peer_addr, int peer_port);
  void HandlerStarted(const std::string& peer_addr, int peer_port);
  void ResponseSent(const std::string& peer_addr, int peer_port);

  // Connections shut down so far.
  int64_t closed() const;

 private:
  enum class Phase { kReceiving, kHandling };
  struct Conn {
    int fd = -1;
    Phase phase = Phase::kReceiving;
    std::chrono::steady_clock::time_point since;
    bool seen = false;  // in the latest scan
  };
  void Mark(const std::string& addr, int port, Phase phase);
  void Scan();

  const int port_;
  const std::chrono::milliseconds deadline_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                        // guarded by mu_
  std::unordered_map<std::string, Conn> conns_;  // guarded by mu_; key "addr|port"
  int64_t closed_ = 0;                           // guarded by mu_
  std::thread thread_;                           // last: started once the rest is ready
};

}  // namespace memex::http
