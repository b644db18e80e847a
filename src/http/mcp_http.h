// The MCP HTTP transports over a SessionHub, without sockets (routes.cc adapts httplib):
//
// Streamable HTTP (spec 2025-06-18 and 2025-03-26, "Transports" -> "Streamable HTTP") at /mcp:
//   POST: one JSON-RPC message. A request is answered 200 application/json with its response; a
//     notification or client response 202 with no body; a message the server cannot accept
//     (not JSON, not a valid message) 400 with a JSON-RPC error whose id is null.
//   An `initialize` without Mcp-Session-Id opens a session and the reply carries its id in
//     `Mcp-Session-Id`; every other POST, GET and DELETE must carry it: missing -> 400, unknown
//     (or ended) -> 404. A failed initialize opens no session.
//   A sessionless POST that is not an initialize gets 400 with a JSON-RPC error echoing its id
//     (Claude Code's `server/discover` probe needs an error answer, then initializes).
//   `MCP-Protocol-Version`, when present on a session's POST, must be a supported version ->
//     else 400 (not checked on initialize, which negotiates in its body).
//   GET with Accept: text/event-stream opens the session's server-to-client stream (one per
//     session, a second -> 409); this server sends no requests, so it carries keep-alives only.
//   DELETE ends the session -> 204.
// Legacy HTTP+SSE (spec 2024-11-05 "Transports" -> "HTTP with SSE"): GET /sse opens a session and
//   its stream, whose first event is `endpoint` with `/message?sessionId=<id>`; POST
//   /message?sessionId=<id> answers 202 and the response arrives on the stream as an
//   `event: message`. Missing sessionId -> 400, unknown -> 404. The stream's end ends the session.
//
// Thread-safety: immutable after construction; methods may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "http/http_types.h"
#include "http/session_hub.h"
#include "mcp/server.h"

namespace memex::http {

inline constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
inline constexpr std::string_view kProtocolHeader = "MCP-Protocol-Version";

// One SSE event: "event: <event>\ndata: <data>\n\n" (data holds no newline: compact JSON).
std::string SseEvent(std::string_view event, std::string_view data);

class McpHttp {
 public:
  // Borrows both, which must outlive this object.
  McpHttp(const mcp::Server& server, SessionHub& hub);

  Reply Post(const Request& request) const;
  Reply Delete(const Request& request) const;
  // The session whose stream a GET /mcp opens, or the error reply.
  std::variant<std::shared_ptr<HubSession>, Reply> OpenStream(const Request& request) const;

  // GET /sse: a new legacy session (its endpoint event already queued), or the error reply.
  std::variant<std::shared_ptr<HubSession>, Reply> OpenLegacy() const;
  Reply PostLegacy(const Request& request) const;

 private:
  // An initialize without a session: opens one when it succeeds.
  Reply Initialize(const Request& request) const;
  // The session named by the header, or the 400/404 reply.
  std::variant<std::shared_ptr<HubSession>, Reply> SessionFor(const Request& request) const;

  const mcp::Server& server_;
  SessionHub& hub_;
};

}  // namespace memex::http
