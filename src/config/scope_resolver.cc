#include "config/scope_resolver.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "config/toml.h"

namespace memex {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarkerName = ".memex.toml";

struct Marker {
  std::string path;
  std::optional<std::string> workspace;
  std::optional<std::string> project;
};

// Reads and validates a marker. Its values must be valid names as written: the marker is a
// deliberate statement, so silently rewriting a typo would hide it.
Result<Marker> ReadMarker(const fs::path& path) {
  Marker m{path.string(), std::nullopt, std::nullopt};
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument(m.path + ": cannot read scope marker: " +
                           std::error_code(errno, std::generic_category()).message());
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();

  toml::table root;
  try {
    root = toml::parse(text, m.path);
  } catch (const toml::parse_error& e) {
    const toml::source_position& pos = e.source().begin;
    return InvalidArgument(m.path + ":" + std::to_string(pos.line) + ":" +
                           std::to_string(pos.column) +
                           ": invalid TOML in scope marker: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return InvalidArgument(m.path + ": invalid TOML in scope marker: " + e.what());
  }

  for (auto&& [key, node] : root) {
    std::string_view k = key.str();
    if (k != "workspace" && k != "project") {
      std::string msg = m.path + ": unknown key '" + std::string(k) + "' in scope marker";
      if (k.starts_with('w')) msg += " (did you mean 'workspace'?)";
      if (k.starts_with('p')) msg += " (did you mean 'project'?)";
      return InvalidArgument(msg + "; allowed keys: workspace, project");
    }
    if (!node.is_string()) {
      return InvalidArgument(m.path + ": '" + std::string(k) + "' must be a string (line " +
                             std::to_string(node.source().begin.line) + ")");
    }
    std::string value(node.as_string()->get());
    Status st = ValidateScopeName(value, k);
    if (!st.ok()) return InvalidArgument(m.path + ": " + st.message());
    (k == "workspace" ? m.workspace : m.project) = std::move(value);
  }
  return m;
}

bool IsRegularFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

Result<std::string> ProjectFromDir(const fs::path& dir, std::string_view what) {
  std::string name = SanitizeScopeName(dir.filename().string());
  if (name.empty()) {
    return InvalidArgument("cannot derive a project name from the " + std::string(what) + " '" +
                           dir.string() +
                           "': pass --scope workspace/project or add a .memex.toml marker");
  }
  return name;
}

}  // namespace

Result<ResolvedScope> ResolveScope(const ScopeInputs& in) {
  std::string_view default_ws =
      in.default_workspace.empty() ? kDefaultWorkspace : std::string_view(in.default_workspace);
  if (!in.explicit_scope.empty()) {
    Result<Scope> s = ParseScope(in.explicit_scope, default_ws);
    if (!s.ok()) return s.status().WithContext("--scope");
    return ResolvedScope{*std::move(s), "explicit"};
  }

  std::error_code ec;
  fs::path cwd = in.cwd.empty() ? fs::current_path(ec) : fs::path(in.cwd);
  if (ec) return InvalidArgument("cannot determine the working directory: " + ec.message());
  std::string normal = fs::absolute(cwd, ec).lexically_normal().string();
  if (ec) return InvalidArgument("invalid working directory '" + in.cwd + "': " + ec.message());
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  cwd = normal;

  // One walk up to the filesystem root finds both the nearest marker and the nearest git root.
  std::optional<fs::path> marker_path;
  std::optional<fs::path> git_root;
  for (fs::path dir = cwd;; dir = dir.parent_path()) {
    if (!marker_path && IsRegularFile(dir / kMarkerName)) marker_path = dir / kMarkerName;
    if (!git_root && Exists(dir / ".git")) git_root = dir;
    if ((marker_path && git_root) || dir == dir.parent_path() || dir.empty()) break;
  }

  ResolvedScope out;
  out.scope.workspace = std::string(default_ws);
  if (marker_path) {
    ASSIGN_OR_RETURN(Marker m, ReadMarker(*marker_path));
    if (m.workspace) out.scope.workspace = *m.workspace;
    if (m.project) out.scope.project = *m.project;
    if (m.workspace || m.project) out.source = "marker:" + m.path;
  }
  RETURN_IF_ERROR(ValidateScopeName(out.scope.workspace, "workspace"));
  if (!out.scope.project.empty()) return out;

  if (git_root) {
    ASSIGN_OR_RETURN(out.scope.project, ProjectFromDir(*git_root, "git repository"));
    if (out.source.empty()) out.source = "git:" + git_root->string();
  } else {
    ASSIGN_OR_RETURN(out.scope.project, ProjectFromDir(cwd, "directory"));
    if (out.source.empty()) out.source = "cwd";
  }
  return out;
}

}  // namespace memex
