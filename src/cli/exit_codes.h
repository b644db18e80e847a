// CLI exit codes: the one place a StatusCode becomes a process exit code (docs/cli.md has the
// table). Scripts may rely on these numbers; they never change meaning.
#pragma once

#include <string_view>

#include "base/status.h"

namespace memex::cli {

enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,            // a bug or an unexpected failure
  kUsage = 2,               // bad flags or arguments (nothing was touched)
  kInvalidInput = 3,        // the input itself is wrong: content, JSONL line, config file
  kNotFound = 4,            // no such memory, file or config file
  kFailedPrecondition = 5,  // not possible in this state: read-only data dir, newer schema
  kUnavailable = 6,         // transient: the database is busy; retrying may help
  kDataLoss = 7,            // the database is corrupt or unreadable
};

// The exit code for a non-usage error (usage errors are decided by the argument parser).
ExitCode ExitCodeFor(StatusCode code);

// Stable snake_case name of a status code for JSON error documents ("invalid_argument").
std::string_view ErrorCodeName(StatusCode code);

// What the user can do about an error of this code ("" when there is nothing general to say).
std::string_view ErrorHint(StatusCode code);

inline int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace memex::cli
