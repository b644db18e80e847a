// The test-only fixture catalog of the official MCP conformance suite
// (`@modelcontextprotocol/conformance`, tests/mcp-conformance): the `test_*` tools, the
// `test://` resources and template, the `test_*` prompts and a minimal completion, exactly as the
// suite's server scenarios name them. Registered only by `memex serve --conformance-fixtures`;
// the default server never exposes them.
//
// Not implemented (they need server-to-client messages inside a POST's response stream):
// test_tool_with_logging, test_tool_with_progress, test_sampling, test_elicitation*.
//
// Thread-safety: stateless; safe for concurrent calls.
#pragma once

#include <optional>
#include <string>

#include "mcp/server.h"

namespace memex::mcp {

class ConformanceFixtures : public Catalog {
 public:
  Json ListTools() const override;
  std::optional<Json> CallTool(const std::string& name, const Json& arguments) const override;
  Json ListResources() const override;
  Json ListResourceTemplates() const override;
  Reply ReadResource(const std::string& uri) const override;
  Json ListPrompts() const override;
  Reply GetPrompt(const std::string& name, const Json& arguments) const override;
  Reply Complete(const Json& params) const override;
};

}  // namespace memex::mcp
