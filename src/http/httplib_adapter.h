// The one bridge between httplib's request/response types and ours (http_types.h), shared by
// every route table (routes.cc, memory_routes.cc), plus the hand-off of the authenticated caller.
//
// Authentication runs once per request in the server's pre-routing handler (routes.cc), on the
// worker thread that then dispatches the same request; it records the principal for that
// request object, and ToRequest reads it back. A request whose principal was not recorded (which
// would be a routing bug) gets a principal with no scopes: it fails closed.
//
// Thread-safety: per worker thread (the record is thread-local).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/principal.h"
#include "http/http_types.h"

namespace httplib {
struct Request;
struct Response;
class Server;
}  // namespace httplib

namespace memex::http {

// Records `who` as the caller of `request` (the pre-routing handler).
void SetPrincipal(const httplib::Request& request, Principal who);

// `r` as a plain Request, with its recorded principal.
Request ToRequest(const httplib::Request& r);

// Writes `reply` (status, headers, body) into `res`.
void Write(const Reply& reply, httplib::Response& res);

// Told about each finished request of a route table (metrics and audit, routes.cc): the route's
// label ("POST /v1/recall"), the request and response, and the handler's wall time.
using RouteObserver = std::function<void(const std::string& label, const httplib::Request& req,
                                         const httplib::Response& res, double seconds)>;

// One row of a table of plain-Request routes (memory_routes.cc, capture_routes.cc). A pattern
// with a group captures an id, handed to the handler ("" otherwise).
struct TableRoute {
  std::string_view method;  // GET | POST | PATCH | DELETE
  std::string pattern;      // httplib regex, e.g. R"(/api/sessions/([^/]+))"
  std::function<Reply(const std::string& id, const Request& request)> handler;
};

// Registers `routes` on `server`. Each handler runs inside a catch-all: an exception becomes
// `on_error(Internal(...))`, so nothing thrown reaches httplib's workers. `observe` (may be
// empty) is told about each request with the label "METHOD pattern", the group shown as {id}.
void InstallTable(httplib::Server& server, const std::vector<TableRoute>& routes,
                  std::function<Reply(const Status&)> on_error, RouteObserver observe);

}  // namespace memex::http
