// Edits of the JSON config files agent clients read: an MCP server entry under a top-level
// object ("mcpServers"), and hook handlers in the Claude-style shape
// {"hooks":{"<Event>":[{"matcher":"","hooks":[{"type":"command","command":...}]}]}}.
// memex recognises its own entries by what they run, so it never touches anyone else's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace memex::install {

using Json = nlohmann::ordered_json;

// Parses a config file's text; empty or whitespace-only text is an empty object. Errors:
// kInvalidArgument "<path>:<line>:<column>: invalid JSON: ..." or "<path>: ... not a JSON
// object".
Result<Json> ParseJsonObject(std::string_view text, std::string_view path);
// Two-space indented, with a final newline; invalid UTF-8 is replaced, never thrown.
std::string DumpJson(const Json& doc);

// `s` as one word for a POSIX shell: as is when it holds only safe characters, else in single
// quotes. `always` quotes even safe words.
std::string ShellQuote(std::string_view s, bool always = false);
// The first `n` words of a shell command line (quotes and backslashes undone); fewer when the
// line is shorter or unparseable.
std::vector<std::string> ShellWords(std::string_view command, size_t n);

// Whether `path` names a memex binary (basename "memex" or "memex-core").
bool IsMemexBinary(std::string_view path);
// Whether a hook command runs `<...>/memex hook ...`.
bool IsMemexHookCommand(std::string_view command);
// Whether an MCP server entry is memex's: a command that is a memex binary, or a URL (url,
// httpUrl) whose path ends in /mcp.
bool IsMemexMcpEntry(const Json& entry);

// Sets root[key][name] = entry. Errors: kInvalidArgument when root[key] is not an object;
// kAlreadyExists when an entry of that name exists and is not memex's.
Status UpsertMcpServer(Json& root, std::string_view key, std::string_view name, const Json& entry,
                       std::string_view path);

enum class RemoveOutcome { kRemoved, kAbsent, kForeign };
// Removes root[key][name] when it is memex's, and root[key] when that leaves it empty.
// kForeign: an entry of that name exists but is not memex's (left alone). Errors:
// kInvalidArgument when root[key] is not an object.
Result<RemoveOutcome> RemoveMcpServer(Json& root, std::string_view key, std::string_view name,
                                      std::string_view path);

struct HookSpec {
  std::string event;    // "SessionStart"
  std::string command;  // the shell command line
  int timeout_s = 10;   // how long the client waits for it
};
// For each event: leaves it alone when memex's only handler there already is exactly the
// wanted one; else removes memex's handlers from it (dropping groups they leave empty) and
// appends {"matcher":"","hooks":[{"type":"command","command":...,"timeout":...}]}.
// Other handlers, groups and events are kept as they are. Errors: kInvalidArgument when
// "hooks" or an event's value has the wrong type.
Status UpsertHooks(Json& root, const std::vector<HookSpec>& hooks, std::string_view path);
// Removes every handler that runs `memex hook`, then the groups, event arrays and "hooks"
// object that leaves empty. Returns how many handlers were removed. Errors: as UpsertHooks.
Result<int> RemoveHooks(Json& root, std::string_view path);

}  // namespace memex::install
