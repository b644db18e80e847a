// `memex serve`'s HTTP server (cpp-httplib behind this folder): the routes of routes.cc on a
// bound socket, served by a pool of `threads` workers from a listener thread this object owns.
//
// Lifecycle: Start binds (so a taken port is an error before anything is served) and starts
// serving; Stop ends every MCP session and its stream, stops accepting, lets in-flight requests
// finish and joins the listener. The destructor calls Stop.
//
// Thread-safety: port() and Stop() may be called from any thread; Stop is idempotent.
#pragma once

#include <memory>
#include <string>

#include "audit/audit_log.h"
#include "base/status.h"
#include "config/config.h"
#include "http/metrics.h"
#include "http/rest_api.h"
#include "mcp/server.h"

namespace memex::http {

// Optional parts of the route table.
class V1Api;
class MemoryRoutes;
class CaptureRoutes;
class Authenticator;

struct ServeExtras {
  Metrics* metrics = nullptr;  // borrowed, must outlive the server; null: no /metrics
  std::string openapi_json;    // served at GET /api/openapi.json; "": 404
  const V1Api* v1 = nullptr;   // borrowed; the memoryOSS API at /v1/*; null: not served
  // borrowed; the native memory API at /api/memories/*; null: not served
  const MemoryRoutes* memory = nullptr;
  // borrowed; hook ingress and the capture records (capture_routes.h); null: not served
  const CaptureRoutes* capture = nullptr;
  // borrowed; who may call (authenticator.h). Null or open (auth mode none): every caller is the
  // local admin, and only a loopback address may be bound.
  const Authenticator* auth = nullptr;
  // borrowed; the audit log for the memory APIs' routes; null: not audited
  audit::AuditLog* audit = nullptr;
};

class HttpServer {
 public:
  // Borrows `mcp_server` and `rest`, which must outlive the server. Errors: kInvalidArgument
  // when config.host is not a loopback address and there is no authentication (extras.auth null
  // or mode none), or a limit is out of range; kUnavailable when the address cannot be bound (e.g.
  // the port is taken).
  static Result<std::unique_ptr<HttpServer>> Start(const ServerConfig& config,
                                                   const mcp::Server& mcp_server,
                                                   const RestApi& rest, ServeExtras extras = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the chosen one when config.port was 0).
  int port() const;
  // False once the listener has ended (after Stop, or if serving failed).
  bool running() const;
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace memex::http
