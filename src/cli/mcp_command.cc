// `memex mcp`: the MCP server over stdio (SPEC §4), for an agent's MCP config
// (`{"command": "memex", "args": ["mcp"]}`). stdout carries only JSON-RPC; every log line goes to
// stderr. Runs until the client closes stdin.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_log.h"
#include "base/log.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "mcp/pf_tools.h"
#include "mcp/server.h"
#include "mcp/stdio_transport.h"
#include "mcp/tool.h"
#include "redact/redactor.h"

namespace memex::cli {
namespace {

class McpCommand : public Command {
 public:
  std::vector<Opt> Options() override { return {}; }

  Status Run(Session& session) override {
    // Everything that can fail is opened before the first message is read, so a broken config or
    // data directory is a CLI error (stderr, exit code), not a server that answers nothing.
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    ASSIGN_OR_RETURN(ResolvedScope scope, session.GetScope());
    ASSIGN_OR_RETURN(MemoryService * service, session.GetService());

    // Every tool call is audited (docs/audit.md); declared first so it outlives the registry. The
    // arguments go through the redaction rules too, so a secret pf_poke stores redacted is not
    // kept verbatim in the audit file.
    ASSIGN_OR_RETURN(std::unique_ptr<Redactor> audit_redactor, Redactor::Create(config->redaction));
    audit::Scrubber scrub;
    if (config->redaction.enabled) {
      scrub = [r = audit_redactor.get()](std::string_view text) { return r->Redact(text); };
    }
    ASSIGN_OR_RETURN(std::unique_ptr<audit::AuditLog> audit_log,
                     audit::OpenAuditLog(config->audit, config->data_dir, std::move(scrub)));
    mcp::ToolRegistry tools;
    mcp::RegisterPagefaultTools(tools, *service, scope.scope, *config);
    tools.SetAuditLog(audit_log.get());
    mcp::Server server(
        mcp::ServerInfo{.name = "memex", .version = session.deps().version, .title = "memex"},
        mcp::DefaultInstructions(), tools);
    mcp::StdioTransport transport(server, mcp::StdioOptions{},
                                  mcp::CallContext{.principal = "local", .interface = "mcp"});
    LogInfo("mcp: serving stdio, default scope " + scope.scope.ToString());
    Status st = transport.Run(session.deps().in, session.deps().out);
    LogInfo("mcp: stdin closed, exiting");
    return st;
  }
};

}  // namespace

std::unique_ptr<Command> NewMcpCommand() { return std::make_unique<McpCommand>(); }

}  // namespace memex::cli
