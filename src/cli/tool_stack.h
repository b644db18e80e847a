// The tools every agent-facing command serves (`memex mcp`, `memex serve`): pagefault's seven
// over the service (and capture, when given), with every call audited (docs/audit.md). The stack
// owns the audit log, so it outlives the registry that writes to it; the log's arguments are
// scrubbed by the redactor the service stores through (the same rules, compiled once).
//
// Thread-safety: as mcp::ToolRegistry (filled here, then only read).
#pragma once

#include <memory>

#include "audit/audit_log.h"
#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "core/scope.h"
#include "mcp/tool.h"
#include "redact/redactor.h"
#include "service/capture_service.h"
#include "service/memory_service.h"

namespace memex::cli {

struct ToolStack {
  std::unique_ptr<audit::AuditLog> audit_log;
  mcp::ToolRegistry tools;
};

// `redactor`, `service`, `config`, `clock` and `capture` must outlive the stack. `capture` may
// be null: the tools then serve memories only (mcp/pf_tools.h).
// Errors: an audit log that cannot be opened.
Result<std::unique_ptr<ToolStack>> BuildToolStack(const Config& config, const Clock& clock,
                                                  const Redactor& redactor, MemoryService& service,
                                                  CaptureService* capture,
                                                  const Scope& default_scope);

}  // namespace memex::cli
