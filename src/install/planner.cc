#include "install/planner.h"

#include <algorithm>

#include "install/toml_block.h"

namespace memex::install {
namespace {

std::vector<std::string> McpArgs(const InstallSpec& spec) {
  std::vector<std::string> args = {"mcp"};
  if (!spec.config_path.empty()) {
    args.push_back("--config");
    args.push_back(spec.config_path);
  }
  if (!spec.data_dir.empty()) {
    args.push_back("--data-dir");
    args.push_back(spec.data_dir);
  }
  return args;
}

bool UsesHttp(const InstallSpec& spec) {
  return !spec.server_url.empty() && SupportsHttp(spec.client);
}

// The top-level key holding MCP servers in the client's JSON file.
constexpr std::string_view kMcpKey = "mcpServers";

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

FileChange Change(std::string path, std::string what, std::optional<std::string> before,
                  std::optional<std::string> after) {
  FileStatus status = FileStatus::kUnchanged;
  if (!before && !after) {
    status = FileStatus::kAbsent;
  } else if (!before) {
    status = FileStatus::kCreated;
  } else if (!after) {
    status = FileStatus::kRemoved;
  } else if (*before != *after) {
    status = FileStatus::kUpdated;
  }
  return FileChange{std::move(path), std::move(what), std::move(before), std::move(after), status};
}

// A JSON file after `edit`: unchanged text when the value did not change (so a second run
// rewrites nothing, whatever the file's formatting); nullopt (delete) when `drop_if_empty` and
// the edit left an empty object.
template <typename Edit>
Result<FileChange> EditJsonFile(const std::string& path, std::string what,
                                const std::optional<std::string>& before, bool drop_if_empty,
                                Edit edit) {
  ASSIGN_OR_RETURN(Json doc, ParseJsonObject(before.value_or(""), path));
  Json edited = doc;
  RETURN_IF_ERROR(edit(edited));
  if (edited == doc) return Change(path, std::move(what), before, before);
  if (drop_if_empty && edited.empty()) return Change(path, std::move(what), before, std::nullopt);
  return Change(path, std::move(what), before, DumpJson(edited));
}

std::string McpWhat(std::string_view name) { return "MCP server '" + std::string(name) + "'"; }

}  // namespace

std::string_view FileStatusName(FileStatus status) {
  switch (status) {
    case FileStatus::kCreated:
      return "created";
    case FileStatus::kUpdated:
      return "updated";
    case FileStatus::kUnchanged:
      return "unchanged";
    case FileStatus::kRemoved:
      return "removed";
    case FileStatus::kAbsent:
      return "absent";
  }
  return "unknown";
}

Json McpEntryJson(const InstallSpec& spec) {
  const bool http = UsesHttp(spec);
  const std::string url = spec.server_url + "/mcp";
  auto bearer = [&](std::string_view var_ref) {
    return Json{{"Authorization", "Bearer " + std::string(var_ref)}};
  };
  switch (spec.client) {
    case Client::kClaudeCode:
      if (!http)
        return Json{{"type", "stdio"}, {"command", spec.memex_path}, {"args", McpArgs(spec)}};
      if (spec.token_env.empty()) return Json{{"type", "http"}, {"url", url}};
      return Json{{"type", "http"}, {"url", url}, {"headers", bearer("${" + spec.token_env + "}")}};
    case Client::kCursor:
      if (!http) return Json{{"command", spec.memex_path}, {"args", McpArgs(spec)}};
      if (spec.token_env.empty()) return Json{{"url", url}};
      // Cursor interpolates ${env:NAME} in mcp.json.
      return Json{{"url", url}, {"headers", bearer("${env:" + spec.token_env + "}")}};
    case Client::kGeminiCli:
      if (!http) return Json{{"command", spec.memex_path}, {"args", McpArgs(spec)}};
      // httpUrl is Gemini CLI's streamable HTTP transport (url would be SSE).
      if (spec.token_env.empty()) return Json{{"httpUrl", url}};
      return Json{{"httpUrl", url}, {"headers", bearer("${" + spec.token_env + "}")}};
    case Client::kClaudeDesktop:
    case Client::kCodex:
      return Json{{"command", spec.memex_path}, {"args", McpArgs(spec)}};
  }
  return Json::object();
}

std::string CodexTomlBody(const InstallSpec& spec) {
  std::string body = "[mcp_servers." + spec.name + "]\n";
  if (UsesHttp(spec)) {
    body += "url = " + TomlString(spec.server_url + "/mcp") + "\n";
    if (!spec.token_env.empty()) {
      body += "bearer_token_env_var = " + TomlString(spec.token_env) + "\n";
    }
  } else {
    body += "command = " + TomlString(spec.memex_path) + "\n";
    body += "args = " + TomlStringArray(McpArgs(spec)) + "\n";
  }
  return body;
}

int HookTimeoutS(Client client, std::string_view event) {
  return client == Client::kCodex && event == "SessionEnd" ? 3 : 10;
}

std::string HookCommand(const InstallSpec& spec, std::string_view event) {
  std::string cmd = ShellQuote(spec.memex_path, /*always=*/true) + " hook " + KebabCase(event) +
                    " --agent " + std::string(ClientName(spec.client));
  if (!spec.server_url.empty()) cmd += " --server " + ShellQuote(spec.server_url);
  if (!spec.token_env.empty()) cmd += " --token-env " + ShellQuote(spec.token_env);
  if (!spec.config_path.empty()) cmd += " --config " + ShellQuote(spec.config_path);
  if (!spec.data_dir.empty()) cmd += " --data-dir " + ShellQuote(spec.data_dir);
  return cmd;
}

Result<Plan> PlanInstall(const InstallSpec& spec, const ClientFiles& files,
                         const ReadFileFn& read) {
  Plan plan;
  ASSIGN_OR_RETURN(std::optional<std::string> mcp_before, read(files.mcp));
  if (spec.client == Client::kCodex) {
    ASSIGN_OR_RETURN(std::string after, UpsertTomlBlock(mcp_before.value_or(""), spec.name,
                                                        CodexTomlBody(spec), files.mcp));
    plan.files.push_back(Change(files.mcp, McpWhat(spec.name), mcp_before, after));
  } else {
    const Json entry = McpEntryJson(spec);
    ASSIGN_OR_RETURN(FileChange change,
                     EditJsonFile(files.mcp, McpWhat(spec.name), mcp_before, false, [&](Json& doc) {
                       return UpsertMcpServer(doc, kMcpKey, spec.name, entry, files.mcp);
                     }));
    plan.files.push_back(std::move(change));
  }
  if (HasHooks(spec.client) && !files.hooks.empty()) {
    std::vector<HookSpec> hooks;
    for (const std::string& event : HookEvents(spec.client)) {
      hooks.push_back(HookSpec{event, HookCommand(spec, event), HookTimeoutS(spec.client, event)});
    }
    ASSIGN_OR_RETURN(std::optional<std::string> hooks_before, read(files.hooks));
    ASSIGN_OR_RETURN(
        FileChange change,
        EditJsonFile(files.hooks, "hooks (" + std::to_string(hooks.size()) + " events)",
                     hooks_before, false,
                     [&](Json& doc) { return UpsertHooks(doc, hooks, files.hooks); }));
    plan.files.push_back(std::move(change));
  }

  const std::string client(ClientName(spec.client));
  if (!spec.server_url.empty() && !SupportsHttp(spec.client)) {
    plan.notes.push_back(client +
                         " runs MCP servers over stdio only: it gets 'memex mcp' on this "
                         "machine's data directory; --server and --token-env are not used");
  }
  if (!HasHooks(spec.client)) {
    plan.notes.push_back(client +
                         " gets the MCP server only: memex has no hooks for it, so sessions are "
                         "not captured automatically");
  }
  if (spec.client == Client::kCodex) {
    plan.notes.push_back(
        "Codex runs hooks only after you trust them: start 'codex' once and accept the memex "
        "hooks when it asks (automation: 'codex exec --dangerously-bypass-hook-trust ...'). "
        "Until then they silently do not run");
  }
  if (spec.client == Client::kClaudeCode && files.mcp.ends_with("/.mcp.json")) {
    plan.notes.push_back(
        "Claude Code asks once to approve the servers of a project's .mcp.json; accept 'memex' "
        "when it does");
  }
  return plan;
}

Result<Plan> PlanUninstall(Client client, std::string_view name, const ClientFiles& files,
                           const ReadFileFn& read) {
  Plan plan;
  const std::string n(name);
  ASSIGN_OR_RETURN(std::optional<std::string> mcp_before, read(files.mcp));
  bool foreign = false;
  if (!mcp_before) {
    plan.files.push_back(Change(files.mcp, McpWhat(n), std::nullopt, std::nullopt));
  } else if (client == Client::kCodex) {
    ASSIGN_OR_RETURN(TomlRemoval removal, RemoveTomlBlock(*mcp_before, n, files.mcp));
    foreign = removal.foreign;
    std::optional<std::string> after = removal.text;
    if (removal.removed && IsBlank(removal.text)) after.reset();
    plan.files.push_back(Change(files.mcp, McpWhat(n), mcp_before, after));
  } else {
    ASSIGN_OR_RETURN(FileChange change,
                     EditJsonFile(files.mcp, McpWhat(n), mcp_before, true, [&](Json& doc) {
                       Result<RemoveOutcome> r = RemoveMcpServer(doc, kMcpKey, n, files.mcp);
                       if (!r.ok()) return r.status();
                       foreign = *r == RemoveOutcome::kForeign;
                       return Status::Ok();
                     }));
    plan.files.push_back(std::move(change));
  }
  if (foreign) {
    plan.notes.push_back("the MCP server named '" + n + "' in " + files.mcp +
                         " does not run memex; it was left alone");
  }
  if (HasHooks(client) && !files.hooks.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> hooks_before, read(files.hooks));
    if (!hooks_before) {
      plan.files.push_back(Change(files.hooks, "hooks", std::nullopt, std::nullopt));
    } else {
      ASSIGN_OR_RETURN(FileChange change,
                       EditJsonFile(files.hooks, "hooks", hooks_before, true, [&](Json& doc) {
                         Result<int> r = RemoveHooks(doc, files.hooks);
                         return r.ok() ? Status::Ok() : r.status();
                       }));
      plan.files.push_back(std::move(change));
    }
  }
  return plan;
}

}  // namespace memex::install
