#include "cli/cli_audit.h"

#include <algorithm>
#include <string>

#include "audit/audit_log.h"
#include "base/log.h"
#include "cli/exit_codes.h"

namespace memex::cli {
namespace {

constexpr std::string_view kAudited[] = {"remember", "recall",    "get",    "update", "forget",
                                         "list",     "export",    "import", "stats",  "token",
                                         "archive",  "unarchive", "decay"};

}  // namespace

bool IsAuditedCommand(std::string_view command) {
  return std::find(std::begin(kAudited), std::end(kAudited), command) != std::end(kAudited);
}

void AuditCliCall(Session& session, std::string_view command, const std::vector<std::string>& args,
                  const Status& result, int64_t start_ms, double duration_ms) {
  if (!IsAuditedCommand(command) || !session.opened_local_store()) return;
  Result<const Config*> config = session.GetConfig();
  if (!config.ok() || !(*config)->audit.enabled) return;
  audit::Scrubber scrub;
  if (Result<const Redactor*> r = session.GetRedactor(); r.ok() && (*config)->redaction.enabled) {
    const Redactor* redactor = *r;
    scrub = [redactor](std::string_view text) { return redactor->Redact(text); };
  }
  auto log = audit::OpenAuditLog((*config)->audit, (*config)->data_dir, std::move(scrub));
  if (!log.ok()) {
    LogWarn("audit: " + log.status().ToString());
    return;
  }
  // A token never reaches the file, whatever flag carried it.
  std::vector<std::string> argv = args;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i].starts_with("mx_") || argv[i].starts_with("--token=") ||
        (i > 0 && argv[i - 1] == "--token")) {
      argv[i] = "[REDACTED]";
    }
  }
  audit::AuditEntry entry{.time_ms = start_ms,
                          .principal = Principal::Local().name,  // the process owner
                          .interface = "cli",
                          .tool = std::string(command),
                          .args = audit::Json{{"argv", argv}},
                          .duration_ms = duration_ms};
  if (!result.ok()) {
    entry.error = audit::AuditError{std::string(ErrorCodeName(result.code())), result.message()};
  }
  (*log)->Record(entry);
}

}  // namespace memex::cli
