// `memex install` / `memex uninstall` (docs/install.md): put memex's MCP server and hooks into
// an agent client's config files, or take them out again. The install layer plans and applies
// the change; this file turns flags into an InstallSpec and reports what happened.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/session.h"
#include "install/client.h"
#include "install/file_ops.h"
#include "install/planner.h"
#include "install/text_diff.h"

namespace memex::cli {
namespace {

namespace fs = std::filesystem;

bool IsIdentifier(std::string_view s, bool allow_dash) {
  if (s.empty() || s.size() > 64 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || (allow_dash && c == '-');
    if (!ok) return false;
  }
  return true;
}

// `raw` made absolute against the working directory.
std::string Absolute(const std::string& raw, const std::string& cwd) {
  fs::path p(raw);
  if (p.is_relative() && !cwd.empty()) p = fs::path(cwd) / p;
  std::string out = p.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// The server's base URL: no trailing slash, no /mcp (added per client).
Result<std::string> BaseUrl(std::string url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return InvalidArgument("--server must be an http:// or https:// URL, got '" + url + "'");
  }
  while (url.ends_with("/")) url.pop_back();
  if (url.ends_with("/mcp")) url.resize(url.size() - 4);
  if (url.find_first_of(" \t\n\"'") != std::string::npos) {
    return InvalidArgument("--server: the URL has spaces or quotes");
  }
  return url;
}

std::string StatusText(const install::FileChange& f, const std::string& backup, bool dry_run) {
  std::string status(install::FileStatusName(f.status));
  if (f.status == install::FileStatus::kAbsent) return "not present";
  if (dry_run && f.status != install::FileStatus::kUnchanged) return "would be " + status;
  if (!backup.empty()) status += " (backup: " + backup + ")";
  return status;
}

class InstallCommand : public Command {
 public:
  explicit InstallCommand(bool uninstall) : uninstall_(uninstall) {}

  std::vector<Opt> Options() override {
    std::vector<Opt> opts = {
        {"--client CLIENT", "claude-code | codex | cursor | claude-desktop | gemini-cli", &client_,
         /*required=*/true},
        {"--scope SCOPE", "user (default) or project (the files inside --project-dir)", &scope_},
        {"--project-dir DIR",
         "the project for --scope project (default: the current directory; implies --scope "
         "project)",
         &project_dir_},
        {"--name NAME", "the MCP server's name in the client (default memex)", &name_},
        {"--dry-run", "print the change to each file and write nothing", &dry_run_},
    };
    if (!uninstall_) {
      opts.push_back({"--server URL",
                      "use a running 'memex serve' over HTTP (default: stdio 'memex mcp')",
                      &server_});
      opts.push_back({"--token-env VAR",
                      "the environment variable holding the bearer token for --server",
                      &token_env_});
    }
    return opts;
  }

  Status Validate() override {
    ASSIGN_OR_RETURN(parsed_client_, install::ParseClient(client_));
    // --project-dir alone means --scope project.
    const std::string scope = !scope_.empty() ? scope_ : project_dir_.empty() ? "user" : "project";
    ASSIGN_OR_RETURN(parsed_scope_, install::ParseInstallScope(scope));
    if (parsed_scope_ == install::InstallScope::kProject &&
        !install::HasProjectScope(parsed_client_)) {
      return InvalidArgument(std::string(install::ClientName(parsed_client_)) +
                             " has no project configuration; use --scope user");
    }
    if (!project_dir_.empty() && parsed_scope_ != install::InstallScope::kProject) {
      return InvalidArgument("--project-dir only applies to --scope project");
    }
    if (name_.empty()) name_ = "memex";
    if (!IsIdentifier(name_, /*allow_dash=*/true)) {
      return InvalidArgument("--name must be 1-64 letters, digits, '_' or '-', got '" + name_ +
                             "'");
    }
    if (!token_env_.empty() && !IsIdentifier(token_env_, /*allow_dash=*/false)) {
      return InvalidArgument("--token-env must be an environment variable name, got '" +
                             token_env_ + "'");
    }
    if (!server_.empty()) {
      Result<std::string> base = BaseUrl(server_);
      if (!base.ok()) return base.status();
    }
    return Status::Ok();
  }

