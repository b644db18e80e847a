#include "cli/tool_stack.h"

#include <utility>

#include "mcp/pf_tools.h"

namespace memex::cli {

Result<std::unique_ptr<ToolStack>> BuildToolStack(const Config& config, const Clock& clock,
                                                  const Redactor& redactor, MemoryService& service,
                                                  CaptureService* capture,
                                                  const Scope& default_scope) {
  auto stack = std::make_unique<ToolStack>();
  // Arguments go through the redaction rules too, so a secret that pf_poke stores redacted is
  // not kept verbatim in the audit file.
  audit::Scrubber scrub;
  if (config.redaction.enabled) {
    scrub = [&redactor](std::string_view text) { return redactor.Redact(text); };
  }
  ASSIGN_OR_RETURN(stack->audit_log,
                   audit::OpenAuditLog(config.audit, config.data_dir, std::move(scrub)));
  mcp::RegisterPagefaultTools(stack->tools, service, default_scope, config, clock, capture);
  stack->tools.SetAuditLog(stack->audit_log.get());
  return stack;
}

}  // namespace memex::cli
