#include "mcp/pf_common.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/text.h"
#include "base/time_util.h"
#include "mcp/pf_uri.h"

namespace memex::mcp::pf {
namespace {

constexpr int64_t kDayMs = 86400000;

Json NullIfEmpty(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json TimeOrNull(int64_t ms) { return ms == 0 ? Json(nullptr) : Json(FormatRfc3339Ms(ms)); }

}  // namespace

ToolError InvalidRequest(std::string message) {
  return ToolError{"invalid_request", 400, std::move(message)};
}

ToolError FromStatus(const Status& st, std::string_view not_found_code) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
      // The service words every size-limit rejection with the config key that sets the limit.
      if (st.message().find("limits.max_content_bytes") != std::string::npos) {
        return ToolError{"content_too_large", 413, st.message()};
      }
      return InvalidRequest(st.message());
    case StatusCode::kNotFound:
      return ToolError{std::string(not_found_code), 404, st.message()};
    case StatusCode::kPermissionDenied:
      return ToolError{"access_violation", 403, st.message()};
    case StatusCode::kResourceExhausted:
      return ToolError{"content_too_large", 413, st.message()};
    case StatusCode::kUnavailable:
      return ToolError{"backend_unavailable", 502, st.message()};
    default:
      return ToolError{"internal_error", 500, st.ToString()};
  }
}

ArgReader::ArgReader(const Json& args) {
  if (args.is_object()) {
    args_ = &args;
  } else if (!args.is_null()) {
    error_ = InvalidRequest("arguments must be a JSON object");
  }
}

const Json* ArgReader::Get(std::string_view key) const {
  if (args_ == nullptr) return nullptr;
  auto it = args_->find(key);
  if (it == args_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool ArgReader::Has(std::string_view key) const { return Get(key) != nullptr; }

void ArgReader::TypeError(std::string_view key, std::string_view want) {
  Fail("argument '" + std::string(key) + "' must be " + std::string(want));
}

void ArgReader::Fail(std::string message) {
  if (!error_) error_ = InvalidRequest(std::move(message));
}

std::optional<std::string> ArgReader::String(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    TypeError(key, "a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<int64_t> ArgReader::Int(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      TypeError(key, "an integer in range");
      return std::nullopt;
    }
    return v->get<int64_t>();
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) {
      return static_cast<int64_t>(d);
    }
  }
  TypeError(key, "an integer");
  return std::nullopt;
}

std::optional<bool> ArgReader::Bool(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    TypeError(key, "a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::vector<std::string>> ArgReader::Strings(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return std::vector<std::string>{v->get<std::string>()};
  if (!v->is_array()) {
    TypeError(key, "an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(v->size());
  for (const Json& e : *v) {
    if (!e.is_string()) {
      TypeError(key, "an array of strings");
      return std::nullopt;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

const Json* ArgReader::Object(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    TypeError(key, "an object");
    return nullptr;
  }
  return v;
}

// A long text is windowed around the first matched term so the snippet shows why it matched.
std::string Snippet(std::string_view content, const std::vector<std::string>& terms) {
  std::string flat;
  flat.reserve(content.size());
  bool space = false;
  for (char c : content) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !flat.empty();
      continue;
    }
    if (space) flat += ' ';
    space = false;
    flat += c;
  }
  size_t start = 0;
  if (flat.size() > kSnippetBytes) {
    std::string lower = AsciiLower(flat);
    size_t first = std::string::npos;
    for (const std::string& term : terms) {
      if (!term.empty()) first = std::min(first, lower.find(term));
    }
    constexpr size_t kLead = kSnippetBytes / 3;
    if (first != std::string::npos && first > kLead) {
      start = std::min(first - kLead, flat.size() - kSnippetBytes);
      while (start < flat.size() && (static_cast<unsigned char>(flat[start]) & 0xc0) == 0x80) {
        ++start;
      }
    }
  }
  std::string out = start > 0 ? "…" : "";
  out += TruncateUtf8(std::string_view(flat).substr(start), kSnippetBytes);
  return out;
}

std::string SliceLines(std::string_view text, int64_t from_line, int64_t to_line) {
  if (from_line <= 1 && to_line <= 0) return std::string(text);
  int64_t first = from_line <= 0 ? 1 : from_line;
  std::string out;
  bool any = false;
  int64_t line = 1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (line >= first && (to_line <= 0 || line <= to_line)) {
      if (any) out += '\n';
      out.append(text.substr(start, end - start));
      any = true;
    }
    if (nl == std::string_view::npos || (to_line > 0 && line >= to_line)) break;
    start = nl + 1;
    ++line;
  }
  return out;
}

Result<int64_t> ParseRangeBound(std::string_view text, bool is_upper) {
  std::string_view t = Trim(text);
  ASSIGN_OR_RETURN(int64_t ms, ParseTimestampMs(t));
  if (is_upper && t.size() == 10) ms += kDayMs;  // "YYYY-MM-DD": through the end of that day
  return ms;
}

Result<SearchFilter> ResolveScopes(const std::optional<std::string>& scope,
                                   const std::optional<std::vector<std::string>>& scopes,
                                   const Scope& default_scope, const Config& config) {
  SearchFilter f;
  auto add = [&](std::string_view text) -> Status {
    std::string_view t = Trim(text);
    if (t == "*") {
      f.all_scopes = true;
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(Scope s, ParseScope(t, config.scope.default_workspace));
    for (const Scope& have : f.scopes) {
      if (have == s) return Status::Ok();
    }
    f.scopes.push_back(std::move(s));
    return Status::Ok();
  };
  if (scopes) {
    for (const std::string& s : *scopes) RETURN_IF_ERROR(add(s));
  }
  if (scope) RETURN_IF_ERROR(add(*scope));
  if (!f.all_scopes && f.scopes.empty()) f.scopes.push_back(default_scope);
  if (f.all_scopes) f.scopes.clear();
  return f;
}

Json MemoryMetadata(const Memory& m) {
  Json meta{
      {"backend", kBackendName},
      {"tags", m.tags},
      {"id", m.id},
      {"scope", m.scope.ToString()},
      {"kind", KindName(m.kind)},
      {"status", StatusName(m.status)},
      {"version", m.version},
      {"supersedes", NullIfEmpty(m.supersedes)},
      {"superseded_by", NullIfEmpty(m.superseded_by)},
      {"created_at", TimeOrNull(m.created_ms)},
      {"updated_at", TimeOrNull(m.updated_ms)},
      {"origin", OriginName(m.origin)},
  };
  // The session that wrote it (hook summaries, pf_poke calls joined by tool_use_id).
  if (!m.session.empty()) meta["session"] = m.session;
  return meta;
}

const Source* SourceByScheme(const Deps& d, std::string_view scheme) {
  for (const auto& s : d.sources) {
    if (s->uri_scheme() == scheme) return s.get();
  }
  return nullptr;
}

const Source* SourceByName(const Deps& d, std::string_view name) {
  for (const auto& s : d.sources) {
    if (s->name() == name) return s.get();
  }
  return nullptr;
}

}  // namespace memex::mcp::pf
