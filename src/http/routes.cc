// Why one table: "which URL does what" has one answer, and every handler goes through the same
// adapter, which is the catch-all that keeps exceptions out of httplib's worker threads.
#include "http/routes.h"

#include <httplib.h>

#include <chrono>
#include <exception>
#include <memory>
#include <string_view>
#include <utility>
#include <variant>

#include "base/log.h"
#include "http/httplib_adapter.h"
#include "http/request_guard.h"
#include "http/v1_api.h"

namespace memex::http {
namespace {

using Handler = void (*)(const RouteDeps&, const httplib::Request&, httplib::Response&);

// Streams `session`'s outbox as SSE until the session closes or the client goes away. Runs on the
// connection's worker thread; each call blocks at most `keepalive` and then sends a comment, so a
// dead client is noticed at the next write. `end_session`: the stream's end ends the session
// (legacy SSE).
void Stream(const RouteDeps& deps, std::shared_ptr<HubSession> session, bool end_session,
            httplib::Response& res) {
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  if (!end_session) res.set_header(std::string(kSessionHeader), session->id());
  std::chrono::milliseconds keepalive = deps.keepalive;
  res.set_chunked_content_provider(
      "text/event-stream",
      [session, keepalive](size_t /*offset*/, httplib::DataSink& sink) {
        std::vector<std::string> events;
        HubSession::WaitResult r = session->Next(keepalive, events);
        if (r == HubSession::WaitResult::kClosed) {
          sink.done();
          return true;
        }
        if (r == HubSession::WaitResult::kTimeout) events.emplace_back(": ping\n\n");
        for (const std::string& e : events) {
          if (!sink.write(e.data(), e.size())) return false;
        }
        return true;
      },
      [session, &hub = deps.hub, end_session](bool /*success*/) {
        session->DetachStream();
        if (end_session) hub.Remove(session->id());
      });
}

void Health(const RouteDeps& d, const httplib::Request&, httplib::Response& res) {
  Write(d.rest.Health(), res);
}
void RestTool(const RouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  Write(d.rest.CallTool(req.matches[1].str(), ToRequest(req)), res);
}
// A POST answered as an SSE stream: the call runs inside the content provider, on this
// connection's worker thread, after the headers are out, so each event reaches the client while
// the tool is still running (and the client can answer the server's requests meanwhile).
void StreamCall(SseReply call, httplib::Response& res) {
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  auto shared = std::make_shared<SseReply>(std::move(call));
  res.set_chunked_content_provider(
      "text/event-stream", [shared](size_t /*offset*/, httplib::DataSink& sink) {
        try {
          shared->run(
              [&sink](std::string_view event) { return sink.write(event.data(), event.size()); });
        } catch (const std::exception& e) {  // the provider runs outside Wrap's catch-all
          LogError(std::string("http: POST /mcp stream: ") + e.what());
        }
        sink.done();
        return true;
      });
}

void McpPost(const RouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  PostReply reply = d.mcp.Post(ToRequest(req));
  if (auto* plain = std::get_if<Reply>(&reply)) return Write(*plain, res);
  StreamCall(std::move(std::get<SseReply>(reply)), res);
}
void McpDelete(const RouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  Write(d.mcp.Delete(ToRequest(req)), res);
}
void McpGet(const RouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  auto opened = d.mcp.OpenStream(ToRequest(req));
  if (auto* error = std::get_if<Reply>(&opened)) return Write(*error, res);
  Stream(d, std::get<std::shared_ptr<HubSession>>(opened), false, res);
}
void SseOpen(const RouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  auto opened = d.mcp.OpenLegacy(ToRequest(req));
  if (auto* error = std::get_if<Reply>(&opened)) return Write(*error, res);
  Stream(d, std::get<std::shared_ptr<HubSession>>(opened), true, res);
}
void SsePost(const RouteDeps& d, const httplib::Request& req, httplib::Response& res) {
  Write(d.mcp.PostLegacy(ToRequest(req)), res);
}
void MetricsText(const RouteDeps& d, const httplib::Request&, httplib::Response& res) {
  if (d.metrics == nullptr) return Write(ErrorReply(404, "resource_not_found", "no metrics"), res);
  res.set_content(d.metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
}
void OpenApi(const RouteDeps& d, const httplib::Request&, httplib::Response& res) {
  if (d.openapi_json.empty()) {
    return Write(ErrorReply(404, "resource_not_found", "no OpenAPI document"), res);
  }
  res.set_content(d.openapi_json, "application/json");
}

// A method the path does not serve: 405 with the methods it does.
template <const char* kAllow>
void NotAllowed(const RouteDeps&, const httplib::Request& req, httplib::Response& res) {
  Reply r = ErrorReply(405, "invalid_request", req.method + " is not allowed here");
  r.headers.emplace_back("Allow", kAllow);
  Write(r, res);
}
constexpr char kMcpMethods[] = "GET, POST, DELETE";
constexpr char kPostOnly[] = "POST";

struct Route {
  std::string_view method;
  const char* pattern;
  Handler handler;
};

// clang-format off
constexpr Route kRoutes[] = {
    {"GET",    "/health",           Health},       // liveness + store probe
    {"GET",    "/metrics",          MetricsText},  // Prometheus text 0.0.4 (metrics.h)
    {"GET",    "/api/openapi.json", OpenApi},      // OpenAPI 3.1 from the tools (openapi.h)
    {"POST",   R"(/api/(pf_[^/]+))", RestTool},    // POST /api/pf_<tool>: the tools over REST
    {"POST",   "/mcp",              McpPost},      // streamable HTTP: one JSON-RPC message
    {"GET",    "/mcp",              McpGet},       // streamable HTTP: server-to-client SSE stream
    {"DELETE", "/mcp",              McpDelete},    // streamable HTTP: end the session
    {"GET",    "/sse",              SseOpen},      // legacy SSE (2024-11-05): open a session
    {"POST",   "/message",          SsePost},      // legacy SSE: one message, answer on the stream
    {"PUT",    "/mcp",              NotAllowed<kMcpMethods>},
    {"PATCH",  "/mcp",              NotAllowed<kMcpMethods>},
    {"GET",    "/message",          NotAllowed<kPostOnly>},
    {"GET",    R"(/api/(pf_[^/]+))", NotAllowed<kPostOnly>},
};
// clang-format on

// The metrics label of a route: its method and pattern, the REST capture shown as {tool}, so the
// label set is bounded by the table, never by what clients send.
std::string RouteLabel(const Route& r) {
  std::string pattern = r.pattern;
  if (size_t at = pattern.find("(pf_[^/]+)"); at != std::string::npos) {
    pattern.replace(at, 10, "pf_{tool}");
  }
  return std::string(r.method) + " " + pattern;
}

// The one catch-all: nothing a handler throws reaches httplib. Also times the handler for
// /metrics (a stream's time is until its first byte is scheduled, not its whole life).
httplib::Server::Handler Wrap(const RouteDeps& deps, const Route& route) {
  return [&deps, handler = route.handler, label = RouteLabel(route)](const httplib::Request& req,
                                                                     httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    if (deps.guard != nullptr) deps.guard->HandlerStarted(req.remote_addr, req.remote_port);
    try {
      handler(deps, req, res);
    } catch (const std::exception& e) {
      LogError(std::string("http: ") + req.method + " " + req.path + ": " + e.what());
      Write(ErrorReply(500, "internal_error", "internal error"), res);
    } catch (...) {
      Write(ErrorReply(500, "internal_error", "internal error"), res);
    }
    if (deps.metrics != nullptr) {
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      deps.metrics->ObserveRequest(label, res.status == -1 ? 200 : res.status, took.count());
    }
  };
}

// One audit line for a memory-API request: its JSON body and query parameters as the arguments,
// the error when the status says one.
audit::AuditEntry RouteAuditEntry(const std::string& label, const httplib::Request& req,
                                  const httplib::Response& res, double seconds) {
  const auto now = std::chrono::system_clock::now();
  audit::AuditEntry e{
      .time_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() -
          static_cast<int64_t>(seconds * 1000),
      .principal = ToRequest(req).principal.name,
      .interface = "rest",
      .route = label,
      .duration_ms = seconds * 1000,
      .result_bytes = res.body.size()};
  audit::Json args = audit::Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (args.is_discarded() || !args.is_object()) args = audit::Json::object();
  for (const auto& [name, value] : req.params) args["?" + name] = value;
  e.args = std::move(args);
  if (res.status >= 400) {
    audit::Json body = audit::Json::parse(res.body, nullptr, false);
    std::string message = res.body.substr(0, 300);
    if (body.is_object() && body.contains("error")) {
      const audit::Json& err = body["error"];
      message = err.is_string()   ? err.get<std::string>()
                : err.is_object() ? err.value("message", message)
                                  : message;
    }
    e.error = audit::AuditError{"http_" + std::to_string(res.status), message};
  }
  return e;
}

}  // namespace

void InstallRoutes(httplib::Server& server, const RouteDeps& deps) {
  for (const Route& r : kRoutes) {
    if (r.method == "GET") server.Get(r.pattern, Wrap(deps, r));
    if (r.method == "POST") server.Post(r.pattern, Wrap(deps, r));
    if (r.method == "DELETE") server.Delete(r.pattern, Wrap(deps, r));
    if (r.method == "PUT") server.Put(r.pattern, Wrap(deps, r));
    if (r.method == "PATCH") server.Patch(r.pattern, Wrap(deps, r));
  }
  // The memory APIs call the service directly, not a tool: counted and audited per route here
  // (tool calls are audited by the tool registry).
  RouteObserver observe = [&deps](const std::string& label, const httplib::Request& req,
                                  const httplib::Response& res, double seconds) {
    if (deps.metrics != nullptr) deps.metrics->ObserveRequest(label, res.status, seconds);
    if (deps.audit != nullptr) deps.audit->Record(RouteAuditEntry(label, req, res, seconds));
  };
  if (deps.v1 != nullptr) InstallV1Routes(server, *deps.v1, observe);
  if (deps.memory != nullptr) InstallMemoryRoutes(server, *deps.memory, observe);
  // Hook events are counted, not audited: they are stored as events themselves, and an audit
  // line per tool call of every agent would double the log for nothing.
  if (deps.capture != nullptr) {
    InstallCaptureRoutes(server, *deps.capture,
                         [&deps](const std::string& label, const httplib::Request& req,
                                 const httplib::Response& res, double seconds) {
                           if (deps.metrics != nullptr) {
                             deps.metrics->ObserveRequest(label, res.status, seconds);
                           }
                           bool is_hook = req.path == "/hook" || req.path == "/hook/batch";
                           if (!is_hook && deps.audit != nullptr) {
                             deps.audit->Record(RouteAuditEntry(label, req, res, seconds));
                           }
                         });
  }
  // DNS-rebinding protection before any route runs (request_guard.h).
  server.set_pre_routing_handler([&deps](const httplib::Request& req, httplib::Response& res) {
    // The headers are in; the body must follow within the deadline too.
    if (deps.guard != nullptr) deps.guard->HeadersRead(req.remote_addr, req.remote_port);
    if (!HostAllowed(req.get_header_value("Host"), deps.allowed_hosts)) {
      Write(ErrorReply(403, "access_violation", "Host header not allowed"), res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Origin") &&
        !OriginAllowed(req.get_header_value("Origin"), deps.allowed_origins)) {
      Write(ErrorReply(403, "access_violation", "Origin not allowed"), res);
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib checks max_body_bytes against Content-Length only: a chunked body would be read
    // whole, however large. Every client of memex sends Content-Length.
    if (req.has_header("Transfer-Encoding")) {
      Write(ErrorReply(411, "invalid_request",
                       "chunked request bodies are not accepted; send Content-Length"),
            res);
      return httplib::Server::HandlerResponse::Handled;
    }
    // Who is calling, once per request, before any route (authenticator.h); /health is public.
    if (deps.auth == nullptr || req.path == "/health") {
      SetPrincipal(req, Principal::Local());
      return httplib::Server::HandlerResponse::Unhandled;
    }
    auto who = deps.auth->Authenticate(ToRequest(req), req.remote_addr);
    if (auto* refused = std::get_if<Reply>(&who)) {
      Write(*refused, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    SetPrincipal(req, std::move(std::get<Principal>(who)));
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Failures httplib answers itself (no route, body too large, bad request line) get the
  // envelope too; replies that already have a body are left alone.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        switch (res.status) {
          case 404:
            Write(ErrorReply(404, "resource_not_found", "no such route"), res);
            break;
          case 413:
            Write(ErrorReply(413, "content_too_large", "request body too large"), res);
            break;
          case 500:
            Write(ErrorReply(500, "internal_error", "internal error"), res);
            break;
          default:
            Write(ErrorReply(res.status, "invalid_request", "bad request"), res);
            break;
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        Write(ErrorReply(500, "internal_error", "internal error"), res);
      });
  server.set_logger([&deps](const httplib::Request& req, const httplib::Response& res) {
    if (deps.guard != nullptr) deps.guard->ResponseSent(req.remote_addr, req.remote_port);
    LogDebug("http: " + req.method + " " + req.path + " -> " + std::to_string(res.status));
  });
}

// --- The memoryOSS memory API (v1_api.h): its own rows, since its handlers need a V1Api rather
// than RouteDeps, and its own catch-all, since its errors use memoryOSS's {"error":"..."} body.
namespace {

using V1Handler = Reply (V1Api::*)(const Request&) const;

struct V1Route {
  std::string_view method;
  const char* pattern;
  V1Handler handler;
};

// clang-format off
constexpr V1Route kV1Routes[] = {
    {"POST",   "/v1/store",        &V1Api::Store},        // {content*, tags, namespace, ...}
    {"POST",   "/v1/store/batch",  &V1Api::StoreBatch},   // {memories:[...]}, all or nothing
    {"POST",   "/v1/recall",       &V1Api::Recall},       // {query*, limit, namespace, ...}
    {"POST",   "/v1/recall/batch", &V1Api::RecallBatch},  // {queries:[...]}
    {"PATCH",  "/v1/update",       &V1Api::Update},       // {id*, content, tags, memory_type}
    {"DELETE", "/v1/forget",       &V1Api::Forget},       // {ids[], namespace}
    {"GET",    "/v1/export",       &V1Api::Export},       // ?namespace=
    {"GET",    "/v1/memories",     &V1Api::Memories},     // ?namespace=&limit=&offset=
    {"POST",   "/v1/consolidate",  &V1Api::Consolidate},  // {namespace, threshold, dry_run, ...}
};
// clang-format on

}  // namespace

void InstallV1Routes(httplib::Server& server, const V1Api& api, RouteObserver observe) {
  for (const V1Route& r : kV1Routes) {
    httplib::Server::Handler h = [&api, handler = r.handler, observe,
                                  label = std::string(r.method) + " " + r.pattern](
                                     const httplib::Request& req, httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      try {
        Write((api.*handler)(ToRequest(req)), res);
      } catch (const std::exception& e) {
        LogError(std::string("http: ") + req.method + " " + req.path + ": " + e.what());
        Write(V1ErrorReply(500, "internal error"), res);
      } catch (...) {
        Write(V1ErrorReply(500, "internal error"), res);
      }
      if (observe) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        observe(label, req, res, took.count());
      }
    };
    if (r.method == "GET") server.Get(r.pattern, h);
    if (r.method == "POST") server.Post(r.pattern, h);
    if (r.method == "PATCH") server.Patch(r.pattern, h);
    if (r.method == "DELETE") server.Delete(r.pattern, h);
  }
}

}  // namespace memex::http
