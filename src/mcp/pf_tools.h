// The seven agent-facing tools with pagefault's names, arguments, results, annotations and error
// codes (SPEC §3; seeds-catalogue §000), backed by memex's own store. docs/tools.md documents
// each tool and memex's extensions.
//
// Resources are memories, addressed as memex://<workspace>/<project>/memories/<id> (pf_uri.h).
// Filesystem, subprocess, http and subagent sources come later: until then pf_fault, pf_ps with a
// task id and pf_poke mode "agent" answer agent_not_found / resource_not_found, and pf_poke mode
// "direct" answers backend_not_found.
//
// Thread-safety: the registered handlers hold no mutable state and may run concurrently.
#pragma once

#include "config/config.h"
#include "core/scope.h"
#include "mcp/tool.h"
#include "service/memory_service.h"

namespace memex::mcp {

// Registers pf_maps, pf_load, pf_scan, pf_peek, pf_poke, pf_fault, pf_ps on `registry`.
// `service`, `config` must outlive the registry; `default_scope` is the scope of calls that name
// none.
void RegisterPagefaultTools(ToolRegistry& registry, MemoryService& service,
                            const Scope& default_scope, const Config& config);

}  // namespace memex::mcp
