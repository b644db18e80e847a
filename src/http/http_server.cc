#include "http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include "base/log.h"
#include "http/mcp_http.h"
#include "http/request_guard.h"
#include "http/routes.h"
#include "http/session_hub.h"
#include "http/slow_request_guard.h"

namespace memex::http {
namespace {

constexpr size_t kKeepAliveMaxRequests = 100000;
constexpr int kListenBacklog = 1024;
constexpr size_t kMaxSessions = 4096;

}  // namespace

struct HttpServer::Impl {
  Impl(const ServerConfig& config, const mcp::Server& mcp_server, const RestApi& rest,
       ServeExtras extras)
      : hub(kMaxSessions, std::chrono::milliseconds(config.session_idle_ms)),
        mcp(mcp_server, hub),
        deps{.mcp = mcp,
             .rest = rest,
             .hub = hub,
             .keepalive = std::chrono::milliseconds(config.sse_keepalive_ms),
             .allowed_hosts = config.allowed_hosts,
             .allowed_origins = config.allowed_origins,
             .metrics = extras.metrics,
             .openapi_json = std::move(extras.openapi_json),
             .v1 = extras.v1,
             .memory = extras.memory,
             .capture = extras.capture,
             .auth = extras.auth,
             .audit = extras.audit} {}

  SessionHub hub;
  McpHttp mcp;
  RouteDeps deps;
  httplib::Server server;
  int port = 0;
  std::unique_ptr<SlowRequestGuard> guard;  // once the port is known
  std::atomic<bool> running{false};
  std::once_flag stopped;
  std::jthread listener;  // last: joined first on destruction
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerConfig& config,
                                                      const mcp::Server& mcp_server,
                                                      const RestApi& rest, ServeExtras extras) {
  if (!IsLoopbackBindAddress(config.host) && (extras.auth == nullptr || extras.auth->open())) {
    return InvalidArgument("server.host '" + config.host +
                           "' is not a loopback address: with auth.mode \"none\" anyone who can "
                           "reach it would be admin; set auth.mode to \"bearer\" or "
                           "\"trusted_header\" (docs/auth.md), or bind 127.0.0.1");
  }
  if (config.threads < 1 || config.max_body_bytes < 1 || config.read_timeout_ms < 1 ||
      config.sse_keepalive_ms < 1 || config.port < 0 || config.port > 65535) {
    return InvalidArgument(
        "server: threads, max_body_bytes, read_timeout_ms, sse_keepalive_ms "
        "must be >= 1 and port within 0..65535");
  }
  auto impl = std::make_unique<Impl>(config, mcp_server, rest, std::move(extras));
  httplib::Server& svr = impl->server;
  size_t threads = static_cast<size_t>(config.threads);
  // httplib takes ownership of the queue it is handed (its API needs a raw pointer).
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second `memex
  // serve` share the port silently instead of failing to bind.
  // The callback also sees the listening socket's descriptor, kept to raise its backlog below.
  auto listen_fd = std::make_shared<std::atomic<int>>(-1);
  svr.set_socket_options([listen_fd](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd->store(sock);
  });
  // httplib closes a keep-alive connection after 5 requests by default, and its listen backlog
  // is 5: under 32 clients the reconnects overflowed the backlog, and each dropped SYN cost the
  // client a 1 s retransmit (measured as the p99 and as read errors). Connections now stay open
  // until idle for the keep-alive timeout.
  svr.set_keep_alive_max_count(kKeepAliveMaxRequests);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle plus the client's
  // delayed ACK adds ~40 ms to every small response (measured).
  svr.set_tcp_nodelay(true);
  svr.set_payload_max_length(static_cast<size_t>(config.max_body_bytes));
  svr.set_read_timeout(config.read_timeout_ms / 1000, (config.read_timeout_ms % 1000) * 1000);
  // A connection waiting for its (next) request holds a worker too: httplib keeps it for its
  // keep-alive timeout (5 s), even when read_timeout_ms is shorter. Whole seconds, 1..5.
  svr.set_keep_alive_timeout(std::clamp<time_t>(config.read_timeout_ms / 1000, 1, 5));
  InstallRoutes(svr, impl->deps);

  // "localhost" resolves to both families; bind the IPv4 loopback, which every client tries.
  std::string host = config.host == "localhost" ? "127.0.0.1" : config.host;
  if (host.starts_with("[") && host.ends_with("]")) host = host.substr(1, host.size() - 2);
  if (config.port == 0) {
    impl->port = svr.bind_to_any_port(host);
    if (impl->port < 0) return Unavailable("cannot bind " + host + " on any port");
  } else if (svr.bind_to_port(host, config.port)) {
    impl->port = config.port;
  } else {
    return Unavailable("cannot bind " + host + ":" + std::to_string(config.port) +
                       " (in use, or not a local address)");
  }
  // listen() again on a listening socket only changes its backlog (Linux and the BSDs).
  if (int fd = listen_fd->load(); fd >= 0 && ::listen(fd, kListenBacklog) != 0) {
    LogWarn("http: cannot raise the listen backlog; bursts of new connections may be delayed");
  }
  impl->guard = std::make_unique<SlowRequestGuard>(
      impl->port, std::chrono::milliseconds(config.read_timeout_ms));
  impl->deps.guard = impl->guard.get();
  impl->running = true;
  Impl* raw = impl.get();
  impl->listener = std::jthread([raw] {
    if (!raw->server.listen_after_bind()) LogError("http: the listener failed");
    raw->running = false;
  });
  // httplib's stop() is a no-op until the accept loop runs, so Stop() right after Start() would
  // hang in join: wait (bounded) for the loop to start.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!svr.is_running() && impl->running && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!svr.is_running()) {
    svr.stop();
    impl->listener.request_stop();
    return Unavailable("the HTTP listener did not start");
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

bool HttpServer::running() const { return impl_->running; }

void HttpServer::Stop() {
  std::call_once(impl_->stopped, [this] {
    // Streams first: each open stream holds a worker that httplib's pool waits for.
    impl_->hub.CloseAll();
    impl_->server.stop();
    if (impl_->listener.joinable()) impl_->listener.join();
    impl_->running = false;
  });
}

}  // namespace memex::http
