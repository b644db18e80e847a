// Principal: who is calling, with which role, over which scopes (SPEC §9). A value type: the
// authenticators (tokens, trusted header, auth mode none) build one per request, and the service
// asks it before every read, write and administrative action. No I/O.
//
// Roles are ordered: admin includes write, write includes read. Scope patterns are "*" (every
// scope), "<ws>/*" (every project of workspace <ws>) and "<ws>/<project>" (one scope).
//
// Thread-safety: a plain value; const methods are safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/scope.h"

namespace memex {

enum class Role { kRead = 0, kWrite = 1, kAdmin = 2 };  // ordered: each includes the ones below

// "read" | "write" | "admin".
std::string_view RoleName(Role r);
// Parses a role name (exact, lowercase). Errors: kInvalidArgument naming the value and the
// accepted names.
Result<Role> ParseRole(std::string_view s);

// A scope pattern: "*" (every scope), "<ws>/*" (every project of a workspace), "<ws>/<project>".
// OK when `pattern` has one of these shapes and its names are valid scope names (core/scope.h).
// Errors: kInvalidArgument naming the pattern and the accepted shapes.
Status ValidateScopePattern(std::string_view pattern);
// True when `pattern` matches `scope`. An invalid pattern matches nothing.
bool ScopePatternMatches(std::string_view pattern, const Scope& scope);

struct Principal {
  std::string name = "local";  // token name, trusted-header value, "local", "anonymous"
  std::string token_id;        // the token's id when authenticated by a token, else empty
  Role role = Role::kAdmin;
  std::vector<std::string> scopes = {"*"};  // patterns; empty = no scope at all

  // The process owner (CLI on its own data dir, auth mode none): admin over "*".
  static Principal Local();

  // True when some pattern matches `s`.
  bool Covers(const Scope& s) const;
  // True when the patterns include "*".
  bool AllScopes() const;

  // "token 'ci' (read)" for a token, "'alice' (write)" otherwise: the subject of denial messages.
  std::string Describe() const;

  // OK, or kPermissionDenied with a message naming principal, action and scope, e.g.
  // "token 'ci' (read) may not write to acme/api".
  Status MayRead(const Scope& s) const;   // role >= read and Covers
  Status MayWrite(const Scope& s) const;  // role >= write and Covers
  Status MayAdmin() const;                // role == admin
};

}  // namespace memex
