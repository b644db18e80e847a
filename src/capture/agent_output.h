// What a hook prints for the agent, and the model-visible texts memex gives a session: the
// handoff and briefing at its start, the lessons before a tool call (SPEC §7).
//
// Which output field reaches the model was verified against the real clients in
// tests/agents (README there): Claude Code reads `hookSpecificOutput.additionalContext`;
// Codex reads SessionStart's plain stdout and UserPromptSubmit's `additionalContext`.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture.h"

namespace memex::capture {

struct Briefing {
  std::vector<std::string> decisions;  // recent decisions and conventions, newest first
  std::vector<Lesson> lessons;         // active lessons, most severe first
};

// The session-start context: the handoff (when there is one) first, then the briefing, within
// `budget` bytes (lists are cut before the summary is). "" when there is nothing to say.
std::string RenderSessionContext(const std::optional<Handoff>& handoff, const Briefing& briefing,
                                 size_t budget);

// The handoff alone (pf_load context "handoff"), or "" for none.
std::string RenderHandoff(const Handoff& h);

// Lessons as shown before a tool call: "memex lessons for this call:\n1. CRITICAL: rule ...".
std::string RenderLessons(const std::vector<Lesson>& lessons);

// What `memex hook` prints for `agent` after `kind` when memex has `text` to give the model:
// "{}" when text is empty; else the agent's shape (plain text for Codex's SessionStart, a
// hookSpecificOutput object with additionalContext otherwise).
std::string HookStdout(std::string_view agent, EventKind kind, std::string_view text);

}  // namespace memex::capture
