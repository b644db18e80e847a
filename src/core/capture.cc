#include "core/capture.h"

#include <array>
#include <string>

#include "base/text.h"

namespace memex {
namespace {

constexpr std::array<std::string_view, 11> kEventNames = {
    "session-start", "user-prompt-submit", "pre-tool-use", "post-tool-use",
    "pre-compact",   "post-compact",       "stop",         "subagent-stop",
    "session-end",   "notification",       "other"};
constexpr std::array<std::string_view, 3> kHandoffStateNames = {"open", "accepted", "expired"};
constexpr std::array<std::string_view, 3> kSeverityNames = {"critical", "warning", "info"};
constexpr std::array<std::string_view, 3> kPhaseNames = {"pre-tool", "post-tool", "session-end"};

// "PreToolUse" -> "pre-tool-use", "pre_tool_use" -> "pre-tool-use", "CRITICAL" -> "critical".
std::string Kebab(std::string_view text) {
  std::string out;
  std::string_view t = Trim(text);
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '_' || c == ' ') c = '-';
    bool upper = c >= 'A' && c <= 'Z';
    bool after_lower =
        i > 0 && ((t[i - 1] >= 'a' && t[i - 1] <= 'z') || (t[i - 1] >= '0' && t[i - 1] <= '9'));
    if (upper && after_lower) out += '-';
    out += upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

template <typename E, size_t N>
Result<E> ParseKebab(std::string_view text, const std::array<std::string_view, N>& names,
                     std::string_view what) {
  std::string k = Kebab(text);
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == k) return static_cast<E>(i);
  }
  std::string all;
  for (size_t i = 0; i < N; ++i) {
    if (i) all += ", ";
    all += names[i];
  }
  return InvalidArgument("unknown " + std::string(what) + " '" + std::string(text) +
                         "' (expected one of: " + all + ")");
}

}  // namespace

std::string_view EventKindName(EventKind k) { return kEventNames[static_cast<size_t>(k)]; }

Result<EventKind> ParseEventKind(std::string_view text) {
  std::string k = Kebab(text);
  if (k == "user-prompt" || k == "prompt-submit") return EventKind::kUserPrompt;
  if (k == "post-compaction") return EventKind::kPostCompact;
  // Claude Code reports a failed tool call as PostToolUseFailure (with an `error` field).
  if (k == "post-tool-use-failure") return EventKind::kPostToolUse;
  return ParseKebab<EventKind>(text, kEventNames, "hook event");
}

std::string_view HandoffStateName(HandoffState s) {
  return kHandoffStateNames[static_cast<size_t>(s)];
}
Result<HandoffState> ParseHandoffState(std::string_view text) {
  return ParseKebab<HandoffState>(text, kHandoffStateNames, "handoff state");
}

std::string_view SeverityName(Severity s) { return kSeverityNames[static_cast<size_t>(s)]; }
Result<Severity> ParseSeverity(std::string_view text) {
  return ParseKebab<Severity>(text, kSeverityNames, "severity");
}

std::string_view LessonPhaseName(LessonPhase p) { return kPhaseNames[static_cast<size_t>(p)]; }
Result<LessonPhase> ParseLessonPhase(std::string_view text) {
  std::string k = Kebab(text);
  if (k == "pre-tool-use") return LessonPhase::kPreTool;
  if (k == "post-tool-use") return LessonPhase::kPostTool;
  return ParseKebab<LessonPhase>(text, kPhaseNames, "lesson phase");
}

}  // namespace memex
