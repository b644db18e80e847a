// Tools as the MCP layer sees them: a definition (name, schema, annotations) and a handler that
// turns JSON arguments into a result. The seven pagefault tools (pf_tools.h) register here; the
// MCP server (server.h) lists and calls them; later the REST routes `/api/pf_<tool>` reuse the
// same registry so every interface has one behaviour.
//
// Every call through ToolRegistry::Call — MCP on any transport, REST, CLI — is timed and handed to
// the registry's observers (metrics) and its audit log, so every interface is accounted alike.
//
// Thread-safety: a ToolRegistry is filled (Add, AddObserver, SetAuditLog) once at start-up and
// then only read (safe to share); observers and the audit log must be safe for concurrent calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "audit/audit_log.h"
#include "base/status.h"
#include "core/principal.h"

namespace memex::mcp {

using Json = nlohmann::json;

class Emitter;  // mcp/emitter.h

// MCP tool annotations (spec 2025-06-18 "ToolAnnotations").
struct ToolAnnotations {
  bool read_only = false;
  bool destructive = false;
  bool idempotent = false;
  bool open_world = false;
};

struct ToolDef {
  std::string name;         // wire name, e.g. "pf_scan"
  std::string title;        // human title, e.g. "Search Memory"
  std::string description;  // what the model reads to decide when to call it
  Json input_schema;        // JSON Schema object for the arguments
  ToolAnnotations annotations;
};

// A tool's domain error, in pagefault's vocabulary (seeds-catalogue §000 "Error envelope"):
// code "invalid_request" (400), "access_violation" (403), "resource_not_found" |
// "context_not_found" | "backend_not_found" | "agent_not_found" (404), "content_too_large" (413),
// "rate_limited" (429), "backend_unavailable" (502), "internal_error" (500).
struct ToolError {
  std::string code;
  int status = 400;
  std::string message;
};

// What a handler returns: the JSON output object, or a domain error. The MCP server renders the
// output as one TextContent holding the JSON text (pagefault's shape) plus structuredContent, and
// an error as a result with isError: true whose text is the message.
using ToolOutcome = std::variant<Json, ToolError>;

// Per-call context supplied by the transport.
struct CallContext {
  // Who is calling, as the transport authenticated it (http/authenticator.h); the tools check
  // every read and write against it (service/authorized_service.h).
  Principal principal = Principal::Local();
  std::string interface = "mcp";  // "mcp" | "rest" | "cli"
  // MCP only: sends logs, progress and server-to-client requests during this call (emitter.h).
  // Null when the interface cannot reach the client (REST, CLI). Not owned; valid for the call.
  Emitter* emitter = nullptr;
  // MCP only: the agent's id for this tool call, from the request's
  // `_meta["claudecode/toolUseId"]` (Claude Code) or `_meta["callId"]` (Codex); it equals the
  // `tool_use_id` of the call's PreToolUse/PostToolUse hook events, so a write can be linked to
  // the captured session that made it. "" when the client sent none.
  std::string tool_use_id;
};

using ToolHandler = std::function<ToolOutcome(const Json& arguments, const CallContext& ctx)>;

// What an observer learns about one finished call.
struct CallRecord {
  const std::string& tool;
  const Json& arguments;
  const CallContext& ctx;
  int64_t start_ms = 0;              // epoch ms when the call started
  double duration_ms = 0;            // wall time of the handler
  size_t result_bytes = 0;           // size of the output's JSON text; 0 on error
  const ToolError* error = nullptr;  // null on success
};

using CallObserver = std::function<void(const CallRecord& record)>;

class ToolRegistry {
 public:
  // Precondition: names are unique (a duplicate replaces the earlier tool).
  void Add(ToolDef def, ToolHandler handler);
  // In registration order.
  std::vector<const ToolDef*> List() const;
  // nullptr when unknown.
  const ToolDef* Find(const std::string& name) const;
  // Calls the tool. Precondition: Find(name) != nullptr. Handlers never throw; a handler that
  // does anyway is reported as ToolError{"internal_error", 500}.
  // Observers and the audit log see every call, unknown tools included, after it returns.
  ToolOutcome Call(const std::string& name, const Json& arguments, const CallContext& ctx) const;

  // Set-up time only. Observers run on the calling thread, in the order added.
  void AddObserver(CallObserver observer);
  // Set-up time only. Borrows `log` (may be null: no audit), which must outlive the registry.
  void SetAuditLog(audit::AuditLog* log) { audit_ = log; }

 private:
  ToolOutcome CallHandler(const std::string& name, const Json& arguments,
                          const CallContext& ctx) const;

  struct Entry {
    ToolDef def;
    ToolHandler handler;
  };
  std::vector<Entry> entries_;
  std::vector<CallObserver> observers_;
  audit::AuditLog* audit_ = nullptr;  // not owned; may be null
};

}  // namespace memex::mcp
