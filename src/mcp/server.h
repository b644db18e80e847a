// The MCP server core: lifecycle, version negotiation and method dispatch over a ToolRegistry,
// independent of any transport (MCP spec 2025-06-18, "Lifecycle", "Tools", "Utilities"). A
// transport reads a message, hands it to Server::Handle with the connection's Session, and
// writes back the response, if any.
//
// Methods: initialize, notifications/initialized, ping, tools/list, tools/call,
// logging/setLevel, notifications/cancelled, resources/list, resources/templates/list and
// prompts/list (empty, and those capabilities not advertised, unless a Catalog is plugged in:
// see below). Anything else is -32601. Before
// `initialize`, only `initialize` and `ping` are served: a known method answers -32002 "server
// not initialized", an unknown one -32601 (Claude Code probes with `server/discover`), and the
// session stays usable either way. Notifications never get a response; responses from the
// client are ignored (this server sends no requests).
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
  // The level set by logging/setLevel (RFC 5424 names, "info" by default).
  const std::string& log_level() const { return log_level_; }
  // Passed to every tool call of this session.
  const CallContext& call_context() const { return context_; }

 private:
  friend class Server;
  State state_ = State::kNew;
  std::string protocol_version_;
  Json client_info_;
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
  // A full CallToolResult, or nullopt when `name` is not one of this catalog's tools.
  virtual std::optional<Json> CallTool(const std::string& name, const Json& arguments) const = 0;
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
  // (notifications, client responses). Never throws.
  std::optional<Json> Handle(const Json& message, Session& session) const;
  // Same, from the raw text of one message; text that is not JSON answers -32700 with id null.
  std::optional<Json> HandleText(std::string_view text, Session& session) const;

  const ServerInfo& info() const { return info_; }
  const std::string& instructions() const { return instructions_; }

 private:
  // Result or error of one request (the id is filled in by Dispatch's caller).
  using Reply = std::variant<Json, RpcError>;

  std::optional<Json> Dispatch(const Message& message, Session& session) const;
  Reply Initialize(const Json& params, Session& session) const;
  Reply ListTools() const;
  Reply CallTool(const Json& params, const Session& session) const;
  static Reply SetLevel(const Json& params, Session& session);
  // resources/*, prompts/*, completion/complete; nullopt when `method` is none of them.
  std::optional<Reply> CatalogMethod(const std::string& method, const Json& params) const;

  ServerInfo info_;
  std::string instructions_;
  const ToolRegistry& tools_;
  const Catalog* catalog_;  // not owned; may be null
};

}  // namespace memex::mcp