  Status Run(Session& session) override {
    const Deps& deps = session.deps();
    Output& out = session.output();
    const std::string project_dir =
        Absolute(project_dir_.empty() ? deps.cwd : project_dir_, deps.cwd);
    if (parsed_scope_ == install::InstallScope::kProject && project_dir.empty()) {
      return FailedPrecondition("cannot tell the current directory; pass --project-dir");
    }
    ASSIGN_OR_RETURN(
        install::ClientFiles files,
        install::ResolveClientFiles(parsed_client_, parsed_scope_, project_dir, deps.env));

    install::InstallSpec spec;
    if (!uninstall_) {
      ASSIGN_OR_RETURN(spec, MakeSpec(session));
    }
    Result<install::Plan> planned =
        uninstall_ ? install::PlanUninstall(parsed_client_, name_, files, install::ReadConfigFile)
                   : install::PlanInstall(spec, files, install::ReadConfigFile);
    if (!planned.ok()) return planned.status();
    const install::Plan& plan = *planned;

    std::vector<std::string> backups(plan.files.size());
    if (!dry_run_) {
      ASSIGN_OR_RETURN(backups, install::ApplyPlan(plan, session.NowMs()));
    }
    Report(out, spec, plan, backups);
    return Status::Ok();
  }

 private:
  Result<install::InstallSpec> MakeSpec(Session& session) {
    const Deps& deps = session.deps();
    const GlobalOptions& globals = session.globals();
    install::InstallSpec spec;
    spec.client = parsed_client_;
    spec.name = name_;
    ASSIGN_OR_RETURN(spec.memex_path, install::SelfMemexPath());
    if (!globals.config_path.empty()) spec.config_path = Absolute(globals.config_path, deps.cwd);
    if (!globals.data_dir.empty()) spec.data_dir = Absolute(globals.data_dir, deps.cwd);
    // `memex --server URL install ...` arrives through the global option.
    const std::string server = server_.empty() ? globals.server : server_;
    if (!server.empty()) {
      ASSIGN_OR_RETURN(spec.server_url, BaseUrl(server));
    }
    if (!token_env_.empty() && spec.server_url.empty()) {
      return InvalidArgument("--token-env needs --server (stdio 'memex mcp' uses no token)");
    }
    spec.token_env = token_env_;
    if (!globals.token.empty()) {
      session.output().Warning("--token is not written into any config file; use --token-env VAR");
    }
    return spec;
  }

  void Report(Output& out, const install::InstallSpec& spec, const install::Plan& plan,
              const std::vector<std::string>& backups) {
    const bool http =
        !uninstall_ && !spec.server_url.empty() && install::SupportsHttp(parsed_client_);
    if (out.json()) {
      Json files = Json::array();
      for (size_t i = 0; i < plan.files.size(); ++i) {
        const install::FileChange& f = plan.files[i];
        Json j = {{"path", f.path},
                  {"what", f.what},
                  {"status", install::FileStatusName(f.status)},
                  {"backup", backups[i].empty() ? Json(nullptr) : Json(backups[i])}};
        if (dry_run_) {
          j["diff"] =
              install::UnifiedDiff(f.before.value_or(""), f.after.value_or(""), f.path, f.path);
        }
        files.push_back(std::move(j));
      }
      Json doc = {{"action", uninstall_ ? "uninstall" : "install"},
                  {"client", install::ClientName(parsed_client_)},
                  {"scope", install::InstallScopeName(parsed_scope_)},
                  {"name", name_},
                  {"dry_run", dry_run_}};
      if (!uninstall_) {
        doc["transport"] = http ? "http" : "stdio";
        doc["command"] = spec.memex_path;
        if (http) doc["url"] = spec.server_url + "/mcp";
      }
      doc["files"] = std::move(files);
      doc["notes"] = plan.notes;
      out.PrintJson(doc);
      return;
    }
    for (size_t i = 0; i < plan.files.size(); ++i) {
      const install::FileChange& f = plan.files[i];
      out.out() << f.what << " in " << f.path << ": " << StatusText(f, backups[i], dry_run_)
                << '\n';
      if (dry_run_ && f.status != install::FileStatus::kUnchanged &&
          f.status != install::FileStatus::kAbsent) {
        out.out() << install::UnifiedDiff(f.before.value_or(""), f.after.value_or(""),
                                          f.before ? f.path : "/dev/null",
                                          f.after ? f.path : "/dev/null");
      }
    }
    if (dry_run_) out.Note("dry run: nothing was written");
    for (const std::string& note : plan.notes) out.Note(note);
  }

  bool uninstall_;
  std::string client_;
  std::string scope_;
  std::string project_dir_;
  std::string name_;
  std::string server_;
  std::string token_env_;
  bool dry_run_ = false;
  install::Client parsed_client_ = install::Client::kClaudeCode;
  install::InstallScope parsed_scope_ = install::InstallScope::kUser;
};

}  // namespace

std::unique_ptr<Command> NewInstallCommand() { return std::make_unique<InstallCommand>(false); }
std::unique_ptr<Command> NewUninstallCommand() { return std::make_unique<InstallCommand>(true); }

}  // namespace memex::cli
