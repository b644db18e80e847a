// Which lessons fire for a tool call (agent-memory's mechanism, SPEC §7): a lesson fires when
// every trigger it sets matches — the tool name, a regex searched in the tool input, a regex
// searched in the tool output (post-tool phase), globs on the touched files — and its phase is
// the call's phase. Regexes are RE2 (linear time: a lesson cannot hang a hook), case-insensitive.
//
// Thread-safety: a LessonMatcher caches compiled regexes behind a mutex; Match may be called
// from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "core/capture.h"

namespace memex::capture {

struct ToolCall {
  LessonPhase phase = LessonPhase::kPreTool;
  std::string tool_name;
  std::string input;   // the tool input as text (JSON)
  std::string output;  // post-tool only
  std::vector<std::string> files;
};

// Checks a lesson before it is stored: a non-empty rule (<= 2000 bytes) and title (<= 200), at
// least one trigger for the tool phases (tool, input_regex, output_regex or file_globs),
// regexes that compile (<= 500 bytes each), output_regex only in the post-tool phase.
// Errors: kInvalidArgument naming the field.
Status ValidateLesson(const Lesson& l);

class LessonMatcher {
 public:
  LessonMatcher();
  ~LessonMatcher();
  LessonMatcher(const LessonMatcher&) = delete;
  LessonMatcher& operator=(const LessonMatcher&) = delete;

  // The lessons among `lessons` (active ones only) that fire for `call`, most severe first
  // (stable within a severity), at most `max`.
  std::vector<Lesson> Match(const std::vector<Lesson>& lessons, const ToolCall& call,
                            int max) const;

 private:
  struct Compiled;
  std::shared_ptr<const Compiled> Get(const Lesson& l) const;

  mutable std::mutex mu_;
  // Keyed by lesson id + updated_ms, so an edited lesson is recompiled. Bounded by clearing.
  mutable std::unordered_map<std::string, std::shared_ptr<const Compiled>>
      cache_;  // GUARDED_BY(mu_)
};

}  // namespace memex::capture
