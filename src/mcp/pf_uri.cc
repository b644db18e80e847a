#include "mcp/pf_uri.h"

#include <vector>

#include "base/ids.h"
#include "base/text.h"

namespace memex::mcp {

std::string FormatMemoryUri(const Scope& scope, std::string_view id) {
  std::string out;
  out.reserve(kMemexScheme.size() + scope.workspace.size() + scope.project.size() + id.size() + 16);
  out.append(kMemexScheme).append("://");
  out.append(scope.workspace).append("/").append(scope.project).append("/memories/");
  out.append(id);
  return out;
}

std::string_view UriScheme(std::string_view uri) {
  size_t pos = uri.find("://");
  if (pos == std::string_view::npos || pos == 0) return {};
  return uri.substr(0, pos);
}

Result<MemoryUri> ParseMemoryUri(std::string_view uri) {
  std::string shown = TruncateUtf8(uri, 200);
  std::string_view scheme = UriScheme(uri);
  if (scheme.empty()) return InvalidArgument("missing scheme in URI '" + shown + "'");
  if (scheme != kMemexScheme) {
    return NotFound("no backend for scheme '" + TruncateUtf8(scheme, 64) + "'");
  }
  std::string_view path = uri.substr(scheme.size() + 3);
  // Split keeping empty segments: "ws//memories/x" must be rejected, not collapsed.
  std::vector<std::string> parts = Split(path, '/', /*skip_empty=*/false);
  if (parts.size() != 4) {
    return InvalidArgument("malformed memex URI '" + shown +
                           "': expected memex://<workspace>/<project>/memories/<id>");
  }
  MemoryUri out{{parts[0], parts[1]}, parts[3]};
  if (Status st = ValidateScopeName(out.scope.workspace, "workspace"); !st.ok()) {
    return InvalidArgument("malformed memex URI '" + shown + "': " + st.message());
  }
  if (Status st = ValidateScopeName(out.scope.project, "project"); !st.ok()) {
    return InvalidArgument("malformed memex URI '" + shown + "': " + st.message());
  }
  if (parts[2] != "memories") {
    return InvalidArgument("malformed memex URI '" + shown + "': unknown collection '" +
                           TruncateUtf8(parts[2], 64) + "' (only 'memories' is supported)");
  }
  if (!IsUuid(out.id)) {
    return InvalidArgument("malformed memex URI '" + shown + "': '" + TruncateUtf8(out.id, 64) +
                           "' is not a memory id");
  }
  out.id = AsciiLower(out.id);
  return out;
}

}  // namespace memex::mcp
