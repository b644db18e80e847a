// The command table: one row per subcommand. Each command group file defines the factories it
// declares here; cli/app.cc registers every row with the parser.
#pragma once

#include <memory>

#include "cli/command.h"

namespace memex::cli {

// memory_commands.cc
std::unique_ptr<Command> NewRememberCommand();
std::unique_ptr<Command> NewGetCommand();
std::unique_ptr<Command> NewUpdateCommand();
std::unique_ptr<Command> NewForgetCommand();
// search_commands.cc
std::unique_ptr<Command> NewRecallCommand();
std::unique_ptr<Command> NewListCommand();
// transfer_commands.cc
std::unique_ptr<Command> NewExportCommand();
std::unique_ptr<Command> NewImportCommand();
// admin_commands.cc
std::unique_ptr<Command> NewStatsCommand();
std::unique_ptr<Command> NewDoctorCommand();
std::unique_ptr<Command> NewVersionCommand();
std::unique_ptr<Command> NewStatusCommand();
// mcp_command.cc
std::unique_ptr<Command> NewMcpCommand();
// serve_command.cc
std::unique_ptr<Command> NewServeCommand();
// token_commands.cc
std::unique_ptr<Command> NewTokenCommand();

inline constexpr CommandRow kCommandTable[] = {
    {"remember", "Store a memory (content from arguments, or stdin when none or '-')",
     "memex remember --kind decision --tag db \"Use SQLite in WAL mode\"", NewRememberCommand},
    {"recall", "Search memories in the current scope, best first",
     "memex recall --kind decision --since 2026-01-01 sqlite wal", NewRecallCommand},
    {"get", "Show one memory by id (--history: every version)", "memex get 0198c3e2-... --history",
     NewGetCommand},
    {"update", "Write a new version of a memory", "memex update 0198c3e2-... --tag db \"New text\"",
     NewUpdateCommand},
    {"forget", "Forget a memory (every version; --hard purges it)", "memex forget 0198c3e2-...",
     NewForgetCommand},
    {"list", "List memories, newest first", "memex list --kind decision --limit 20",
     NewListCommand},
    {"export", "Write memories as JSONL (all versions and tombstones)",
     "memex export --all-scopes --out backup.jsonl", NewExportCommand},
    {"import", "Read memories from a JSONL export (all or nothing)",
     "memex import backup.jsonl --dry-run", NewImportCommand},
    {"stats", "Counts by status, kind and scope", "memex stats --all-scopes", NewStatsCommand},
    {"doctor", "Check the config, data directory and database", "memex doctor", NewDoctorCommand},
    {"version", "Print the version", "memex version --json", NewVersionCommand},
    {"status", "Show version, config, data directory, database and scope", "memex status",
     NewStatusCommand},
    {"mcp", "Serve MCP over stdio (for an agent's MCP config)", "memex mcp", NewMcpCommand},
    {"serve", "Serve MCP (streamable HTTP, SSE) and REST over HTTP until Ctrl-C",
     "memex serve --port 7700", NewServeCommand},
    {"token", "Manage bearer tokens: create (shown once), list, revoke",
     "memex token create --name ci --role read --scope 'acme/*'", NewTokenCommand},
};

}  // namespace memex::cli
