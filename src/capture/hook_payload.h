// Hook payloads (docs/capture.md, "With a server"): the JSON an
// agent writes on a hook's stdin, capped for the wire and the spool, and normalised into an Event
// (core/capture.h). Both shapes are accepted: Claude Code's (`tool_response` a string) and
// Codex's (`tool_response` an object: MCP `{content, structuredContent}` or shell-like
// `{stdout, stderr, exit_code}`); field names follow /work/shared/reference/agent-clients.md,
// with the camelCase spellings other agents use tolerated.
//
// Thread-safety: every function is stateless and safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "core/capture.h"
#include "core/scope.h"

namespace memex::capture {

// Per-field caps of a normalised Event (bytes, UTF-8 safe; a cut value ends in kCutMarker's
// text). Prompts and assistant messages carry the intent of a session and get the most room;
// tool input and output are for lessons and summaries, where the head says enough.
inline constexpr size_t kMaxPromptBytes = 16 * 1024;     // Event::prompt
inline constexpr size_t kMaxMessageBytes = 16 * 1024;    // Event::message
inline constexpr size_t kMaxToolInputBytes = 8 * 1024;   // Event::tool_input (still valid JSON)
inline constexpr size_t kMaxToolOutputBytes = 8 * 1024;  // Event::tool_output
inline constexpr size_t kMaxShortFieldBytes = 1024;      // ids, names, detail, model, each file
inline constexpr size_t kMinEventBytes = 1024;           // CapPayload never cuts below this
inline constexpr size_t kMaxFiles = 64;                  // Event::files entries kept

// The cheap part of a payload the client needs before posting: where and which session.
struct PayloadHead {
  std::string cwd;         // cwd | current_dir | working_dir | directory | workspacePaths[0]
  std::string session_id;  // session_id | sessionId | sessionID | session | conversationId
};

struct CappedPayload {
  std::string json;      // compact JSON object, at most the requested bytes
  PayloadHead head;      // read before cutting
  size_t cut_bytes = 0;  // bytes removed from strings (0 = unchanged content)
};

// Parses the agent's raw JSON and re-serialises it compactly; when that is longer than
// `max_bytes` (values below kMinEventBytes count as kMinEventBytes), the longest strings are
// cut first, each to a common length, and end in "…[cut N bytes]" (N = bytes removed from that
// string). When cutting strings is not enough (huge arrays of numbers), the largest nested
// arrays and objects are replaced by such a marker string, and as a last resort only the
// head fields survive. Errors: kInvalidArgument when `raw` is not JSON or not a JSON object.
Result<CappedPayload> CapPayload(std::string_view raw, size_t max_bytes);

// What the client adds to the agent's payload (the POST /hook query and the spool line).
struct HookEnvelope {
  EventKind kind = EventKind::kOther;
  std::string agent;  // "claude-code", "codex", ...
  Scope scope;
  std::string cwd;         // absolute; "" = take the payload's
  std::string ingest_key;  // 1..64 [A-Za-z0-9_-]
  int64_t ts_ms = 0;       // client clock
  std::string git_branch;  // "" = unknown
};

// Normalises one hook event. `payload_json` is capped to `max_event_bytes` first (Event::raw);
// the fields are read from the uncut payload and capped to the limits above. Fields the payload
// lacks stay empty. Empty or blank `payload_json` counts as "{}". Errors: kInvalidArgument when
// the payload is not a JSON object.
Result<Event> ParseHookEvent(const HookEnvelope& envelope, std::string_view payload_json,
                             size_t max_event_bytes);

// The query string of POST /hook for `env` (docs/capture.md, "With a server"), without "?":
// event=&agent=&workspace=&project=&cwd=&ingest_key=&ts_ms=[&git_branch=].
std::string HookQuery(const HookEnvelope& env);

// Percent-encodes `text` for a query value (RFC 3986 unreserved characters and '/' stay).
std::string UrlEncode(std::string_view text);

// One spool line (docs/capture.md, "With a server"), without the trailing newline:
// {"event","agent","workspace","project","cwd","ingest_key","ts_ms","git_branch"?,"payload"}.
// Precondition: `payload_json` is a JSON object (CapPayload's output).
std::string SpoolLine(const HookEnvelope& envelope, std::string_view payload_json);

struct SpooledEvent {
  HookEnvelope envelope;
  std::string payload_json;  // compact
};
// Reads a spool line (or one element of POST /hook/batch's "events"). Unknown event names are
// kOther. Errors: kInvalidArgument naming the missing or mistyped field, or a bad scope.
Result<SpooledEvent> ParseSpoolLine(std::string_view line);

// The branch checked out in the repository holding `cwd`: the nearest ancestor's `.git` (a
// directory, or a file "gitdir: <path>" as in worktrees and submodules), its HEAD read as
// "ref: refs/heads/<branch>" -> "<branch>"; a detached HEAD -> the first 7 hex digits of the
// commit. "" when there is no repository, HEAD is unreadable, or anything else is in it.
std::string ReadGitBranch(const std::string& cwd);

// A fresh ingest key: 32 lowercase hex digits from getrandom(2) (128 random bits).
// Errors: kUnavailable when the kernel's random source cannot be read.
Result<std::string> NewIngestKey();

// True for 1..64 characters of [A-Za-z0-9_-].
bool IsValidIngestKey(std::string_view key);

}  // namespace memex::capture
