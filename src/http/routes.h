// The route table (routes.cc): every HTTP route memex serves, installed on an httplib server,
// plus the guards that run before routing (Host/Origin) and the error and exception handlers
// that give every failure pagefault's JSON envelope. Internal to src/http/.
//
// Thread-safety: the installed handlers may run concurrently; RouteDeps must outlive the server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "http/authenticator.h"
#include "http/capture_routes.h"
#include "http/mcp_http.h"
#include "http/memory_routes.h"
#include "http/metrics.h"
#include "http/rest_api.h"
#include "http/session_hub.h"
#include "http/slow_request_guard.h"
#include "http/v1_api.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace memex::http {

struct RouteDeps {
  const McpHttp& mcp;
  const RestApi& rest;
  SessionHub& hub;
  std::chrono::milliseconds keepalive;
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
  Metrics* metrics = nullptr;  // null: /metrics answers 404 and requests are not counted
  std::string openapi_json;    // "": /api/openapi.json answers 404
  const V1Api* v1 = nullptr;   // null: the /v1/* memoryOSS routes are not installed
  // null: the native /api/memories/* routes (the thin client's) are not installed
  const MemoryRoutes* memory = nullptr;
  // null: no capture routes (/hook, /hook/batch, /api/sessions, /api/lessons, /api/handoffs)
  const CaptureRoutes* capture = nullptr;
  // null: every caller is the local admin (auth mode none, tests); else asked before any route
  // except /health.
  const Authenticator* auth = nullptr;
  // null: no audit of the memory APIs' routes (tool calls are audited by the registry)
  audit::AuditLog* audit = nullptr;
  // null: no per-request deadline; set by HttpServer once the port is bound
  SlowRequestGuard* guard = nullptr;
};

void InstallRoutes(httplib::Server& server, const RouteDeps& deps);

}  // namespace memex::http
