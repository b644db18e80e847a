// The REST face of the tools (seeds-catalogue §000 "Routes"): POST /api/pf_<tool> with the JSON
// arguments as body calls the same mcp::ToolRegistry as MCP does, and GET /health. Errors use
// pagefault's envelope (http_types.h ErrorReply).
//
// Thread-safety: RestApi is immutable after construction; its methods may run concurrently.
#pragma once

#include <string>

#include "core/scope.h"
#include "http/http_types.h"
#include "mcp/tool.h"
#include "service/memory_service.h"

namespace memex::http {

class RestApi {
 public:
  // Borrows `tools` and `service` (the health probe), which must outlive the API. The probe
  // counts `probe_scope` only, so it stays cheap on a large store.
  RestApi(const mcp::ToolRegistry& tools, MemoryService& service, Scope probe_scope,
          std::string version);

  // 200 with the tool's output; a ToolError -> its status and code; a body that is not a JSON
  // object (an empty body counts as {}) -> 400 invalid_request; an unknown tool -> 404
  // resource_not_found.
  Reply CallTool(const std::string& tool, const Request& request) const;

  // Always 200: {"status":"ok"|"unavailable","version":...,"components":{"store":{...}}}, the
  // store probed with a cheap Stats call.
  Reply Health() const;

 private:
  const mcp::ToolRegistry& tools_;
  MemoryService& service_;
  Scope probe_scope_;
  std::string version_;
};

}  // namespace memex::http
