// `memex mcp`: the MCP server over stdio (SPEC §4), for an agent's MCP config
// (`{"command": "memex", "args": ["mcp"]}`). stdout carries only JSON-RPC; every log line goes to
// stderr. Runs until the client closes stdin.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "cli/tool_stack.h"
#include "mcp/server.h"
#include "mcp/stdio_transport.h"
#include "mcp/tool.h"

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
    RETURN_IF_ERROR(session.StartSemantic());
    ASSIGN_OR_RETURN(const Redactor* redactor, session.GetRedactor());
    ASSIGN_OR_RETURN(CaptureService * capture, session.GetCapture());

    ASSIGN_OR_RETURN(
        std::unique_ptr<ToolStack> stack,
        BuildToolStack(*config, session.deps().clock, *redactor, *service, capture, scope.scope));
    mcp::ToolRegistry& tools = stack->tools;
    mcp::Server server(
        mcp::ServerInfo{.name = "memex", .version = session.deps().version, .title = "memex"},
        mcp::DefaultInstructions(), tools);
    mcp::StdioTransport transport(server, mcp::StdioOptions{},
                                  mcp::CallContext{.interface = "mcp"});
    LogInfo("mcp: serving stdio, default scope " + scope.scope.ToString());
    Status st = transport.Run(session.deps().in, session.deps().out);
    LogInfo("mcp: stdin closed, exiting");
    session.StopSemantic();
    return st;
  }
};

}  // namespace

std::unique_ptr<Command> NewMcpCommand() { return std::make_unique<McpCommand>(); }

}  // namespace memex::cli
