// The only translation unit that includes CLI11: parser exceptions end here and become usage
// errors (exit 2); everything past parsing is Status values.
#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/log.h"
#include "cli/cli_audit.h"
#include "cli/commands.h"
#include "core/scope.h"

namespace memex::cli {
namespace {

constexpr std::string_view kUsageCode = "usage";

constexpr std::string_view kGlobalOptionsFooter =
    "Global options (before or after the command):\n"
    "  --config FILE      config file (default $MEMEX_CONFIG, ~/.config/memex/memex.toml)\n"
    "  --data-dir DIR     data directory (default $MEMEX_DATA_DIR, ~/.local/share/memex)\n"
    "  --scope WS/PROJ    scope (default: from .memex.toml, git root or directory name)\n"
    "  --server URL       use a running 'memex serve' instead of the data directory\n"
    "                     (default $MEMEX_SERVER)\n"
    "  --token TOKEN      bearer token for --server (default $MEMEX_TOKEN)\n"
    "  --json             one JSON document on stdout (errors too)\n"
    "  --log-level LEVEL  debug | info | warn | error | off\n"
    "  --progress, --no-progress  force or suppress progress bars (default: when a TTY)";

constexpr std::string_view kExitCodesFooter =
    "Exit codes: 0 ok, 1 internal error, 2 usage error, 3 invalid input, 4 not found,\n"
    "5 failed precondition (e.g. read-only data directory, not authorized by the server),\n"
    "6 unavailable (database busy, server unreachable), 7 data loss.\n"
    "Run 'memex <command> --help' for the options of a command.";

void AddOpt(CLI::App& app, const Opt& opt) {
  // "--limit,-n N": the part after the space names the value in the help.
  std::string names = opt.names;
  std::string value_name;
  if (size_t space = names.find(' '); space != std::string::npos) {
    value_name = names.substr(space + 1);
    names.resize(space);
  }
  bool positional = names.front() != '-';
  CLI::Option* added = std::visit(
      [&](auto* target) -> CLI::Option* {
        using T = std::remove_pointer_t<decltype(target)>;
        if constexpr (std::is_same_v<T, bool>) {
          return app.add_flag(names, *target, opt.help);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return app.add_option(names, *target, opt.help);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          CLI::Option* o = app.add_option(names, *target, opt.help);
          // A repeatable option takes one value per occurrence; only positionals take the rest.
          if (!positional) o->allow_extra_args(false);
          return o;
        } else {
          using V = typename T::value_type;
          return app.add_option_function<V>(
              names, [target](const V& v) { *target = v; }, opt.help);
        }
      },
      opt.target);
  if (!value_name.empty() || positional) added->type_name(value_name);
  if (opt.required) added->required();
}

bool HasArg(int argc, const char* const* argv, std::string_view arg) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == std::string_view("--")) return false;
    if (argv[i] == arg) return true;
  }
  return false;
}

// Commands that always work on this machine's data directory: --server is a usage error there.
constexpr std::string_view kLocalOnlyCommands[] = {
    "doctor",  "serve",   "mcp",       "token", "export-dataset",
    "reindex", "archive", "unarchive", "decay", "consolidate"};

// The local hints speak of the database; against a server, what helps is different.
std::string_view RemoteHint(StatusCode code) {
  switch (code) {
    case StatusCode::kUnavailable:
      return "check that 'memex serve' is running at that URL and reachable (--server or "
             "$MEMEX_SERVER); retry if it is busy";
    case StatusCode::kPermissionDenied:
      return "pass the server's token with --token or $MEMEX_TOKEN";
    case StatusCode::kDataLoss:
      return "the server's database looks damaged: run 'memex doctor' on the server's machine";
    default:
      return "";
  }
}

int ReportStatus(Session& session, const Status& status) {
  bool remote = false;
  if (Result<const Config*> config = session.GetConfig(); config.ok()) {
    remote = !(*config)->client.server_url.empty();
  }
  session.output().Error(ErrorCodeName(status.code()), status.message(),
                         remote ? RemoteHint(status.code()) : ErrorHint(status.code()));
  return ToInt(ExitCodeFor(status.code()));
}

int ReportUsage(Output& output, std::string_view message, std::string_view command) {
  std::string hint =
      "run 'memex " + std::string(command) + (command.empty() ? "" : " ") + "--help' for usage";
  output.Error(kUsageCode, message, hint);
  return ToInt(ExitCode::kUsage);
}

// Checks the global options that need no config: usage errors.
Status ValidateGlobals(const GlobalOptions& g) {
  if (!g.log_level.empty()) {
    LogLevel level;
    if (!ParseLogLevel(g.log_level, level)) {
      return InvalidArgument("--log-level: unknown level '" + g.log_level +
                             "' (expected debug, info, warn, error or off)");
    }
  }
  if (!g.scope.empty()) {
    Result<Scope> scope = ParseScope(g.scope);
    if (!scope.ok()) return scope.status().WithContext("--scope");
  }
  if (g.progress && g.no_progress) {
    return InvalidArgument("--progress and --no-progress cannot be combined");
  }
  return Status::Ok();
}

}  // namespace

