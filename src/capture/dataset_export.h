// Fine-tune datasets from captured sessions (docs/capture.md, "Datasets"), in agent-memory's
// record shapes and reward rules (its app/dataset_exports.py): one base record per tool call —
// a PostToolUse joined with its PreToolUse by tool_use_id and with the latest user prompt before
// it in the session — rendered as `sft`, `trajectory` or `preference` JSON records.
//
// Reward: +1 success / -1 failure; +0.25 with a linked observation, else -0.10 (memex extracts
// no observations, so every record gets -0.10 and "observation": null); +0.10 when the session
// completed (ended); -0.25 when the call reported an error; -0.25 when it is problematic (failed,
// or the first 500 bytes of its output match "permission denied", "no such file or directory",
// "command not found", "traceback", "^error[:\s]", "^fatal:", "exit code [1-9]", "path escapes
// workspace", case-insensitively); clamped to [-2, 2] and rounded to 3 decimals.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/capture.h"

namespace memex::capture {

enum class DatasetFormat { kSft, kTrajectory, kPreference };
// "sft" | "trajectory" | "preference". Errors: kInvalidArgument naming the three.
Result<DatasetFormat> ParseDatasetFormat(std::string_view text);

inline constexpr size_t kResponsePreviewBytes = 2000;  // as agent-memory's queue preview

// One tool call with its context: agent-memory's base record.
struct ToolCallRecord {
  std::string tool_call_id;  // the tool_use_id, else "<session>#<seq>"
  std::string project;       // the scope, "ws/proj"
  std::string project_path;  // the session's cwd
  std::string session_id;
  std::string source_agent;  // "claude-code", "codex", ...
  std::string source_mode;   // "hook" (captured live) or "import" (from a transcript)
  std::string prompt_text;   // the latest user prompt before the call ("" when none)
  std::string tool_name;
  std::string tool_input;             // as stored (compact JSON, or text when not JSON)
  std::string tool_response_preview;  // <= kResponsePreviewBytes
  bool tool_success = true;
  std::string tool_error;  // the failure's first line ("failed" when silent); "" on success
  bool session_completed = false;
  int64_t created_ms = 0;  // the PostToolUse's time
  int64_t seq = 0;         // the PostToolUse's store order (ties in time)
};

// The tool calls of one session (its events oldest first): one per PostToolUse, joined with its
// PreToolUse (for the tool name and input when the Post lacks them) and the prompt before it.
std::vector<ToolCallRecord> CollectToolCalls(const Session& session,
                                             const std::vector<Event>& events);

bool IsProblematic(const ToolCallRecord& r);
double Reward(const ToolCallRecord& r);

struct DatasetOptions {
  DatasetFormat format = DatasetFormat::kSft;
  // Keep problematic calls in sft and trajectory records. Preference pairs always consider them:
  // they are the rejected side.
  bool include_errors = false;
  std::optional<double> min_reward;  // drop records below / above
  std::optional<double> max_reward;
};

// The dataset's records, keys in agent-memory's order. Calls are sorted by time, then seq. sft
// and trajectory: one record per kept call. preference: calls grouped by (project, tool name,
// prompt lower-cased and cut to 200 bytes), groups in first-seen order; in each group the i-th
// call that succeeded with reward >= 0 is paired with the i-th with reward < 0 or problematic,
// min(#chosen, #rejected) pairs.
std::vector<nlohmann::ordered_json> BuildDataset(std::vector<ToolCallRecord> calls,
                                                 const DatasetOptions& options);

}  // namespace memex::capture
