// The test-only fixture catalog of the official MCP conformance suite
// (`@modelcontextprotocol/conformance`, tests/mcp-conformance): the `test_*` tools, the
// `test://` resources and template, the `test_*` prompts and a minimal completion, exactly as the
// suite's server scenarios name them. Registered only by `memex serve --conformance-fixtures`;
// the default server never exposes them.
//
// The tools that talk to the client while they run go through the call's Emitter (emitter.h),
// so they exercise the server's real notification and request paths: test_tool_with_logging
// (three info logs, ~50 ms apart), test_tool_with_progress (0, 50, 100 of 100, ~50 ms apart),
// test_sampling (sampling/createMessage), test_elicitation, test_elicitation_sep1034_defaults and
// test_elicitation_sep1330_enums (elicitation/create). A failed client request becomes a result
// with isError: true.
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
  std::optional<Json> CallTool(const std::string& name, const Json& arguments,
                               Emitter& emitter) const override;
  bool Emits(const std::string& name) const override;
  Json ListResources() const override;
  Json ListResourceTemplates() const override;
  Reply ReadResource(const std::string& uri) const override;
  Json ListPrompts() const override;
  Reply GetPrompt(const std::string& name, const Json& arguments) const override;
  Reply Complete(const Json& params) const override;
};

}  // namespace memex::mcp
