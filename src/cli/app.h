// The memex command line: parses arguments with the command table (cli/commands.h), runs the
// chosen command against a Session, reports errors and returns the process exit code
// (cli/exit_codes.h). Never throws.
#pragma once

#include "cli/session.h"

namespace memex::cli {

// Runs `memex <argv...>`; returns the exit code. Borrows `deps`.
int RunCli(int argc, const char* const* argv, const Deps& deps);

}  // namespace memex::cli
