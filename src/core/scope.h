// Scope = workspace/project (SPEC §2). Every memory lives in exactly one scope.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace memex {

inline constexpr std::string_view kDefaultWorkspace = "default";

struct Scope {
  std::string workspace;
  std::string project;

  // "workspace/project".
  std::string ToString() const { return workspace + "/" + project; }
  friend bool operator==(const Scope&, const Scope&) = default;
  friend auto operator<=>(const Scope&, const Scope&) = default;
};

// Names match ^[a-z0-9][a-z0-9._-]{0,63}$. Errors: kInvalidArgument naming the bad value and the
// rule.
Status ValidateScopeName(std::string_view name, std::string_view what = "name");

// Parses "ws/proj" or "proj" (workspace `default_workspace`). Both parts are validated.
Result<Scope> ParseScope(std::string_view text,
                         std::string_view default_workspace = kDefaultWorkspace);

// Best-effort conversion of an arbitrary directory or repository name into a valid scope name:
// lowercase, runs of other characters become '-', trimmed to 64 bytes; "" if nothing remains.
std::string SanitizeScopeName(std::string_view raw);

}  // namespace memex
