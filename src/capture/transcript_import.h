// Importing agents' own transcripts as captured sessions (docs/capture.md, "Importing
// transcripts"): Claude Code's JSONL under ~/.claude/projects/<encoded cwd>/<session>.jsonl and
// Codex's rollouts under ~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl become the same Events
// (core/capture.h) the hooks would have produced: prompts, tool calls (Pre and Post, joined by
// tool_use_id), the last answer of each turn (Stop) and a SessionEnd at the last line. Every
// event gets a deterministic ingest key, so importing a transcript twice stores nothing new.
//
// Real examples of both formats (Claude Code 2.1.330, Codex 0.169.0) are in
// capture/testdata/transcripts/.
//
// Thread-safety: TranscriptParser is not thread-safe (one per file); the free functions are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/capture.h"

namespace memex::capture {

enum class TranscriptFormat { kClaudeCode, kCodex };

// "claude-code" or "codex": the agent name the events carry.
std::string_view TranscriptAgent(TranscriptFormat f);
// Accepts "claude-code" (or "claude") and "codex". Errors: kInvalidArgument naming both.
Result<TranscriptFormat> ParseTranscriptFormat(std::string_view text);

// The first 32 lowercase hex digits of SHA-256("import:<agent>:<session>:<item>"), where item
// names the transcript entry (a line's uuid or number, plus the block within it).
std::string ImportIngestKey(std::string_view agent, std::string_view session,
                            std::string_view item);

// One transcript file, parsed.
struct ParsedTranscript {
  std::string session_id;  // from the lines (sessionId / session_meta.id), else the file stem
  std::string cwd;         // the first cwd the transcript names ("" when none)
  std::string git_branch;  // the first branch it names ("" when none, or "HEAD")
  // Oldest first; scope unset (the caller resolves it from cwd), agent, session id, cwd and
  // branch set, capped like hook events. Ends in a kSessionEnd (detail "import") whenever
  // there is any other event; empty when the file holds no conversation.
  std::vector<Event> events;
  int64_t lines = 0;    // non-blank lines read
  int64_t ignored = 0;  // well-formed lines that are not conversation (metadata, attachments...)
  std::map<std::string, int64_t> skipped;  // malformed lines by reason ("not JSON", ...)
};

// Reads a transcript line by line. Feed every line (without its newline) to AddLine, then call
// Finish once. A line that cannot be read is skipped and counted, never fatal.
//
// What becomes an event:
// - Claude Code: "user" lines whose content is the person's text (string, or text blocks; not
//   isMeta, isSidechain, compact summaries, local command output or task notifications; a
//   slash command becomes "/name args") -> kUserPrompt; assistant tool_use blocks ->
//   kPreToolUse; user tool_result blocks -> kPostToolUse (is_error -> tool_error); the last
//   assistant text before the next prompt (or the end) -> kStop.
// - Codex: response_item message role "user" (not the harness's <environment_context> and
//   similar injected context) -> kUserPrompt; function_call / custom_tool_call /
//   local_shell_call -> kPreToolUse (the shell tools exec_command, shell, shell_command and
//   local_shell become "Bash" with {"command": ...}, as Codex's hooks report them; MCP calls
//   become mcp__<server>__<tool>); *_call_output -> kPostToolUse (a non-zero exit code ->
//   tool_error); the last assistant output_text of a turn -> kStop.
class TranscriptParser {
 public:
  // `file_stem` is the session id fallback; `max_event_bytes` caps each event's raw payload.
  TranscriptParser(TranscriptFormat format, std::string file_stem, size_t max_event_bytes);

  void AddLine(std::string_view line);
  ParsedTranscript Finish();

 private:
  struct PendingStop {
    std::string text;
    int64_t ts_ms = 0;
    std::string item;
  };
  struct ToolCall {
    std::string name;
    std::string input_json;  // compact JSON
  };

  void AddClaudeLine(const nlohmann::json& line, const std::string& item, int64_t ts_ms);
  void AddCodexLine(const nlohmann::json& line, const std::string& item, int64_t ts_ms);
  // Builds the event from a hook-shaped payload (capture/hook_payload.h ParseHookEvent) so that
  // imported events are normalised exactly like captured ones.
  void Emit(EventKind kind, nlohmann::json payload, int64_t ts_ms, const std::string& item);
  void Prompt(std::string text, int64_t ts_ms, const std::string& item);
  void PreTool(const std::string& id, const std::string& name, const std::string& input_json,
               int64_t ts_ms, const std::string& item);
  void PostTool(const std::string& id, const std::string& output, bool error, int64_t ts_ms,
                const std::string& item);
  void FlushStop();
  void NoteSession(const std::string& id);
  void NoteCwd(const std::string& cwd);
  void NoteBranch(const std::string& branch);
  void Skip(const std::string& reason);

  TranscriptFormat format_;
  std::string agent_;
  std::string file_stem_;
  size_t max_event_bytes_;
  ParsedTranscript out_;
  std::vector<std::string> items_;  // per event in out_.events: its transcript item (key)
  std::string model_;               // the model last named (added to tool and stop events)
  std::optional<PendingStop> stop_;
  std::map<std::string, ToolCall> calls_;  // tool_use_id -> its PreToolUse
  std::set<std::string> posted_;           // tool_use_ids whose result was seen
  std::string last_item_;                  // the last event's item (the SessionEnd's key)
  int64_t last_ts_ms_ = 0;
  int64_t line_no_ = 0;
};

// Parses a whole transcript held in memory (lines split on '\n'; a '\r' before it is dropped).
ParsedTranscript ParseTranscript(TranscriptFormat format, std::string_view text,
                                 std::string_view file_stem, size_t max_event_bytes);

// The transcript files under `path`: `path` itself when it is a file, else every *.jsonl below
// it (recursively, following no symlinked directories), sorted. Errors: kNotFound when `path`
// does not exist; kFailedPrecondition when a directory cannot be read.
Result<std::vector<std::string>> ListTranscriptFiles(const std::string& path);

}  // namespace memex::capture
