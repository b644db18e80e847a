#include "front/front_args.h"

#include <string_view>

namespace memex::front {
namespace {

// The option's destination in `h`, or nullptr when `name` is not one of `hook`'s options
// (`after_hook`) or of the global ones the front knows.
std::string* OptionSlot(std::string_view name, HookArgs& h, bool after_hook) {
  if (name == "--data-dir") return &h.data_dir;
  if (name == "--config") return &h.config_path;
  if (name == "--server") return &h.server_url;
  if (name == "--scope") return &h.scope;
  if (name == "--token") return &h.token;
  if (after_hook) {
    if (name == "--agent") return &h.agent;
    if (name == "--token-env") return &h.token_env;
  }
  return nullptr;
}

enum class OptionResult { kTaken, kUnknown, kMissingValue };

// Reads args[i] (an option) and its value into `h`, advancing `i` past the value.
OptionResult TakeOption(const std::vector<std::string>& args, size_t& i, HookArgs& h,
                        bool after_hook) {
  std::string_view a = args[i];
  std::string_view name = a;
  size_t eq = a.find('=');
  if (eq != std::string_view::npos) name = a.substr(0, eq);
  std::string* slot = OptionSlot(name, h, after_hook);
  if (slot == nullptr) return OptionResult::kUnknown;
  if (eq != std::string_view::npos) {
    *slot = std::string(a.substr(eq + 1));
    return OptionResult::kTaken;
  }
  if (i + 1 >= args.size()) return OptionResult::kMissingValue;
  *slot = args[++i];
  return OptionResult::kTaken;
}

}  // namespace

FrontCommand ParseFrontArgs(const std::vector<std::string>& args) {
  FrontCommand cmd;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "hook") break;
    if (!a.starts_with("-")) return cmd;  // another command
    if (TakeOption(args, i, cmd.hook, false) != OptionResult::kTaken) return cmd;
  }
  if (i == args.size()) return cmd;  // no command: memex-core prints its usage
  cmd.is_hook = true;

  std::vector<std::string> positional;
  for (++i; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") return cmd;
    if (a.starts_with("--")) {
      switch (TakeOption(args, i, cmd.hook, true)) {
        case OptionResult::kTaken:
          continue;
        case OptionResult::kMissingValue:
          cmd.action = FrontAction::kUsageError;
          cmd.error = "option " + a + " needs a value";
          return cmd;
        case OptionResult::kUnknown:
          return cmd;  // perhaps memex-core knows it
      }
    }
    positional.push_back(a);
  }
  if (positional.empty()) {
    cmd.action = FrontAction::kUsageError;
    cmd.error = "missing the hook event (e.g. `memex hook session-start --agent claude-code`)";
    return cmd;
  }
  if (positional.size() > 1) {
    cmd.action = FrontAction::kUsageError;
    cmd.error = "unexpected argument '" + positional[1] + "'";
    return cmd;
  }
  if (positional[0] == "drain") {
    cmd.action = FrontAction::kHookDrain;
    return cmd;
  }
  cmd.hook.event = positional[0];
  if (cmd.hook.agent.empty()) {
    cmd.action = FrontAction::kUsageError;
    cmd.error = "missing --agent (claude-code, codex, cursor, gemini-cli, ...)";
    return cmd;
  }
  cmd.action = FrontAction::kHook;
  return cmd;
}

}  // namespace memex::front
