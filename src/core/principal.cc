#include "core/principal.h"

#include <algorithm>

namespace memex {
namespace {

constexpr std::string_view kAnyScope = "*";

// Splits "ws/rest" at the only slash; false when there is not exactly one.
bool SplitPattern(std::string_view pattern, std::string_view& ws, std::string_view& rest) {
  size_t slash = pattern.find('/');
  if (slash == std::string_view::npos || pattern.find('/', slash + 1) != std::string_view::npos) {
    return false;
  }
  ws = pattern.substr(0, slash);
  rest = pattern.substr(slash + 1);
  return true;
}

Status Denied(const Principal& p, std::string_view action, const Scope* scope) {
  std::string msg = p.Describe() + " may not " + std::string(action);
  if (scope != nullptr) msg += " " + scope->ToString();
  return PermissionDenied(std::move(msg));
}

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kRead:
      return "read";
    case Role::kWrite:
      return "write";
    case Role::kAdmin:
      return "admin";
  }
  return "read";
}

Result<Role> ParseRole(std::string_view s) {
  for (Role r : {Role::kRead, Role::kWrite, Role::kAdmin}) {
    if (s == RoleName(r)) return r;
  }
  return InvalidArgument("unknown role '" + std::string(s) + "' (expected read, write or admin)");
}

Status ValidateScopePattern(std::string_view pattern) {
  if (pattern == kAnyScope) return Status::Ok();
  const std::string shapes = "' (expected *, <workspace>/* or <workspace>/<project>)";
  std::string_view ws, project;
  if (!SplitPattern(pattern, ws, project)) {
    return InvalidArgument("invalid scope pattern '" + std::string(pattern) + shapes);
  }
  Status st = ValidateScopeName(ws, "workspace");
  if (st.ok() && project != kAnyScope) st = ValidateScopeName(project, "project");
  if (!st.ok()) return st.WithContext("invalid scope pattern '" + std::string(pattern) + "'");
  return Status::Ok();
}

bool ScopePatternMatches(std::string_view pattern, const Scope& scope) {
  if (pattern == kAnyScope) return true;
  std::string_view ws, project;
  if (!SplitPattern(pattern, ws, project) || ws != scope.workspace) return false;
  // A pattern is matched literally: "*" is only special as a whole project part.
  return project == kAnyScope || project == scope.project;
}

Principal Principal::Local() { return Principal{}; }

bool Principal::Covers(const Scope& s) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const std::string& p) { return ScopePatternMatches(p, s); });
}

bool Principal::AllScopes() const {
  return std::find(scopes.begin(), scopes.end(), kAnyScope) != scopes.end();
}

std::string Principal::Describe() const {
  std::string who = token_id.empty() ? "'" + name + "'" : "token '" + name + "'";
  return who + " (" + std::string(RoleName(role)) + ")";
}

Status Principal::MayRead(const Scope& s) const {
  if (role >= Role::kRead && Covers(s)) return Status::Ok();
  return Denied(*this, "read from", &s);
}

Status Principal::MayWrite(const Scope& s) const {
  if (role >= Role::kWrite && Covers(s)) return Status::Ok();
  return Denied(*this, "write to", &s);
}

Status Principal::MayAdmin() const {
  if (role == Role::kAdmin) return Status::Ok();
  return Denied(*this, "administer memex (admin role required)", nullptr);
}

}  // namespace memex
