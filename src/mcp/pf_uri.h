// URIs of memex's own resources as the pagefault tools show them (SPEC §2):
//   memex://<workspace>/<project>/memories/<id>
// Every version of a memory has its own id, so a URI names exactly one version.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "core/scope.h"

namespace memex::mcp {

inline constexpr std::string_view kMemexScheme = "memex";

struct MemoryUri {
  Scope scope;
  std::string id;  // a UUID (any version of a memory)
};

// "memex://ws/proj/memories/<id>".
std::string FormatMemoryUri(const Scope& scope, std::string_view id);

// The scheme of `uri` (the text before "://"), or "" when there is none.
std::string_view UriScheme(std::string_view uri);

// Parses a memex:// URI. Errors: kInvalidArgument for a malformed URI (no scheme, wrong number
// of segments, bad scope names, a collection other than "memories", an id that is not a UUID);
// kNotFound when the scheme is not "memex" (pagefault's "unknown scheme": backend_not_found).
Result<MemoryUri> ParseMemoryUri(std::string_view uri);

}  // namespace memex::mcp
