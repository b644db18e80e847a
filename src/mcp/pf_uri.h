// URIs of memex's own resources as the pagefault tools show them (SPEC §2):
//   memex://<workspace>/<project>/memories/<id>       one memory version (UUID)
//   memex://<workspace>/<project>/sessions/<id>       a captured agent session (the agent's id)
//   memex://<workspace>/<project>/handoffs/<id>       a handoff (UUID)
//   memex://<workspace>/<project>/lessons/<id>        a lesson (UUID)
// Every version of a memory has its own id, so a memory URI names exactly one version.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "core/scope.h"

namespace memex::mcp {

inline constexpr std::string_view kMemexScheme = "memex";

// The collection a memex:// URI names (its third path segment).
enum class Collection { kMemories, kSessions, kHandoffs, kLessons };
// "memories", "sessions", "handoffs", "lessons".
std::string_view CollectionName(Collection c);

struct MemoryUri {
  Scope scope;
  std::string id;  // a UUID (any version of a memory)
};

struct MemexUri {
  Scope scope;
  Collection collection = Collection::kMemories;
  // A lowercased UUID, except for sessions: the agent's session id, decoded (see FormatMemexUri).
  std::string id;
};

// "memex://ws/proj/memories/<id>".
std::string FormatMemoryUri(const Scope& scope, std::string_view id);

// "memex://ws/proj/<collection>/<id>". Bytes of `id` outside [A-Za-z0-9._:-] are written as %XX
// (session ids are the agents' own strings), so ParseMemexUri(FormatMemexUri(...)) round-trips.
std::string FormatMemexUri(const Scope& scope, Collection collection, std::string_view id);

// The scheme of `uri` (the text before "://"), or "" when there is none.
std::string_view UriScheme(std::string_view uri);

// Parses a memex:// URI of any collection. memories, handoffs and lessons need a UUID (returned
// lowercased); sessions take 1..200 bytes of [A-Za-z0-9._:-] or %XX escapes (decoded).
// Errors: kInvalidArgument for a malformed URI (no scheme, wrong number of segments, bad scope
// names, an unknown collection, a bad id); kNotFound when the scheme is not "memex" (pagefault's
// "unknown scheme": backend_not_found).
Result<MemexUri> ParseMemexUri(std::string_view uri);

// Parses a memory URI: as ParseMemexUri, and any collection other than "memories" is
// kInvalidArgument.
Result<MemoryUri> ParseMemoryUri(std::string_view uri);

}  // namespace memex::mcp
