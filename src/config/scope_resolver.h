// Resolves the scope of a request (SPEC §2): explicit "ws/proj" > `.memex.toml` marker in the
// nearest ancestor of the cwd (keys `workspace`, `project`) > git repository root name >
// basename of the cwd. Workspace defaults to config scope.default_workspace.
#pragma once

#include <string>

#include "base/status.h"
#include "core/scope.h"

namespace memex {

struct ScopeInputs {
  std::string explicit_scope;     // --scope, "" = not given
  std::string cwd;                // absolute directory the request comes from
  std::string default_workspace;  // from config
};

struct ResolvedScope {
  Scope scope;
  std::string source;  // "explicit" | "marker:<path>" | "git:<root>" | "cwd"
};

// Errors: kInvalidArgument for an invalid explicit scope or marker values (the marker path is
// named), a malformed marker file, or a cwd whose name cannot be made into a valid project name.
Result<ResolvedScope> ResolveScope(const ScopeInputs& in);

}  // namespace memex
