// Plans `memex install` / `memex uninstall` for one client: from the current text of the
// client's files, the text each should have afterwards. Pure: reading goes through a callback
// and nothing is written here (file_ops.h applies a plan). Every file is parsed and every
// change computed before anything is written, so a malformed file stops the whole run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "install/client.h"
#include "install/json_config.h"

namespace memex::install {

// What to install: the MCP server (stdio `memex mcp`, or the HTTP endpoint of a server) and, for
// clients with hooks, one `memex hook <event>` command per event.
struct InstallSpec {
  Client client = Client::kClaudeCode;
  std::string name = "memex";  // the MCP server's name in the client ([A-Za-z0-9_-]+)
  std::string memex_path;      // absolute path of the memex binary the client runs
  std::string config_path;     // "" = memex's default; else passed as --config
  std::string data_dir;        // "" = memex's default; else passed as --data-dir
  std::string server_url;      // "" = stdio; else the base URL of `memex serve` (no /mcp)
  std::string token_env;       // "" = none; else the variable holding the bearer token
};

// Seconds a client waits for one `memex hook` before giving up on it: 10, except Codex's
// SessionEnd, which Codex clamps to 3 (and warns about on every run when asked for more).
int HookTimeoutS(Client client, std::string_view event);

enum class FileStatus { kCreated, kUpdated, kUnchanged, kRemoved, kAbsent };
// "created", "updated", "unchanged", "removed", "absent".
std::string_view FileStatusName(FileStatus status);

struct FileChange {
  std::string path;
  std::string what;                   // "MCP server 'memex'" or "hooks"
  std::optional<std::string> before;  // the file's text; nullopt when it does not exist
  std::optional<std::string> after;   // the text to write; nullopt: delete (or leave absent)
  FileStatus status = FileStatus::kUnchanged;
};

struct Plan {
  std::vector<FileChange> files;
  std::vector<std::string> notes;  // what the user should know (trust steps, MCP-only clients)
};

// Reads a file: nullopt when it does not exist. Errors: the file exists but cannot be read.
using ReadFileFn = std::function<Result<std::optional<std::string>>(const std::string& path)>;

// The MCP server entry (JSON clients) for the spec; for Codex, the TOML body of the block.
Json McpEntryJson(const InstallSpec& spec);
std::string CodexTomlBody(const InstallSpec& spec);
// The shell command a client runs for `event` ("SessionStart").
std::string HookCommand(const InstallSpec& spec, std::string_view event);

// Errors: reading errors; kInvalidArgument for a malformed file (path, line and column);
// kAlreadyExists when an MCP server of that name exists and is not memex's.
Result<Plan> PlanInstall(const InstallSpec& spec, const ClientFiles& files, const ReadFileFn& read);
// Removes only memex's entries; a file left empty that way is deleted. Errors: reading errors;
// kInvalidArgument for a malformed file.
Result<Plan> PlanUninstall(Client client, std::string_view name, const ClientFiles& files,
                           const ReadFileFn& read);

}  // namespace memex::install
