// GET /api/openapi.json (issue 3 item 5): an OpenAPI 3.1 document generated from the tool
// registry, so the REST surface and its description cannot drift: one POST /api/<tool> per
// registered tool (its input schema as the request body, pagefault's error envelope for
// failures), plus GET /health and GET /metrics.
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <string>

#include "mcp/tool.h"

namespace memex::http {

// The document for `tools` (borrowed for the call only) describing server `version`.
mcp::Json BuildOpenApi(const mcp::ToolRegistry& tools, const std::string& version);

}  // namespace memex::http
