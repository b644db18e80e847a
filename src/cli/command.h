// The command interface and the command table's row type. A command declares its flags and
// positionals as plain Opt values bound to its own members; cli/app.cc (the only file that
// includes CLI11) turns them into parser options, so command groups never see the parser.
//
// Life of an invocation: Options() once, parse, Validate() (errors are usage errors, exit 2,
// before any config or storage is touched), then Run().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace memex::cli {

class Session;

// Where a parsed value goes. bool* is a flag; std::optional<T>* stays empty unless given;
// std::vector<std::string>* is repeatable (options) or takes the rest (positionals).
using OptTarget = std::variant<bool*, std::string*, std::vector<std::string>*,
                               std::optional<int64_t>*, std::optional<double>*>;

struct Opt {
  // "--limit,-n N" for an option (the word after the space names the value in the help);
  // a bare name ("query") for a positional.
  std::string names;
  std::string help;
  OptTarget target;
  bool required = false;
};

class Command {
 public:
  virtual ~Command() = default;
  // The flags and positionals, bound to members of this object (which outlives parsing).
  virtual std::vector<Opt> Options() = 0;
  // Checks the parsed arguments without touching config or storage. Every error is a usage
  // error (exit 2); nothing has changed.
  virtual Status Validate() { return Status::Ok(); }
  // Runs the command, writing results through session.output(). A non-OK status is reported
  // as the error and mapped to an exit code (cli/exit_codes.h).
  virtual Status Run(Session& session) = 0;
};

// One row of the command table (cli/commands.h).
struct CommandRow {
  std::string_view name;
  std::string_view summary;  // one line, shown in `memex --help`
  std::string_view example;  // shown at the end of `memex <name> --help`
  std::unique_ptr<Command> (*make)();
};

}  // namespace memex::cli
