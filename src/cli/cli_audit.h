// The audit line of a CLI command run on the local data directory (docs/audit.md): interface
// "cli", the command as the tool, its arguments (masked and scrubbed like every other entry),
// duration and outcome. Commands sent to a server (--server) are audited by that server.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "cli/session.h"

namespace memex::cli {

// True for the commands that read or change memories or tokens.
bool IsAuditedCommand(std::string_view command);

// Appends the entry when the run opened the local store and auditing is enabled; never fails
// the command (a log that cannot be opened is a warning).
void AuditCliCall(Session& session, std::string_view command, const std::vector<std::string>& args,
                  const Status& result, int64_t start_ms, double duration_ms);

}  // namespace memex::cli