int RunCli(int argc, const char* const* argv, const Deps& deps) {
  GlobalOptions globals;
  // Known before parsing so that parse errors honour --json too.
  globals.json = HasArg(argc, argv, "--json");
  Output early_output(deps.out, deps.err, globals.json);

  CLI::App app("memex: persistent, private memory for AI agents.", "memex");
  app.fallthrough();
  app.require_subcommand(0, 1);
  app.get_formatter()->column_width(32);
  app.footer(std::string(kExitCodesFooter));
  app.add_option("--config", globals.config_path, "Config file (TOML)")->type_name("FILE");
  app.add_option("--data-dir", globals.data_dir, "Data directory")->type_name("DIR");
  app.add_option("--scope", globals.scope, "Scope (default: resolved from the cwd)")
      ->type_name("WS/PROJ");
  app.add_option("--server", globals.server,
                 "Use a running 'memex serve' at URL instead of the data directory")
      ->type_name("URL");
  app.add_option("--token", globals.token, "Bearer token for --server")->type_name("TOKEN");
  app.add_flag("--json", globals.json, "Print one JSON document on stdout");
  app.add_option("--log-level", globals.log_level, "debug | info | warn | error | off")
      ->type_name("LEVEL");
  app.add_flag("--progress", globals.progress, "Always draw progress bars on stderr");
  app.add_flag("--no-progress", globals.no_progress, "Never draw progress bars");
  app.add_flag("--version", globals.version, "Print the version and exit");

  std::vector<std::unique_ptr<Command>> commands;
  std::vector<CLI::App*> subcommands;
  try {
    for (const CommandRow& row : kCommandTable) {
      std::unique_ptr<Command> command = row.make();
      CLI::App* sub = app.add_subcommand(std::string(row.name), std::string(row.summary));
      sub->footer(std::string(kGlobalOptionsFooter) + "\n\nExample:\n  " +
                  std::string(row.example));
      for (const Opt& opt : command->Options()) AddOpt(*sub, opt);
      commands.push_back(std::move(command));
      subcommands.push_back(sub);
    }
  } catch (const CLI::Error& e) {  // a broken command table: a bug, not a usage error
    early_output.Error(ErrorCodeName(StatusCode::kInternal), e.what());
    return ToInt(ExitCode::kInternal);
  }

  auto selected = [&]() -> size_t {
    for (size_t i = 0; i < subcommands.size(); ++i) {
      if (subcommands[i]->parsed()) return i;
    }
    return subcommands.size();
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help
      deps.out << app.help();
      return ToInt(ExitCode::kOk);
    }
    size_t i = selected();
    return ReportUsage(early_output, e.what(),
                       i < subcommands.size() ? subcommands[i]->get_name() : "");
  }

  Output output(deps.out, deps.err, globals.json);
  size_t index = selected();
  if (globals.version && index == subcommands.size()) {  // `memex --version` = `memex version`
    for (size_t i = 0; i < subcommands.size(); ++i) {
      if (subcommands[i]->get_name() == "version") index = i;
    }
  }
  if (index == subcommands.size()) {
    if (globals.json) return ReportUsage(output, "no command given", "");
    deps.err << app.help();
    return ToInt(ExitCode::kUsage);
  }
  std::string name = subcommands[index]->get_name();
  if (Status st = ValidateGlobals(globals); !st.ok()) {
    return ReportUsage(output, st.message(), name);
  }
  if (LogLevel level; ParseLogLevel(globals.log_level, level)) SetLogLevel(level);
  if (!globals.server.empty()) {
    for (std::string_view local : kLocalOnlyCommands) {
      if (name == local) {
        return ReportUsage(output,
                           "'memex " + name +
                               "' works on this machine's data directory; --server cannot be "
                               "used with it",
                           name);
      }
    }
  }
  Command& command = *commands[index];
  if (Status st = command.Validate(); !st.ok()) return ReportUsage(output, st.message(), name);

  Session session(deps, globals);
  const int64_t start_ms = deps.clock.NowMs();
  const auto started = std::chrono::steady_clock::now();
  Status st;
  try {
    st = command.Run(session);
  } catch (const std::exception& e) {  // handlers do not throw; this is a last line of defence
    st = Internal(std::string("unexpected exception: ") + e.what());
  }
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
  // Hook events are stored as events: an audit line per tool call of every agent would only
  // double them.
  if (name != "hook") {
    AuditCliCall(session, name, std::vector<std::string>(argv + 1, argv + argc), st, start_ms,
                 took.count());
  }
  if (!st.ok()) return ReportStatus(session, st);
  return ToInt(session.exit_code());
}

}  // namespace memex::cli
