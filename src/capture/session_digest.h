// The rule-based end of a session (SPEC §7, no LLM): what was asked, which files were touched,
// which tools ran, what failed, and the last assistant message, condensed into a summary memory
// and a handoff {summary, open questions, next steps, files touched} for the next session.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/capture.h"

namespace memex::capture {

inline constexpr size_t kHandoffSummaryBytes = 3000;
inline constexpr size_t kHandoffListItems = 20;

struct FailedCall {
  std::string tool;       // tool name
  std::string what;       // the command or the first input value, one line, capped
  std::string output;     // first line of the failure, capped
  bool resolved = false;  // the same tool and command later succeeded
};

struct SessionDigest {
  std::vector<std::string> prompts;                // in order, one line each, capped
  std::vector<std::string> files;                  // touched files, by first touch, unique
  std::vector<std::pair<std::string, int>> tools;  // name -> calls, most used first
  std::vector<FailedCall> failures;                // in order
  std::string last_message;                        // the agent's last answer (Stop)
  int64_t prompt_count = 0;
  int64_t tool_count = 0;
  int64_t started_ms = 0, ended_ms = 0;
};

// Reads a session's events (oldest first). Tool calls are counted once per tool_use_id (a
// PreToolUse without its PostToolUse still counts).
SessionDigest DigestEvents(const std::vector<Event>& events);

// The summary memory's content: markdown, at most `max_bytes` (cut at a line boundary).
std::string RenderSummary(const Session& session, const SessionDigest& d, size_t max_bytes);

// The automatic handoff (id, scope, times left for the caller): summary <= 3000 bytes;
// open questions = questions in the last assistant message and unresolved failures; next steps =
// "next"/"todo" items of the last message, unresolved failures to fix, and the last request
// when the session ended without an answer; at most 20 items per list.
Handoff BuildHandoff(const Session& session, const SessionDigest& d);

// True when a handoff carries nothing worth offering (no prompt, no tool call, no text).
bool HandoffIsEmpty(const Handoff& h);

}  // namespace memex::capture
