// The MCP server core: lifecycle, version negotiation and method dispatch over a ToolRegistry,
// independent of any transport (MCP spec 2025-06-18, "Lifecycle", "Tools", "Utilities"). A
// transport reads a message, hands it to Server::Handle with the connection's Session (and, when
// it can reach the client while the request runs, a ClientLink), and writes back the response,
// if any.
//
// Methods: initialize, notifications/initialized, ping, tools/list, tools/call,
// logging/setLevel, notifications/cancelled, resources/list, resources/templates/list and
// prompts/list (empty, and those capabilities not advertised, unless a Catalog is plugged in:
// see below). Anything else is -32601. Before
// `initialize`, only `initialize` and `ping` are served: a known method answers -32002 "server
// not initialized", an unknown one -32601 (Claude Code probes with `server/discover`), and the
// session stays usable either way. Notifications never get a response; responses from the
// client are the transport's business (it routes them to its PendingRequests) and are ignored
// here.
//
// Server-to-client messages: every tools/call handler gets an Emitter (emitter.h) over the
// transport's ClientLink: notifications/message (filtered by logging/setLevel),
// notifications/progress (when the request carried params._meta.progressToken) and requests
// such as sampling/createMessage and elicitation/create (only when the client declared the
// capability in initialize). MayEmit tells a transport which requests need a link.
//
// Error mapping: malformed JSON -32700; a malformed message -32600; unknown method -32601; bad
// params, an unknown tool or non-object tool arguments -32602; a tool's domain failure is NOT a
// JSON-RPC error but a result with isError: true (spec "Error Handling" under Tools).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "mcp/emitter.h"
#include "mcp/jsonrpc.h"
#include "mcp/tool.h"

namespace memex::mcp {

// Newest first; an `initialize` asking for anything else is answered with the first.
// 2024-11-05 is what legacy SSE clients speak.
inline constexpr std::array<std::string_view, 4> kSupportedProtocolVersions = {
    "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

struct ServerInfo {
  std::string name = "memex";
  std::string version;
  std::string title = "memex memory server";
};

// The server's default `instructions`: when the model should read and write memory, and that
// retrieved memory is data, never instructions.
std::string DefaultInstructions();

// Per-connection state. One per stdio process, per streamable-HTTP Mcp-Session-Id, per SSE
// stream. Thread-safety: not thread-safe; a transport serialises the messages of one session.
class Session {
 public:
  enum class State { kNew, kInitialized, kReady };

  Session() = default;
  explicit Session(CallContext context) : context_(std::move(context)) {}

  State state() const { return state_; }
  // True once `initialize` has been answered (requests are served from then on, even before the
  // client's notifications/initialized arrives).
  bool initialized() const { return state_ != State::kNew; }
  // The negotiated version; empty before initialize.
  const std::string& protocol_version() const { return protocol_version_; }
  // The client's clientInfo from initialize (null before).
  const Json& client_info() const { return client_info_; }
  // The client's capabilities from initialize (null before): whether it takes sampling,
  // elicitation or roots requests.
  const Json& client_capabilities() const { return client_capabilities_; }
  // The level set by logging/setLevel (RFC 5424 names, "info" by default).
  const std::string& log_level() const { return log_level_; }
  // Passed to every tool call of this session.
  const CallContext& call_context() const { return context_; }

 private:
  friend class Server;
  State state_ = State::kNew;
  std::string protocol_version_;
  Json client_info_;
  Json client_capabilities_;
  std::string log_level_ = "info";
  CallContext context_;
};

// Optional MCP features beyond the tool registry: tools that return raw MCP content (images,
// audio, embedded resources), resources, resource templates, prompts and completion. The default
// server has none; `memex serve --conformance-fixtures` plugs in mcp/fixtures.h. With a catalog,
// initialize also advertises resources (subscribe), prompts and completions, and
// resources/read, resources/subscribe, resources/unsubscribe, prompts/get and
// completion/complete are served.
// Thread-safety: implementations must be safe for concurrent calls.
class Catalog {
 public:
  using Reply = std::variant<Json, RpcError>;
  virtual ~Catalog() = default;
  // Extra tool definitions (MCP Tool objects), listed after the registry's tools.
  virtual Json ListTools() const = 0;
  // A full CallToolResult, or nullopt when `name` is not one of this catalog's tools. `emitter`
  // reaches the client while the tool runs (logs, progress, sampling, elicitation).
  virtual std::optional<Json> CallTool(const std::string& name, const Json& arguments,
                                       Emitter& emitter) const = 0;
  // True when tool `name` sends messages to the client while it runs, so that a transport which
  // has to choose before the call (streamable HTTP: SSE or JSON) opens a stream for it.
  virtual bool Emits(const std::string& name) const {
    (void)name;
    return false;
  }
  virtual Json ListResources() const = 0;                        // Resource objects
  virtual Json ListResourceTemplates() const = 0;                // ResourceTemplate objects
  virtual Reply ReadResource(const std::string& uri) const = 0;  // ReadResourceResult
  virtual Json ListPrompts() const = 0;                          // Prompt objects
  virtual Reply GetPrompt(const std::string& name, const Json& arguments) const = 0;
  virtual Reply Complete(const Json& params) const = 0;  // CompleteResult
};

// Thread-safety: immutable after construction; Handle may run concurrently for different
// sessions. Borrows `tools` and `catalog` (may be null), which must outlive the server.
class Server {
 public:
  Server(ServerInfo info, std::string instructions, const ToolRegistry& tools,
         const Catalog* catalog = nullptr);

  // Handles one message. Returns the response to write, or nullopt when none is due
  // (notifications, client responses). Never throws. `link` (may be null, borrowed for the call)
  // carries the messages a tool sends to the client before the response; without one, its
  // notifications are dropped and its requests fail (the tool sees kFailedPrecondition).
  std::optional<Json> Handle(const Json& message, Session& session,
                             ClientLink* link = nullptr) const;
  // Same, from the raw text of one message; text that is not JSON answers -32700 with id null.
  std::optional<Json> HandleText(std::string_view text, Session& session,
                                 ClientLink* link = nullptr) const;

  // True when handling `message` (an already-parsed document) may send messages to the client
  // before its response: a tools/call that carries params._meta.progressToken, or of a catalog
  // tool that Emits. Cheap: no parsing beyond a few lookups; false for anything malformed.
  bool MayEmit(const Json& message) const;

  const ServerInfo& info() const { return info_; }
  const std::string& instructions() const { return instructions_; }

 private:
  // Result or error of one request (the id is filled in by Dispatch's caller).
  using Reply = std::variant<Json, RpcError>;

  std::optional<Json> Dispatch(const Message& message, Session& session, ClientLink* link) const;
  Reply Initialize(const Json& params, Session& session) const;
  Reply ListTools() const;
  Reply CallTool(const Json& params, const Session& session, ClientLink* link) const;
  static Reply SetLevel(const Json& params, Session& session);
  // resources/*, prompts/*, completion/complete; nullopt when `method` is none of them.
  std::optional<Reply> CatalogMethod(const std::string& method, const Json& params) const;

  ServerInfo info_;
  std::string instructions_;
  const ToolRegistry& tools_;
  const Catalog* catalog_;  // not owned; may be null
};

}  // namespace memex::mcp
