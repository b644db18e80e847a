#include "core/scope.h"

namespace memex {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsNameChar(char c) { return IsNameStart(c) || c == '.' || c == '_' || c == '-'; }

}  // namespace

Status ValidateScopeName(std::string_view name, std::string_view what) {
  bool ok = !name.empty() && name.size() <= 64 && IsNameStart(name[0]);
  for (size_t i = 1; ok && i < name.size(); ++i) ok = IsNameChar(name[i]);
  if (ok) return Status::Ok();
  return InvalidArgument("invalid " + std::string(what) + " '" + std::string(name) +
                         "': must match ^[a-z0-9][a-z0-9._-]{0,63}$ (lowercase letters, digits, "
                         "'.', '_', '-'; at most 64 characters)");
}

Result<Scope> ParseScope(std::string_view text, std::string_view default_workspace) {
  Scope s;
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    s.workspace = std::string(default_workspace);
    s.project = std::string(text);
  } else {
    s.workspace = std::string(text.substr(0, slash));
    s.project = std::string(text.substr(slash + 1));
    if (s.project.find('/') != std::string::npos) {
      return InvalidArgument("invalid scope '" + std::string(text) +
                             "': expected workspace/project");
    }
  }
  RETURN_IF_ERROR(ValidateScopeName(s.workspace, "workspace"));
  RETURN_IF_ERROR(ValidateScopeName(s.project, "project"));
  return s;
}

std::string SanitizeScopeName(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (IsNameChar(c)) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && !IsNameStart(out.front())) out.erase(out.begin());
  if (out.size() > 64) out.resize(64);
  while (!out.empty() && (out.back() == '-')) out.pop_back();
  return out;
}

}  // namespace memex
