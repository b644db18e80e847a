// The MCP HTTP transports over a SessionHub, without sockets (routes.cc adapts httplib):
//
// Streamable HTTP (spec 2025-06-18/2025-11-25 and 2025-03-26, "Transports" -> "Streamable HTTP")
// at /mcp:
//   POST: one JSON-RPC message. A request is answered 200 application/json with its response,
//     except a request whose handling may talk to the client (mcp::Server::MayEmit: a tools/call
//     carrying _meta.progressToken, or of a tool that declares it emits) from a client whose
//     Accept includes text/event-stream: that one is answered 200 text/event-stream, and the
//     stream carries, as `event: message` events, the tool's notifications/message (filtered by
//     logging/setLevel) and notifications/progress, its server-to-client requests
//     (sampling/createMessage, elicitation/create; only to clients that declared the
//     capability), then the response, and ends. Every other request keeps the plain JSON reply.
//     A notification is answered 202 with no body; so is a client response, which is routed to
//     the session's waiting server-to-client request (mcp::PendingRequests: unknown or late ids
//     are ignored; a request unanswered within 60 s, or when the session ends, fails the tool
//     call with a clear error). A message the server cannot accept (not JSON, not a valid
//     message) gets 400 with a JSON-RPC error whose id is null.
//   An `initialize` without Mcp-Session-Id opens a session and the reply carries its id in
//     `Mcp-Session-Id`; every other POST, GET and DELETE must carry it: missing -> 400, unknown
//     (or ended) -> 404. A failed initialize opens no session.
//   A sessionless POST that is not an initialize gets 400 with a JSON-RPC error echoing its id
//     (Claude Code's `server/discover` probe needs an error answer, then initializes).
//   `MCP-Protocol-Version`, when present on a session's POST, must be a supported version ->
//     else 400 (not checked on initialize, which negotiates in its body).
//   GET with Accept: text/event-stream opens the session's server-to-client stream (one per
//     session, a second -> 409); messages about a request travel on that request's POST stream,
//     so this one carries keep-alives only.
//   DELETE ends the session -> 204 (waiting server-to-client requests fail).
// Legacy HTTP+SSE (spec 2024-11-05 "Transports" -> "HTTP with SSE"): GET /sse opens a session and
//   its stream, whose first event is `endpoint` with `/message?sessionId=<id>`; POST
//   /message?sessionId=<id> answers 202 once the message is handled, and everything for the
//   client — a tool's notifications and requests, then the response — arrives on the stream as
//   `event: message`; the client's answers to server requests are POSTed to /message too.
//   Missing sessionId -> 400, unknown -> 404. The stream's end ends the session.
//
// Thread-safety: immutable after construction; methods may run concurrently.
#pragma once

#include <functional>
#include <memory>
#include <optional>
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

// A POST answered with an SSE stream (200 text/event-stream). `run` handles the message, writing
// each complete event through `write`: first what the handler sends to the client, last the
// response; then the stream ends. `write` returns false once the client has gone. `run` must
// be called once, on the thread that writes the HTTP response.
struct SseReply {
  using Write = std::function<bool(std::string_view event)>;
  std::function<void(const Write& write)> run;
};
using PostReply = std::variant<Reply, SseReply>;

class McpHttp {
 public:
  // Borrows both, which must outlive this object.
  McpHttp(const mcp::Server& server, SessionHub& hub);

  PostReply Post(const Request& request) const;
  Reply Delete(const Request& request) const;
  // The session whose stream a GET /mcp opens, or the error reply.
  std::variant<std::shared_ptr<HubSession>, Reply> OpenStream(const Request& request) const;

  // GET /sse: a new legacy session (its endpoint event already queued), or the error reply.
  // The session belongs to request.principal: only the same principal may use it afterwards
  // (another one gets 404, as for an unknown session).
  std::variant<std::shared_ptr<HubSession>, Reply> OpenLegacy(const Request& request) const;
  Reply PostLegacy(const Request& request) const;

 private:
  // An initialize without a session: opens one when it succeeds.
  Reply Initialize(const Request& request) const;
  // Routes a client response (IsResponse) to the session's waiting request. The error to answer
  // when it is not a valid response, else nullopt (also when no request waits for it).
  static std::optional<mcp::Json> Deliver(HubSession& session, const mcp::Json& doc);
  // The session named by the header, or the 400/404 reply.
  std::variant<std::shared_ptr<HubSession>, Reply> SessionFor(const Request& request) const;

  const mcp::Server& server_;
  SessionHub& hub_;
};

}  // namespace memex::http
