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
// dataset_command.cc
std::unique_ptr<Command> NewExportDatasetCommand();
// admin_commands.cc
std::unique_ptr<Command> NewStatsCommand();
std::unique_ptr<Command> NewDoctorCommand();
std::unique_ptr<Command> NewVersionCommand();
std::unique_ptr<Command> NewStatusCommand();
std::unique_ptr<Command> NewReindexCommand();
// consolidate_command.cc
std::unique_ptr<Command> NewConsolidateCommand();
// archive_commands.cc
std::unique_ptr<Command> NewArchiveCommand();
std::unique_ptr<Command> NewUnarchiveCommand();
std::unique_ptr<Command> NewDecayCommand();
// mcp_command.cc
std::unique_ptr<Command> NewMcpCommand();
// serve_command.cc
std::unique_ptr<Command> NewServeCommand();
// token_commands.cc
std::unique_ptr<Command> NewTokenCommand();
// hook_command.cc
std::unique_ptr<Command> NewHookCommand();
// capture_commands.cc
std::unique_ptr<Command> NewSessionsCommand();
std::unique_ptr<Command> NewLessonsCommand();
std::unique_ptr<Command> NewHandoffCommand();
// install_command.cc
std::unique_ptr<Command> NewInstallCommand();
std::unique_ptr<Command> NewUninstallCommand();

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
    {"import", "Read memories from a JSONL export, or agent transcripts with --from",
     "memex import backup.jsonl --dry-run", NewImportCommand},
    {"export-dataset", "Fine-tune records (sft, trajectory, preference) from captured tool calls",
     "memex export-dataset --format sft --all-scopes --out calls.jsonl", NewExportDatasetCommand},
    {"stats", "Counts by status, kind and scope", "memex stats --all-scopes", NewStatsCommand},
    {"doctor", "Check the config, data directory and database", "memex doctor", NewDoctorCommand},
    {"reindex", "Embed every memory that has no vector of the configured model now",
     "memex reindex --prune", NewReindexCommand},
    {"consolidate", "Find near-duplicate memories; --apply archives all but the newest of each",
     "memex consolidate --threshold 0.95 --apply", NewConsolidateCommand},
    {"archive", "Archive memories: out of recall and list, kept, reversible",
     "memex archive 0198c3e2-...", NewArchiveCommand},
    {"unarchive", "Restore archived memories (--sweep: everything one decay archived)",
     "memex unarchive --sweep 1767225600000", NewUnarchiveCommand},
    {"decay", "Find stale episodic memories; --apply archives them (dry run by default)",
     "memex decay --after-days 60 --apply", NewDecayCommand},
    {"version", "Print the version", "memex version --json", NewVersionCommand},
    {"status", "Show version, config, data directory, database and scope", "memex status",
     NewStatusCommand},
    {"mcp", "Serve MCP over stdio (for an agent's MCP config)", "memex mcp", NewMcpCommand},
    {"serve", "Serve MCP (streamable HTTP, SSE) and REST over HTTP until Ctrl-C",
     "memex serve --port 7700", NewServeCommand},
    {"token", "Manage bearer tokens: create (shown once), list, revoke",
     "memex token create --name ci --role read --scope 'acme/*'", NewTokenCommand},
    {"hook", "Capture an agent's hook event (JSON on stdin); always exits 0",
     "memex hook session-start --agent claude-code < payload.json", NewHookCommand},
    {"sessions", "Captured agent sessions: list, show (--events), end",
     "memex sessions show 5f1c... --events", NewSessionsCommand},
    {"lessons", "Rules shown to agents before risky tool calls: add, list, enable, disable",
     "memex lessons add --tool Bash --input-regex 'git push.*--force' --severity critical "
     "--rule \"Never force-push; open a PR\"",
     NewLessonsCommand},
    {"handoff", "What the next session is told: show (pending), list, write",
     "memex handoff write --summary \"Parser half done\" --next \"Add the tests\"",
     NewHandoffCommand},
    {"install", "Add memex's MCP server and hooks to an agent client's config",
     "memex install --client claude-code", NewInstallCommand},
    {"uninstall", "Remove memex's MCP server and hooks from an agent client's config",
     "memex uninstall --client claude-code", NewUninstallCommand},
};

}  // namespace memex::cli
