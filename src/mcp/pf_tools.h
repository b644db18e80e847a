// The seven agent-facing tools with pagefault's names, arguments, results, annotations and error
// codes (SPEC §3; seeds-catalogue §000), backed by memex's own store and the filesystem sources
// of config.sources. docs/tools.md documents each tool and memex's extensions.
//
// Memories are addressed as memex://<workspace>/<project>/memories/<id> (pf_uri.h), files of a
// source as <uri_scheme>://<relative path> (sources/source.h). With a CaptureService the tools
// also reach capture (SPEC §7): pf_load contexts handoff, briefing and lessons; pf_poke modes
// handoff and lesson; pf_peek of memex://<ws>/<proj>/sessions|handoffs|lessons/<id>; session
// events as pf_scan's channel "events"; and a pf_poke whose call carries a tool-use id
// (CallContext::tool_use_id) links what it writes to the hook session of that call.
// Subprocess, http and subagent sources come later: until then pf_fault, pf_ps with a task id
// and pf_poke mode "agent" answer agent_not_found / resource_not_found.
//
// Thread-safety: the registered handlers hold no mutable state (sources are safe for concurrent
// use) and may run concurrently.
#pragma once

#include "base/clock.h"
#include "config/config.h"
#include "core/scope.h"
#include "mcp/tool.h"
#include "service/capture_service.h"
#include "service/memory_service.h"

namespace memex::mcp {

// Registers pf_maps, pf_load, pf_scan, pf_peek, pf_poke, pf_fault, pf_ps on `registry`.
// `service`, `config` and `clock` (stamps source entries) must outlive the registry;
// `default_scope` is the scope of calls that name none. Builds one FilesystemSource per
// config.sources entry; an entry that cannot be opened (missing root) is logged and left out.
// `capture` (not owned; must outlive the registry) may be null: the capture features are then
// absent (not listed, and answered as unknown contexts, modes, collections and backends).
void RegisterPagefaultTools(ToolRegistry& registry, MemoryService& service,
                            const Scope& default_scope, const Config& config, const Clock& clock,
                            CaptureService* capture = nullptr);

}  // namespace memex::mcp
