// Command-line parsing of the front binary (docs/capture.md, "Speed"):
//
//   memex [global options] hook <event> --agent A [--server URL] [--token-env VAR]
//         [--data-dir DIR] [--config FILE] [--scope WS/PROJ]
//   memex [global options] hook drain [same options]
//
// Global options the front understands before `hook`: --data-dir, --config, --server, --token,
// --scope (each as "--opt VALUE" or "--opt=VALUE"). Anything else, anywhere before `hook`,
// any other command, and `hook --help` are for memex-core: the parse says kExecCore and the
// caller hands argv over unchanged.
//
// Thread-safety: stateless.
#pragma once

#include <string>
#include <vector>

namespace memex::front {

enum class FrontAction {
  kExecCore,   // not ours: execv memex-core with the same argv
  kHook,       // memex hook <event>
  kHookDrain,  // memex hook drain
  kUsageError  // a hook command the front understood to be wrong: `error` says why
};

struct HookArgs {
  std::string event;  // as given ("post-tool-use", "PostToolUse", ...); "" for drain
  std::string agent;
  std::string server_url;   // --server ("" = not given)
  std::string token;        // global --token ("" = not given)
  std::string token_env;    // --token-env ("" = not given)
  std::string data_dir;     // --data-dir
  std::string config_path;  // --config
  std::string scope;        // --scope
};

struct FrontCommand {
  FrontAction action = FrontAction::kExecCore;
  HookArgs hook;
  std::string error;     // kUsageError only
  bool is_hook = false;  // the command word is `hook` (whatever the action)
};

// `args` excludes argv[0].
FrontCommand ParseFrontArgs(const std::vector<std::string>& args);

}  // namespace memex::front
