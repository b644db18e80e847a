#include "cli/exit_codes.h"

namespace memex::cli {

ExitCode ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return ExitCode::kOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kResourceExhausted:  // a limit hit by the caller's input (e.g. batch size)
      return ExitCode::kInvalidInput;
    case StatusCode::kNotFound:
      return ExitCode::kNotFound;
    case StatusCode::kAlreadyExists:  // a conflict with existing state, not bad input
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
      return ExitCode::kFailedPrecondition;
    case StatusCode::kUnavailable:
      return ExitCode::kUnavailable;
    case StatusCode::kDataLoss:
      return ExitCode::kDataLoss;
    case StatusCode::kInternal:
    case StatusCode::kUnimplemented:
      return ExitCode::kInternal;
  }
  return ExitCode::kInternal;
}

std::string_view ErrorCodeName(StatusCode code) { return StatusCodeSlug(code); }

std::string_view ErrorHint(StatusCode code) {
  switch (code) {
    case StatusCode::kDataLoss:
      return "the database looks damaged: run 'memex doctor' for details, then restore it from a "
             "backup, or re-import an export ('memex import FILE') into a fresh data directory";
    case StatusCode::kUnavailable:
      return "another memex process is holding the database; retry, or raise "
             "storage.busy_timeout_ms";
    default:
      return "";
  }
}

}  // namespace memex::cli
