// The agent clients `memex install` knows, and where each keeps its MCP servers and hooks
// (docs/install.md has the table). Pure: paths come from the environment through EnvFn.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config_loader.h"

namespace memex::install {

enum class Client { kClaudeCode, kCodex, kCursor, kClaudeDesktop, kGeminiCli };
enum class InstallScope { kUser, kProject };

// "claude-code", "codex", "cursor", "claude-desktop", "gemini-cli".
std::string_view ClientName(Client client);
// Errors: kInvalidArgument naming the accepted clients.
Result<Client> ParseClient(std::string_view name);
std::string_view InstallScopeName(InstallScope scope);
// "user" or "project". Errors: kInvalidArgument.
Result<InstallScope> ParseInstallScope(std::string_view name);

// Whether memex installs hooks for the client (Claude Code and Codex; the others get the MCP
// server only).
bool HasHooks(Client client);
// Claude Desktop has one config file per user and runs stdio servers only.
bool HasProjectScope(Client client);
bool SupportsHttp(Client client);
// The hook events memex subscribes to, in the client's own (PascalCase) spelling.
std::vector<std::string> HookEvents(Client client);
// "SessionStart" -> "session-start".
std::string KebabCase(std::string_view pascal);

struct ClientFiles {
  std::string mcp;    // the file holding the MCP server entry
  std::string hooks;  // the hooks file; "" when the client gets no hooks
};

// Absolute paths of the client's files. User scope reads $HOME, $CLAUDE_CONFIG_DIR (Claude
// Code), $CODEX_HOME (Codex) and $XDG_CONFIG_HOME (Claude Desktop); project scope puts them
// under `project_dir` (absolute). Errors: kFailedPrecondition when HOME is needed but unset;
// kInvalidArgument for project scope on a client without one.
Result<ClientFiles> ResolveClientFiles(Client client, InstallScope scope,
                                       const std::string& project_dir, const EnvFn& env);

}  // namespace memex::install
