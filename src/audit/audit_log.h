// The audit log (issue 3 item 7, pagefault's audit entry in seeds-catalogue §000): one JSON line
// per tool or API call — time, principal, interface, tool or route, arguments with secrets masked,
// duration, result size, error — appended to a JSONL file with size-based rotation
// (audit.jsonl -> audit.jsonl.1 -> ... -> audit.jsonl.<max_files>, the oldest dropped).
//
// Thread-safety: AuditLog is safe for concurrent use; Record calls are serialized by an internal
// mutex so lines never interleave and rotation happens between lines.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "config/config.h"

namespace memex::audit {

using Json = nlohmann::json;

// String values longer than this are cut in the logged arguments.
inline constexpr size_t kMaxArgStringBytes = 1024;

struct AuditError {
  std::string code;
  std::string message;
};

struct AuditEntry {
  int64_t time_ms = 0;              // when the call started (epoch ms, UTC)
  std::string principal;            // who called
  std::string interface;            // "mcp" | "rest" | "cli"
  std::string tool;                 // the tool called, or "" for a route entry
  std::string route;                // the HTTP route, used when `tool` is empty
  Json args;                        // raw arguments; masked by FormatEntry
  double duration_ms = 0;           // wall time of the call
  size_t result_bytes = 0;          // size of the serialized result
  std::optional<AuditError> error;  // nullopt: the call succeeded
};

// Rewrites a string value to hide secrets in it (e.g. the redaction rules); must be thread-safe.
using Scrubber = std::function<std::string(std::string_view text)>;

// A copy of `args` with the value of every object key containing token, password, secret, api_key
// or authorization (case-insensitive, at any depth) replaced by "[REDACTED]", every other string
// passed through `scrub` (when set) and then cut to kMaxArgStringBytes (on a UTF-8 boundary) plus
// a marker.
Json MaskArgs(const Json& args, const Scrubber& scrub = nullptr);

// The entry as one JSON line (no trailing newline): {"time","principal","interface","tool" |
// "route","args","duration_ms","result_bytes","error"}; "error" is null or {"code","message"}.
std::string FormatEntry(const AuditEntry& entry, const Scrubber& scrub = nullptr);

struct AuditOptions {
  std::string path;              // the live file, e.g. <data_dir>/audit/audit.jsonl
  int64_t max_bytes = 10 << 20;  // rotate before a line would make the file larger (0 = never)
  int max_files = 5;             // rotated files kept (audit.jsonl.1 .. .N); 0 = truncate instead
  Scrubber scrub;                // applied to argument strings; may be empty
};

class AuditLog {
 public:
  // Creates the parent directory and opens `options.path` for appending (O_APPEND, mode 0600).
  // Errors: kInvalidArgument for an empty path or negative limits; kUnavailable when the
  // directory or file cannot be created.
  static Result<std::unique_ptr<AuditLog>> Open(AuditOptions options);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends the entry as one line, rotating first when the file would exceed max_bytes. Never
  // fails the caller: a failed write or rotation logs a warning and the entry may be lost.
  void Record(const AuditEntry& entry);

  const std::string& path() const { return options_.path; }

 private:
  explicit AuditLog(AuditOptions options, int fd, int64_t size_bytes);
  // Renames the files one step down and reopens the live file. Precondition: mu_ held.
  void RotateLocked();

  const AuditOptions options_;
  std::mutex mu_;
  int fd_ = -1;             // guarded by mu_; -1 after a failed reopen (retried on next Record)
  int64_t size_bytes_ = 0;  // guarded by mu_
};

// The audit log `config` asks for: nullptr when audit.enabled is false; otherwise the file
// audit.path (resolved against `data_dir` when relative; <data_dir>/audit/audit.jsonl when empty)
// opened with audit.max_bytes and audit.max_files. Errors: those of AuditLog::Open.
// `scrub` is applied to argument strings (the redaction rules, so stored secrets do not reach the
// audit file either); may be empty.
Result<std::unique_ptr<AuditLog>> OpenAuditLog(const AuditConfig& config,
                                               const std::string& data_dir,
                                               Scrubber scrub = nullptr);

}  // namespace memex::audit
