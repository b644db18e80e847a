// Capture (SPEC §7): what agents' hooks report, as the store keeps it. A hook event belongs to
// a session (the agent's own session id); a session ends in a summary memory and a handoff for
// the next session in the same scope; lessons are rules shown before a risky tool call.
// Value types only: parsing lives in capture/, persistence in store/, the rules in service/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/scope.h"

namespace memex {

// ---- Events ----

// The hook events memex understands. Names on the wire are kebab-case (EventKindName); the
// parser also accepts the agents' PascalCase ("PreToolUse") and snake_case spellings.
enum class EventKind {
  kSessionStart,
  kUserPrompt,  // UserPromptSubmit
  kPreToolUse,
  kPostToolUse,
  kPreCompact,
  kPostCompact,
  kStop,
  kSubagentStop,
  kSessionEnd,
  kNotification,
  kOther,
};

// "session-start", "user-prompt-submit", "pre-tool-use", "post-tool-use", "pre-compact",
// "post-compact", "stop", "subagent-stop", "session-end", "notification", "other".
std::string_view EventKindName(EventKind k);
// Accepts kebab, snake and PascalCase ("SessionStart", "session_start", "session-start"), case
// insensitively; "UserPromptSubmit"/"user-prompt" both map to kUserPrompt. Unknown names are
// kInvalidArgument listing the accepted ones (callers that want "other" ask for it).
Result<EventKind> ParseEventKind(std::string_view text);

// One captured event, normalised from either agent's payload and already redacted and capped
// (the capture layer enforces the caps, the service redacts before storing).
struct Event {
  int64_t seq = 0;         // store-assigned, increasing within the store (0 before insert)
  std::string ingest_key;  // idempotency key: the same key is stored once (1..64 [A-Za-z0-9_-])
  std::string session_id;  // the agent's session id
  EventKind kind = EventKind::kOther;
  std::string agent;  // "claude-code", "codex", ...
  Scope scope;
  std::string cwd;
  std::string git_branch;          // "" when unknown or not a repository
  int64_t ts_ms = 0;               // when the hook fired (client clock)
  std::string prompt;              // kUserPrompt: the prompt text
  std::string tool_name;           // tool events: "Bash", "Edit", "mcp__memex__pf_scan", ...
  std::string tool_use_id;         // tool events: joins PreToolUse, PostToolUse and the MCP call
  std::string tool_input;          // tool events: the input as compact JSON (capped)
  std::string tool_output;         // kPostToolUse: the response as text (string or object, capped)
  bool tool_error = false;         // kPostToolUse: the response reports a failure
  int64_t duration_ms = 0;         // kPostToolUse when the agent reports it
  std::string message;             // kStop: last assistant message; kNotification: its text
  std::string detail;              // SessionStart source, SessionEnd reason, PreCompact trigger
  std::string model;               // when the agent names it
  std::vector<std::string> files;  // files the event touches (tool input paths), normalised
  std::string raw;                 // the whole payload as compact JSON (redacted, capped)

  friend bool operator==(const Event&, const Event&) = default;
};

// ---- Sessions ----

struct Session {
  std::string id;  // the agent's session id
  Scope scope;
  std::string agent;
  std::string cwd;
  std::string git_branch;
  int64_t started_ms = 0;     // first event
  int64_t last_event_ms = 0;  // latest event
  int64_t ended_ms = 0;       // SessionEnd seen (0 = open)
  std::string end_reason;
  int64_t event_count = 0;
  int64_t prompt_count = 0;
  int64_t tool_count = 0;            // PostToolUse events (PreToolUse alone when no Post came)
  int64_t error_count = 0;           // tool responses reporting a failure
  std::string summary_id;            // memory holding the session's summary ("" until it ends)
  std::string archive_sha256;        // compressed JSONL archive of the events ("" until it ends)
  std::string handoff_offered;       // handoff shown to this session at start ("" = none)
  int64_t context_delivered_ms = 0;  // when the briefing/handoff reached the model (0 = not yet)

  // A session that did real work: a prompt or a tool call. Only such a session consumes the
  // handoff it was offered (SPEC §2).
  bool did_work() const { return prompt_count > 0 || tool_count > 0; }

  friend bool operator==(const Session&, const Session&) = default;
};

// ---- Handoffs ----

enum class HandoffState { kOpen, kAccepted, kExpired };
std::string_view HandoffStateName(HandoffState s);  // "open", "accepted", "expired"
Result<HandoffState> ParseHandoffState(std::string_view text);

struct Handoff {
  std::string id;  // UUIDv7
  Scope scope;
  std::string from_session;
  std::string from_agent;
  std::string cwd;
  bool manual = false;  // written explicitly (pf_poke mode handoff): wins over automatic ones
  std::string summary;  // <= 3000 bytes
  std::vector<std::string> open_questions;  // <= 20 items each
  std::vector<std::string> next_steps;
  std::vector<std::string> files_touched;
  HandoffState state = HandoffState::kOpen;
  int64_t created_ms = 0;
  std::string accepted_by_session;  // "" until accepted
  std::string accepted_by_agent;
  int64_t accepted_ms = 0;

  friend bool operator==(const Handoff&, const Handoff&) = default;
};

// ---- Lessons ----

enum class Severity { kCritical, kWarning, kInfo };  // most severe first
std::string_view SeverityName(Severity s);           // "critical", "warning", "info"
Result<Severity> ParseSeverity(std::string_view text);

// When a lesson is checked: before a tool runs (its input), after (its output), or at the end
// of a session.
enum class LessonPhase { kPreTool, kPostTool, kSessionEnd };
std::string_view LessonPhaseName(LessonPhase p);  // "pre-tool", "post-tool", "session-end"
Result<LessonPhase> ParseLessonPhase(std::string_view text);  // also pre_tool / PreToolUse ...

// A rule with triggers (agent-memory's mechanism). Every non-empty trigger must match for the
// lesson to fire; a lesson needs at least one of tool, input_regex, output_regex or file_globs.
struct Lesson {
  std::string id;       // UUIDv7
  Scope scope;          // where it was created and applies
  bool global = false;  // applies in every scope, not only `scope`
  std::string title;
  std::string rule;  // what the agent must do or avoid (shown to the model)
  Severity severity = Severity::kWarning;
  LessonPhase phase = LessonPhase::kPreTool;
  std::string tool;          // exact tool name or a regex anchored on both ends ("" = any)
  std::string input_regex;   // RE2, case-insensitive, searched in the tool input ("" = any)
  std::string output_regex;  // RE2, case-insensitive, searched in the tool output ("" = any)
  std::vector<std::string> file_globs;  // globs on the touched files' paths or basenames
  bool active = true;
  int64_t trigger_count = 0;
  int64_t last_triggered_ms = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;

  friend bool operator==(const Lesson&, const Lesson&) = default;
};

}  // namespace memex
