#include "http/mcp_http.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/log.h"
#include "mcp/jsonrpc.h"
#include "mcp/pending_requests.h"

namespace memex::http {
namespace {

// The context of every tool call in a session opened by `who`.
mcp::CallContext HttpContext(const Principal& who) {
  return mcp::CallContext{.principal = who, .interface = "mcp"};
}

// A transport-level refusal: an HTTP error status with a JSON-RPC error body (id null), as the
// spec's "Bad Request" examples and the official SDKs do.
Reply RpcErrorReply(int status, int code, const std::string& message) {
  return Reply{
      .status = status,
      .body = mcp::Serialize(mcp::MakeError(mcp::RpcError{.code = code, .message = message}))};
}

bool SupportedVersion(const std::string& version) {
  return std::find(mcp::kSupportedProtocolVersions.begin(), mcp::kSupportedProtocolVersions.end(),
                   version) != mcp::kSupportedProtocolVersions.end();
}

// A request/notification/response reply: 200 with the response, 202 when none is due, 400 when
// the message could not be read at all (an error answering id null).
Reply MessageReply(const std::optional<mcp::Json>& response) {
  if (!response) return Reply{.status = 202, .content_type = "text/plain", .body = ""};
  bool unreadable = response->contains("error") && response->value("id", mcp::Json()).is_null();
  return Reply{.status = unreadable ? 400 : 200, .body = mcp::Serialize(*response)};
}

// A client's response to a server-to-client request: no method, a result or an error.
bool IsResponse(const mcp::Json& doc) {
  return doc.is_object() && !doc.contains("method") &&
         (doc.contains("result") || doc.contains("error"));
}

// notifications/cancelled: handled beside the queue (the call it cancels holds the session), so
// it reaches a call that waits on the client. The id of the cancelled request, or null.
mcp::Json CancelledId(const mcp::Json& doc) {
  if (!doc.is_object() || doc.contains("id") ||
      doc.value("method", "") != "notifications/cancelled") {
    return nullptr;
  }
  const mcp::Json params = doc.value("params", mcp::Json::object());
  return params.is_object() ? params.value("requestId", mcp::Json()) : mcp::Json();
}

// A request's id; null for anything else (a notification, a batch, a scalar).
mcp::Json RequestId(const mcp::Json& doc) {
  return doc.is_object() && doc.contains("id") ? doc["id"] : mcp::Json();
}

bool AcceptsEventStream(const Request& request) {
  return request.header("Accept").find("text/event-stream") != std::string::npos;
}

bool IsInitialize(const std::string& body) {
  mcp::Json doc = mcp::Json::parse(body, nullptr, false);
  if (!doc.is_object()) return false;
  auto method = doc.find("method");
  return method != doc.end() && method->is_string() && *method == "initialize" &&
         doc.contains("id");
}

}  // namespace

std::string SseEvent(std::string_view event, std::string_view data) {
  std::string out = "event: ";
  out.append(event);
  out += "\ndata: ";
  out.append(data);
  out += "\n\n";
  return out;
}

McpHttp::McpHttp(const mcp::Server& server, SessionHub& hub) : server_(server), hub_(hub) {}

std::variant<std::shared_ptr<HubSession>, Reply> McpHttp::SessionFor(const Request& request) const {
  std::string id = request.header(kSessionHeader);
  if (id.empty()) {
    return RpcErrorReply(400, mcp::kInvalidRequest, "Bad Request: missing Mcp-Session-Id header");
  }
  std::shared_ptr<HubSession> session = hub_.Find(id);
  // Another principal's session is answered exactly like an unknown one.
  if (session == nullptr || session->legacy_sse() || !session->OwnedBy(request.principal)) {
    return RpcErrorReply(404, mcp::kInvalidRequest, "session not found (ended or unknown)");
  }
  return session;
}

PostReply McpHttp::Post(const Request& request) const {
  // The version header is checked on session traffic only: an initialize negotiates in its body,
  // and Claude Code sends a newer version's header with its pre-initialize probe and initialize.
  if (request.header(kSessionHeader).empty()) {
    if (IsInitialize(request.body)) return Initialize(request);
    Reply reply =
        RpcErrorReply(400, mcp::kInvalidRequest, "Bad Request: missing Mcp-Session-Id header");
    // Echo the request's id so a client's probe (server/discover) sees an answer to its request.
    mcp::Json doc = mcp::Json::parse(request.body, nullptr, false);
    if (doc.is_object() && doc.contains("id") && (doc["id"].is_string() || doc["id"].is_number())) {
      mcp::Json body = mcp::Json::parse(reply.body);
      body["id"] = doc["id"];
      reply.body = mcp::Serialize(body);
    }
    return reply;
  }
  std::string version = request.header(kProtocolHeader);
  if (!version.empty() && !SupportedVersion(version)) {
    return RpcErrorReply(400, mcp::kInvalidRequest,
                         "Bad Request: unsupported MCP-Protocol-Version: " + version);
  }
  auto found = SessionFor(request);
  if (auto* error = std::get_if<Reply>(&found)) return std::move(*error);
  std::shared_ptr<HubSession> session = std::get<std::shared_ptr<HubSession>>(found);
  // Parsed once here: the document decides the reply's shape and is then handled as is.
  mcp::Json doc = mcp::Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return MessageReply(session->Handle(server_, request.body));  // -32700
  if (IsResponse(doc)) return MessageReply(Deliver(*session, doc));
  if (mcp::Json cancelled = CancelledId(doc); !cancelled.is_null()) {
    session->Cancel(cancelled);
    return MessageReply(std::nullopt);  // 202, a notification
  }
  if (!server_.MayEmit(doc) || !AcceptsEventStream(request)) {
    return MessageReply(session->Handle(server_, doc, nullptr));  // the fast path
  }
  return SseReply{
      .run = [&server = server_, session, doc = std::move(doc)](const SseReply::Write& write) {
        auto send = [&write](const mcp::Json& message) {
          return write(SseEvent("message", mcp::Serialize(message)));
        };
        mcp::PendingLink link(session->pending(), send);
        std::optional<mcp::Json> response = session->Handle(server, doc, &link);
        // A cancelled request gets no response (MCP "Cancellation"); the stream just ends.
        if (response && !session->WasCancelled(RequestId(doc))) send(*response);
      }};
}

std::optional<mcp::Json> McpHttp::Deliver(HubSession& session, const mcp::Json& doc) {
  mcp::ParseResult parsed = mcp::ParseMessage(doc);
  if (auto* error = std::get_if<mcp::RpcError>(&parsed)) return mcp::MakeError(*error);
  if (!session.pending().Resolve(std::get<mcp::Message>(parsed))) {
    LogDebug("mcp http: ignoring a client response that answers no waiting request");
  }
  return std::nullopt;
}

Reply McpHttp::Initialize(const Request& request) const {
  Result<std::shared_ptr<HubSession>> created = hub_.Create(false, HttpContext(request.principal));
  if (!created.ok()) return RpcErrorReply(503, mcp::kInternalError, created.status().message());
  std::shared_ptr<HubSession> session = *created;
  std::optional<mcp::Json> response = session->Handle(server_, request.body);
  Reply reply = MessageReply(response);
  if (response && response->contains("result")) {
    reply.headers.emplace_back(std::string(kSessionHeader), session->id());
  } else {
    hub_.Remove(session->id());  // a failed initialize opens no session
  }
  return reply;
}

Reply McpHttp::Delete(const Request& request) const {
  auto found = SessionFor(request);
  if (auto* error = std::get_if<Reply>(&found)) return std::move(*error);
  hub_.Remove(std::get<std::shared_ptr<HubSession>>(found)->id());
  return Reply{.status = 204, .content_type = "text/plain"};
}

std::variant<std::shared_ptr<HubSession>, Reply> McpHttp::OpenStream(const Request& request) const {
  if (request.header("Accept").find("text/event-stream") == std::string::npos) {
    return RpcErrorReply(406, mcp::kInvalidRequest,
                         "Not Acceptable: GET /mcp needs Accept: text/event-stream");
  }
  auto found = SessionFor(request);
  if (std::holds_alternative<Reply>(found)) return found;
  std::shared_ptr<HubSession> session = std::get<std::shared_ptr<HubSession>>(found);
  if (!session->AttachStream()) {
    return RpcErrorReply(409, mcp::kInvalidRequest,
                         "Conflict: this session already has an open stream");
  }
  return session;
}

std::variant<std::shared_ptr<HubSession>, Reply> McpHttp::OpenLegacy(const Request& request) const {
  Result<std::shared_ptr<HubSession>> created = hub_.Create(true, HttpContext(request.principal));
  if (!created.ok()) return ErrorReply(503, "backend_unavailable", created.status().message());
  std::shared_ptr<HubSession> session = *created;
  session->AttachStream();
  session->Push(SseEvent("endpoint", "/message?sessionId=" + session->id()));
  return session;
}

Reply McpHttp::PostLegacy(const Request& request) const {
  std::string id = request.param("sessionId");
  if (id.empty()) return ErrorReply(400, "invalid_request", "missing sessionId query parameter");
  std::shared_ptr<HubSession> session = hub_.Find(id);
  if (session == nullptr || !session->legacy_sse() || !session->OwnedBy(request.principal)) {
    return ErrorReply(404, "resource_not_found", "session not found (ended or unknown)");
  }
  mcp::Json doc = mcp::Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  std::optional<mcp::Json> response;
  if (doc.is_discarded()) {
    response = session->Handle(server_, request.body);  // -32700
  } else if (IsResponse(doc)) {
    response = Deliver(*session, doc);
  } else if (mcp::Json cancelled = CancelledId(doc); !cancelled.is_null()) {
    session->Cancel(cancelled);
  } else {
    // Everything for the client travels on the session's one stream, so every call gets a link.
    mcp::PendingLink link(session->pending(), [&session](const mcp::Json& message) {
      session->Push(SseEvent("message", mcp::Serialize(message)));
      return !session->closed();
    });
    response = session->Handle(server_, doc, &link);
    if (response && session->WasCancelled(RequestId(doc))) response.reset();
  }
  if (response) session->Push(SseEvent("message", mcp::Serialize(*response)));
  return Reply{.status = 202, .content_type = "text/plain", .body = "Accepted"};
}

}  // namespace memex::http
