#include "mcp/pf_uri.h"

#include <vector>

#include "base/ids.h"
#include "base/text.h"

namespace memex::mcp {
namespace {

constexpr size_t kMaxSessionIdBytes = 200;  // CaptureService::Prepare's bound
constexpr char kHex[] = "0123456789ABCDEF";

bool PlainIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes a session id segment; false for a character outside the set or a broken escape.
bool DecodeSessionId(std::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (PlainIdChar(c)) {
      out += c;
      continue;
    }
    if (c != '%' || i + 2 >= text.size()) return false;
    int hi = HexValue(text[i + 1]);
    int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return !out.empty() && out.size() <= kMaxSessionIdBytes;
}

Status Malformed(const std::string& shown, std::string_view why) {
  return InvalidArgument("malformed memex URI '" + shown + "': " + std::string(why));
}

}  // namespace

std::string_view CollectionName(Collection c) {
  switch (c) {
    case Collection::kMemories:
      return "memories";
    case Collection::kSessions:
      return "sessions";
    case Collection::kHandoffs:
      return "handoffs";
    case Collection::kLessons:
      return "lessons";
  }
  return "memories";
}

std::string FormatMemexUri(const Scope& scope, Collection collection, std::string_view id) {
  std::string out;
  out.reserve(kMemexScheme.size() + scope.workspace.size() + scope.project.size() + id.size() + 16);
  out.append(kMemexScheme).append("://");
  out.append(scope.workspace).append("/").append(scope.project).append("/");
  out.append(CollectionName(collection)).append("/");
  for (char c : id) {
    if (PlainIdChar(c)) {
      out += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

std::string FormatMemoryUri(const Scope& scope, std::string_view id) {
  return FormatMemexUri(scope, Collection::kMemories, id);
}

std::string_view UriScheme(std::string_view uri) {
  size_t pos = uri.find("://");
  if (pos == std::string_view::npos || pos == 0) return {};
  return uri.substr(0, pos);
}

Result<MemexUri> ParseMemexUri(std::string_view uri) {
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
    return Malformed(shown, "expected memex://<workspace>/<project>/<collection>/<id>");
  }
  MemexUri out;
  out.scope = {parts[0], parts[1]};
  if (Status st = ValidateScopeName(out.scope.workspace, "workspace"); !st.ok()) {
    return Malformed(shown, st.message());
  }
  if (Status st = ValidateScopeName(out.scope.project, "project"); !st.ok()) {
    return Malformed(shown, st.message());
  }
  bool known = false;
  for (Collection c : {Collection::kMemories, Collection::kSessions, Collection::kHandoffs,
                       Collection::kLessons}) {
    if (parts[2] == CollectionName(c)) {
      out.collection = c;
      known = true;
    }
  }
  if (!known) {
    return Malformed(shown, "unknown collection '" + TruncateUtf8(parts[2], 64) +
                                "' (memories, sessions, handoffs or lessons)");
  }
  if (out.collection == Collection::kSessions) {
    if (!DecodeSessionId(parts[3], out.id)) {
      return Malformed(shown, "'" + TruncateUtf8(parts[3], 64) +
                                  "' is not a session id (1 to 200 characters of "
                                  "[A-Za-z0-9._:-])");
    }
    return out;
  }
  if (!IsUuid(parts[3])) {
    const char* what = out.collection == Collection::kMemories   ? "memory"
                       : out.collection == Collection::kHandoffs ? "handoff"
                                                                 : "lesson";
    return Malformed(shown, "'" + TruncateUtf8(parts[3], 64) + "' is not a " + what + " id");
  }
  out.id = AsciiLower(parts[3]);
  return out;
}

Result<MemoryUri> ParseMemoryUri(std::string_view uri) {
  ASSIGN_OR_RETURN(MemexUri parsed, ParseMemexUri(uri));
  if (parsed.collection != Collection::kMemories) {
    return InvalidArgument("malformed memex URI '" + TruncateUtf8(uri, 200) +
                           "': not a memory URI (memex://<workspace>/<project>/memories/<id>)");
  }
  return MemoryUri{std::move(parsed.scope), std::move(parsed.id)};
}

}  // namespace memex::mcp
