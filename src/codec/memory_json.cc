#include "codec/memory_json.h"

#include <nlohmann/json.hpp>

#include "base/time_util.h"

namespace memex {
namespace {

using nlohmann::json;

json StrOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json TimeOrNull(int64_t ms) { return ms == 0 ? json(nullptr) : json(FormatRfc3339Ms(ms)); }

Status FieldError(std::string_view field, std::string_view problem) {
  return InvalidArgument("field '" + std::string(field) + "': " + std::string(problem));
}

Result<std::string> GetString(const json& j, const char* field, bool required) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (required) return FieldError(field, "is required");
    return std::string();
  }
  if (!it->is_string()) return FieldError(field, "must be a string");
  return it->get<std::string>();
}

Result<int64_t> GetTime(const json& j, const char* field) {
  ASSIGN_OR_RETURN(std::string s, GetString(j, field, false));
  if (s.empty()) return int64_t{0};
  auto t = ParseTimestampMs(s);
  if (!t.ok()) return FieldError(field, t.status().message());
  return *t;
}

Result<int64_t> GetInt(const json& j, const char* field, int64_t def) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return def;
  if (!it->is_number_integer()) return FieldError(field, "must be an integer");
  return it->get<int64_t>();
}

}  // namespace

std::string EncodeMemory(const Memory& m) {
  json j = json::object();
  j["id"] = m.id;
  j["workspace"] = m.scope.workspace;
  j["project"] = m.scope.project;
  j["kind"] = KindName(m.kind);
  j["content"] = m.content;
  j["tags"] = m.tags;
  j["origin"] = OriginName(m.origin);
  j["agent"] = StrOrNull(m.agent);
  j["session"] = StrOrNull(m.session);
  j["status"] = StatusName(m.status);
  j["confidence"] = m.confidence;
  j["version"] = m.version;
  j["supersedes"] = StrOrNull(m.supersedes);
  j["superseded_by"] = StrOrNull(m.superseded_by);
  j["content_hash"] = m.content_hash;
  j["idempotency_key"] = StrOrNull(m.idempotency_key);
  j["created_at"] = TimeOrNull(m.created_ms);
  j["updated_at"] = TimeOrNull(m.updated_ms);
  j["last_accessed_at"] = TimeOrNull(m.last_accessed_ms);
  j["access_count"] = m.access_count;
  j["expires_at"] = TimeOrNull(m.expires_ms);
  j["deleted_at"] = TimeOrNull(m.deleted_ms);
  j["archived_at"] = TimeOrNull(m.archived_ms);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Memory> DecodeMemory(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("not valid JSON");
  if (!j.is_object()) return InvalidArgument("expected a JSON object");
  static const char* const kKnown[] = {
      "id",         "workspace",     "project",          "kind",
      "content",    "tags",          "origin",           "agent",
      "session",    "status",        "confidence",       "version",
      "supersedes", "superseded_by", "content_hash",     "idempotency_key",
      "created_at", "updated_at",    "last_accessed_at", "access_count",
      "expires_at", "deleted_at",    "archived_at"};
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) return FieldError(key, "unknown field");
  }
  Memory m;
  ASSIGN_OR_RETURN(m.id, GetString(j, "id", true));
  ASSIGN_OR_RETURN(m.scope.workspace, GetString(j, "workspace", true));
  ASSIGN_OR_RETURN(m.scope.project, GetString(j, "project", true));
  if (auto st = ValidateScopeName(m.scope.workspace, "workspace"); !st.ok()) {
    return FieldError("workspace", st.message());
  }
  if (auto st = ValidateScopeName(m.scope.project, "project"); !st.ok()) {
    return FieldError("project", st.message());
  }
  ASSIGN_OR_RETURN(m.content, GetString(j, "content", true));
  ASSIGN_OR_RETURN(std::string kind, GetString(j, "kind", false));
  if (!kind.empty()) {
    auto k = ParseKind(kind);
    if (!k.ok()) return FieldError("kind", k.status().message());
    m.kind = *k;
  }
  ASSIGN_OR_RETURN(std::string origin, GetString(j, "origin", false));
  if (!origin.empty()) {
    auto o = ParseOrigin(origin);
    if (!o.ok()) return FieldError("origin", o.status().message());
    m.origin = *o;
  }
  ASSIGN_OR_RETURN(std::string status, GetString(j, "status", false));
  if (!status.empty()) {
    auto s = ParseStatus(status);
    if (!s.ok()) return FieldError("status", s.status().message());
    m.status = *s;
  }
  if (auto it = j.find("tags"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return FieldError("tags", "must be an array of strings");
    for (const auto& t : *it) {
      if (!t.is_string()) return FieldError("tags", "must be an array of strings");
      m.tags.push_back(t.get<std::string>());
    }
  }
  ASSIGN_OR_RETURN(m.agent, GetString(j, "agent", false));
  ASSIGN_OR_RETURN(m.session, GetString(j, "session", false));
  if (auto it = j.find("confidence"); it != j.end() && !it->is_null()) {
    if (!it->is_number()) return FieldError("confidence", "must be a number");
    m.confidence = it->get<double>();
    if (m.confidence < 0 || m.confidence > 1) return FieldError("confidence", "must be in [0, 1]");
  }
  ASSIGN_OR_RETURN(int64_t version, GetInt(j, "version", 1));
  if (version < 1) return FieldError("version", "must be >= 1");
  m.version = static_cast<int>(version);
  ASSIGN_OR_RETURN(m.supersedes, GetString(j, "supersedes", false));
  ASSIGN_OR_RETURN(m.superseded_by, GetString(j, "superseded_by", false));
  ASSIGN_OR_RETURN(m.content_hash, GetString(j, "content_hash", false));
  ASSIGN_OR_RETURN(m.idempotency_key, GetString(j, "idempotency_key", false));
  ASSIGN_OR_RETURN(m.created_ms, GetTime(j, "created_at"));
  ASSIGN_OR_RETURN(m.updated_ms, GetTime(j, "updated_at"));
  ASSIGN_OR_RETURN(m.last_accessed_ms, GetTime(j, "last_accessed_at"));
  ASSIGN_OR_RETURN(m.access_count, GetInt(j, "access_count", 0));
  ASSIGN_OR_RETURN(m.expires_ms, GetTime(j, "expires_at"));
  ASSIGN_OR_RETURN(m.deleted_ms, GetTime(j, "deleted_at"));
  ASSIGN_OR_RETURN(m.archived_ms, GetTime(j, "archived_at"));
  return m;
}

}  // namespace memex
