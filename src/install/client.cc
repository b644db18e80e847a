#include "install/client.h"

#include <array>
#include <filesystem>
#include <optional>
#include <utility>

namespace memex::install {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::pair<Client, std::string_view>, 5> kClients = {{
    {Client::kClaudeCode, "claude-code"},
    {Client::kCodex, "codex"},
    {Client::kCursor, "cursor"},
    {Client::kClaudeDesktop, "claude-desktop"},
    {Client::kGeminiCli, "gemini-cli"},
}};

// A variable that is set to an absolute path; relative values are ignored like XDG says.
std::optional<fs::path> AbsoluteVar(const EnvFn& env, std::string_view name) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty() || !fs::path(*v).is_absolute()) return std::nullopt;
  return fs::path(*v);
}

}  // namespace

std::string_view ClientName(Client client) {
  for (const auto& [c, name] : kClients) {
    if (c == client) return name;
  }
  return "unknown";
}

Result<Client> ParseClient(std::string_view name) {
  for (const auto& [c, n] : kClients) {
    if (n == name) return c;
  }
  return InvalidArgument("unknown client '" + std::string(name) +
                         "' (expected claude-code, codex, cursor, claude-desktop or gemini-cli)");
}

std::string_view InstallScopeName(InstallScope scope) {
  return scope == InstallScope::kUser ? "user" : "project";
}

Result<InstallScope> ParseInstallScope(std::string_view name) {
  if (name == "user") return InstallScope::kUser;
  if (name == "project") return InstallScope::kProject;
  return InvalidArgument("unknown scope '" + std::string(name) + "' (expected user or project)");
}

bool HasHooks(Client client) { return client == Client::kClaudeCode || client == Client::kCodex; }
bool HasProjectScope(Client client) { return client != Client::kClaudeDesktop; }
bool SupportsHttp(Client client) { return client != Client::kClaudeDesktop; }

std::vector<std::string> HookEvents(Client client) {
  switch (client) {
    case Client::kClaudeCode:
      // A failed tool call fires PostToolUseFailure instead of PostToolUse (Claude Code 2.1).
      return {"SessionStart",       "UserPromptSubmit", "PreToolUse", "PostToolUse",
              "PostToolUseFailure", "PreCompact",       "Stop",       "SessionEnd"};
    case Client::kCodex:
      return {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse",
              "PreCompact",   "PostCompact",      "Stop",       "SessionEnd"};
    default:
      return {};
  }
}

std::string KebabCase(std::string_view pascal) {
  std::string out;
  for (char c : pascal) {
    if (c >= 'A' && c <= 'Z') {
      if (!out.empty()) out += '-';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

Result<ClientFiles> ResolveClientFiles(Client client, InstallScope scope,
                                       const std::string& project_dir, const EnvFn& env) {
  if (scope == InstallScope::kProject) {
    if (!HasProjectScope(client)) {
      return InvalidArgument(std::string(ClientName(client)) +
                             " has no project configuration; use --scope user");
    }
    const fs::path dir(project_dir);
    switch (client) {
      case Client::kClaudeCode:
        return ClientFiles{(dir / ".mcp.json").string(), (dir / ".claude/settings.json").string()};
      case Client::kCodex:
        return ClientFiles{(dir / ".codex/config.toml").string(),
                           (dir / ".codex/hooks.json").string()};
      case Client::kCursor:
        return ClientFiles{(dir / ".cursor/mcp.json").string(), ""};
      case Client::kGeminiCli:
        return ClientFiles{(dir / ".gemini/settings.json").string(), ""};
      case Client::kClaudeDesktop:
        break;
    }
    return Internal("unhandled client");
  }
  const std::optional<fs::path> home = AbsoluteVar(env, "HOME");
  auto need_home = [&]() -> Status {
    if (home) return Status::Ok();
    return FailedPrecondition("HOME is not set (or not an absolute path); cannot find the " +
                              std::string(ClientName(client)) + " configuration");
  };
  switch (client) {
    case Client::kClaudeCode:
      if (std::optional<fs::path> dir = AbsoluteVar(env, "CLAUDE_CONFIG_DIR")) {
        return ClientFiles{(*dir / ".claude.json").string(), (*dir / "settings.json").string()};
      }
      RETURN_IF_ERROR(need_home());
      return ClientFiles{(*home / ".claude.json").string(),
                         (*home / ".claude/settings.json").string()};
    case Client::kCodex: {
      std::optional<fs::path> dir = AbsoluteVar(env, "CODEX_HOME");
      if (!dir) {
        RETURN_IF_ERROR(need_home());
        dir = *home / ".codex";
      }
      return ClientFiles{(*dir / "config.toml").string(), (*dir / "hooks.json").string()};
    }
    case Client::kCursor:
      RETURN_IF_ERROR(need_home());
      return ClientFiles{(*home / ".cursor/mcp.json").string(), ""};
    case Client::kClaudeDesktop: {
      std::optional<fs::path> dir = AbsoluteVar(env, "XDG_CONFIG_HOME");
      if (!dir) {
        RETURN_IF_ERROR(need_home());
        dir = *home / ".config";
      }
      return ClientFiles{(*dir / "Claude/claude_desktop_config.json").string(), ""};
    }
    case Client::kGeminiCli:
      RETURN_IF_ERROR(need_home());
      return ClientFiles{(*home / ".gemini/settings.json").string(), ""};
  }
  return Internal("unhandled client");
}

}  // namespace memex::install
