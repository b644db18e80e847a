// Codex's config.toml: memex keeps its [mcp_servers.<name>] table between two marker comments
// and never rewrites anything else, so the user's text, order and comments stay as they are.
//
//   # >>> memex (managed by memex install) >>>
//   [mcp_servers.memex]
//   command = "/usr/local/bin/memex"
//   args = ["mcp"]
//   # <<< memex <<<
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace memex::install {

// The marker lines for server `name` (no newline).
std::string TomlBeginMarker(std::string_view name);
std::string TomlEndMarker(std::string_view name);

// `s` as a TOML basic string, quotes included.
std::string TomlString(std::string_view s);
// ["a", "b"].
std::string TomlStringArray(const std::vector<std::string>& items);

// Checks `text` is valid TOML. Errors: kInvalidArgument "<path>:<line>:<column>: invalid TOML:
// ...".
Status ValidateToml(std::string_view text, std::string_view path);

// Puts `body` (TOML lines ending in a newline, e.g. "[mcp_servers.memex]\n...") between the
// markers: replaces the block in place when there is one, else appends it after a blank line.
// The result is validated as a whole before it is returned. Errors: kInvalidArgument for
// malformed TOML (with line and column) or a block without its end marker; kAlreadyExists when
// [mcp_servers.<name>] is defined outside the block; kFailedPrecondition when the result would
// not be valid TOML (e.g. mcp_servers is an inline table).
Result<std::string> UpsertTomlBlock(std::string_view text, std::string_view name,
                                    std::string_view body, std::string_view path);

struct TomlRemoval {
  std::string text;      // the text without the block (and the blank line before it)
  bool removed = false;  // there was a block
  bool foreign = false;  // [mcp_servers.<name>] exists outside any block (left alone)
};
// Removes the block. Errors: as UpsertTomlBlock's kInvalidArgument.
Result<TomlRemoval> RemoveTomlBlock(std::string_view text, std::string_view name,
                                    std::string_view path);

}  // namespace memex::install
