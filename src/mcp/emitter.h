// Server-to-client messages while one request is being handled (MCP spec 2025-06-18/2025-11-25:
// "Utilities" -> "Logging" and "Progress", "Client Features" -> "Sampling" and "Elicitation").
// The transport supplies a ClientLink for the request; the Server wraps it in an Emitter with the
// session's logging level, the request's progress token and the client's capabilities, and hands
// the Emitter to the tool handler (CallContext::emitter, or Catalog::CallTool).
//
// Thread-safety: an Emitter and its ClientLink are used by the one thread handling the request.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "base/status.h"
#include "mcp/jsonrpc.h"

namespace memex::mcp {

// RFC 5424 severities, least severe first, as logging/setLevel and notifications/message name
// them (spec "Logging").
inline constexpr std::array<std::string_view, 8> kLogLevels = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

// The rank of `level` in kLogLevels, or -1 when it is none of them.
int LogLevelRank(std::string_view level);

// The transport's half: how messages reach the client during one request, and how a
// server-to-client request gets its answer. Streamable HTTP writes to the POST's SSE stream,
// legacy SSE to the session's stream, stdio to stdout.
class ClientLink {
 public:
  virtual ~ClientLink() = default;
  // Writes one notification. kUnavailable when the client has gone.
  virtual Status Notify(const Json& notification) = 0;
  // Sends request `method` with `params` (the link picks the id) and waits up to `timeout` for
  // the client's response. Returns its `result`. Errors: kUnavailable when the client has gone,
  // the session ended or no answer came within `timeout`; kFailedPrecondition when the client
  // answered with a JSON-RPC error (the message carries its code and message).
  virtual Result<Json> Request(std::string_view method, Json params,
                               std::chrono::milliseconds timeout) = 0;
};

class Emitter {
 public:
  // How long Request waits for the client by default (a human may be answering an elicitation).
  static constexpr std::chrono::milliseconds kDefaultRequestTimeout = std::chrono::seconds(60);

  // Borrows everything for the duration of one request. `link` may be null: the transport cannot
  // reach the client during this request (a streamable HTTP POST answered with plain JSON).
  // `min_level`: the session's logging/setLevel level. `progress_token`: the request's
  // params._meta.progressToken, null when absent. `client_capabilities`: from initialize.
  Emitter(ClientLink* link, std::string_view min_level, const Json& progress_token,
          const Json& client_capabilities,
          std::chrono::milliseconds request_timeout = kDefaultRequestTimeout);

  // Sends notifications/message {level, [logger], data}. A level below the session's is dropped
  // (OK), as is everything without a link. kInvalidArgument for an unknown level; kUnavailable
  // when the client has gone.
  Status Log(std::string_view level, Json data, std::string_view logger = {});

  // Sends notifications/progress {progressToken, progress, [total], [message]} for the request's
  // token. Dropped (OK) when the request carried no token or there is no link. kInvalidArgument
  // when `progress` does not increase (spec "Progress": it MUST increase with each notification);
  // kUnavailable when the client has gone.
  Status Progress(double progress, std::optional<double> total = std::nullopt,
                  std::string_view message = {});

  // Sends a server-to-client request (sampling/createMessage, elicitation/create, roots/list)
  // and returns the client's result. kFailedPrecondition when the client did not declare the
  // capability the method needs ("sampling", "elicitation", "roots") or there is no link;
  // otherwise as ClientLink::Request, waiting at most the request timeout.
  Result<Json> Request(std::string_view method, Json params);

  // True when the client declared `capability` (e.g. "sampling") in initialize.
  bool ClientSupports(std::string_view capability) const;
  // True when messages can reach the client during this request.
  bool connected() const { return link_ != nullptr; }
  // The request's progress token; null when it carried none.
  const Json& progress_token() const { return progress_token_; }

 private:
  ClientLink* link_;  // not owned; may be null
  int min_rank_;
  const Json& progress_token_;
  const Json& client_capabilities_;
  std::chrono::milliseconds request_timeout_;
  std::optional<double> last_progress_;
};

}  // namespace memex::mcp
