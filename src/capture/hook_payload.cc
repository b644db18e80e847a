#include "capture/hook_payload.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

namespace memex::capture {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Bytes one byte of a string takes inside the quotes of Dump()'s output (ensure_ascii off:
// only quotes, backslashes and control characters are escaped).
size_t EscapedByteSize(unsigned char c) {
  if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
    return 2;
  }
  return c < 0x20 ? 6 : 1;
}

size_t EscapedSize(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += EscapedByteSize(c);
  return n;
}

size_t Digits(size_t n) {
  size_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

std::string CutMarker(size_t removed) { return "…[cut " + std::to_string(removed) + " bytes]"; }
// An upper bound of CutMarker(r).size() for any r <= n ("…" is 3 bytes).
size_t CutMarkerBound(size_t n) { return 3 + 5 + Digits(n) + 7; }

// Moves `i` back to the start of the UTF-8 character it points into.
size_t Utf8Boundary(const std::string& s, size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

// Cuts `s` so that its escaped size is at most `keep_escaped` plus the marker.
size_t CutToEscaped(std::string& s, size_t keep_escaped) {
  size_t used = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t e = EscapedByteSize(static_cast<unsigned char>(s[i]));
    if (used + e > keep_escaped) break;
    used += e;
    ++i;
  }
  i = Utf8Boundary(s, i);
  size_t removed = s.size() - i;
  s.resize(i);
  s += CutMarker(removed);
  return removed;
}

// Plain-text cap: at most `max_bytes`, UTF-8 safe, the marker included.
std::string CapText(std::string s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t bound = CutMarkerBound(s.size());
  size_t keep = max_bytes > bound ? max_bytes - bound : 0;
  keep = Utf8Boundary(s, keep);
  size_t removed = s.size() - keep;
  s.resize(keep);
  s += CutMarker(removed);
  return s;
}

void CollectStrings(json& j, std::vector<json*>& out) {
  if (j.is_string()) {
    out.push_back(&j);
  } else if (j.is_structured()) {
    for (auto& v : j) CollectStrings(v, out);
  }
}

// Phase 1: cut every string longer than a common length C (the largest C that saves `excess`
// bytes). The saving is computed from upper bounds, so when it applies the result fits. Returns
// false (and changes nothing) when cutting every string to its marker would not be enough.
bool CutLongestStrings(json& doc, size_t excess, size_t& cut_bytes) {
  std::vector<json*> strings;
  CollectStrings(doc, strings);
  struct Item {
    json* node;
    size_t escaped;
    size_t marker;
  };
  std::vector<Item> items;
  size_t longest = 0;
  for (json* s : strings) {
    const auto& text = s->get_ref<const std::string&>();
    Item it{s, EscapedSize(text), CutMarkerBound(text.size())};
    longest = std::max(longest, it.escaped);
    items.push_back(it);
  }
  auto saving = [&](size_t c) {
    size_t total = 0;
    for (const Item& it : items) {
      if (it.escaped > c + it.marker) total += it.escaped - (c + it.marker);
    }
    return total;
  };
  if (saving(0) < excess) return false;
  size_t lo = 0;  // saving(lo) >= excess
  size_t hi = longest;
  while (lo < hi) {
    size_t mid = lo + (hi - lo + 1) / 2;
    if (saving(mid) >= excess) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  for (const Item& it : items) {
    if (it.escaped > lo + it.marker) {
      cut_bytes += CutToEscaped(it.node->get_ref<std::string&>(), lo);
    }
  }
  return true;
}

void FindLargestContainer(json& j, int depth, json*& best, size_t& best_size) {
  if (!j.is_structured()) return;
  if (depth > 0) {
    size_t size = Dump(j).size();
    if (size > best_size) {
      best = &j;
      best_size = size;
    }
  }
  for (auto& v : j) FindLargestContainer(v, depth + 1, best, best_size);
}

// Phase 2: replaces the largest nested array or object by a marker string. False when there is
// none left.
bool ReplaceLargestContainer(json& doc, size_t& cut_bytes) {
  json* best = nullptr;
  size_t best_size = 0;
  FindLargestContainer(doc, 0, best, best_size);
  if (best == nullptr) return false;
  *best = CutMarker(best_size);
  cut_bytes += best_size;
  return true;
}

const json* FindKey(const json& j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return nullptr;
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::string StringField(const json& j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return "";
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

PayloadHead ReadHead(const json& j) {
  PayloadHead head;
  head.cwd = StringField(j, {"cwd", "current_dir", "working_dir", "directory"});
  if (head.cwd.empty()) {
    auto it = j.find("workspacePaths");
    if (it != j.end() && it->is_array() && !it->empty() && it->front().is_string()) {
      head.cwd = it->front().get<std::string>();
    }
  }
  head.session_id =
      StringField(j, {"session_id", "sessionId", "sessionID", "session", "conversationId"});
  return head;
}

// Caps `doc` (any JSON value) to `max_bytes` of compact JSON.
std::string CapJson(json doc, size_t max_bytes, size_t& cut_bytes) {
  // Each round either fits (a phase-1 cut always does) or removes one container; payloads so
  // deeply structured that 64 removals are not enough keep only their head.
  for (int round = 0; round < 64; ++round) {
    std::string out = Dump(doc);
    if (out.size() <= max_bytes) return out;
    size_t excess = out.size() - max_bytes;
    if (CutLongestStrings(doc, excess, cut_bytes)) continue;
    if (!ReplaceLargestContainer(doc, cut_bytes)) break;
  }
  return "";
}

Result<json> ParseObject(std::string_view raw, bool empty_is_object) {
  size_t first = raw.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    if (empty_is_object) return json::object();
    return InvalidArgument("hook payload is empty (expected a JSON object)");
  }
  json doc = json::parse(raw, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("hook payload is not valid JSON");
  if (!doc.is_object()) return InvalidArgument("hook payload is not a JSON object");
  return doc;
}

CappedPayload CapDocument(json doc, size_t max_bytes) {
  max_bytes = std::max(max_bytes, kMinEventBytes);
  CappedPayload out;
  out.head = ReadHead(doc);
  json head_only = json::object();
  for (const char* k : {"session_id", "cwd", "hook_event_name", "tool_name", "tool_use_id"}) {
    std::string v = StringField(doc, {k});
    if (!v.empty()) head_only[k] = CapText(std::move(v), 128);
  }
  out.json = CapJson(std::move(doc), max_bytes, out.cut_bytes);
  if (out.json.empty()) {  // not even the structure fits: keep the head only
    head_only["_memex_cut"] = CutMarker(out.cut_bytes);
    out.json = Dump(head_only);
  }
  return out;
}

// ---- tool responses ----

std::string JoinTexts(const json& blocks) {
  std::string out;
  for (const auto& b : blocks) {
    std::string t;
    if (b.is_string()) {
      t = b.get<std::string>();
    } else {
      t = StringField(b, {"text"});
    }
    if (t.empty()) continue;
    if (!out.empty()) out += '\n';
    out += t;
  }
  return out;
}

std::string ResponseText(const json& r) {
  if (r.is_string()) return r.get<std::string>();
  if (r.is_array()) {
    std::string t = JoinTexts(r);
    return t.empty() ? Dump(r) : t;
  }
  if (!r.is_object()) return Dump(r);
  if (auto it = r.find("content"); it != r.end()) {
    if (it->is_array()) {
      std::string t = JoinTexts(*it);
      if (!t.empty()) return t;
    } else if (it->is_string()) {
      return it->get<std::string>();
    }
  }
  std::string text;
  for (const char* k : {"output", "stdout", "aggregated_output", "formatted_output", "stderr"}) {
    std::string v = StringField(r, {k});
    if (v.empty() || text.find(v) != std::string::npos) continue;
    if (!text.empty()) text += '\n';
    text += v;
  }
  if (!text.empty()) return text;
  for (const char* k : {"text", "result", "message"}) {
    std::string v = StringField(r, {k});
    if (!v.empty()) return v;
  }
  if (auto it = r.find("structuredContent"); it != r.end() && !it->is_null()) return Dump(*it);
  return Dump(r);
}

bool NonZeroNumber(const json* v) {
  if (v == nullptr) return false;
  if (v->is_number_integer()) return v->get<int64_t>() != 0;
  if (v->is_number_float()) return v->get<double>() != 0;
  return false;
}

// Explicit failure flags of a response object (and of its structuredContent).
bool ObjectReportsError(const json& r, int depth) {
  if (!r.is_object()) return false;
  for (const char* k : {"is_error", "isError", "interrupted"}) {
    const json* v = FindKey(r, {k});
    if (v != nullptr && v->is_boolean() && v->get<bool>()) return true;
  }
  if (const json* v = FindKey(r, {"success"}); v != nullptr && v->is_boolean() && !v->get<bool>()) {
    return true;
  }
  if (NonZeroNumber(FindKey(r, {"exit_code", "exitCode", "exit_status", "returncode"}))) {
    return true;
  }
  if (const json* v = FindKey(r, {"error"}); v != nullptr) {
    if ((v->is_string() && !v->get_ref<const std::string&>().empty()) ||
        (v->is_object() && !v->empty()) || (v->is_boolean() && v->get<bool>())) {
      return true;
    }
  }
  if (depth == 0) {
    if (const json* sc = FindKey(r, {"structuredContent", "metadata"}); sc != nullptr) {
      return ObjectReportsError(*sc, depth + 1);
    }
  }
  return false;
}

// "Exit code: 1", "Exit code 2", "Error: Exit code 1", "Process exited with code 1" at the start
// of one of the first lines (Codex shell output, Claude Code's Bash error text).
bool TextReportsNonZeroExit(std::string_view text) {
  text = text.substr(0, 512);
  size_t line_start = 0;
  for (int line = 0; line < 4 && line_start < text.size(); ++line) {
    size_t end = text.find('\n', line_start);
    std::string_view l =
        text.substr(line_start, end == std::string_view::npos ? text.npos : end - line_start);
    if (l.starts_with("Error: ")) l.remove_prefix(7);
    for (std::string_view prefix : {"Exit code: ", "Exit code ", "Process exited with code "}) {
      if (!l.starts_with(prefix)) continue;
      std::string_view rest = l.substr(prefix.size());
      if (!rest.empty() && rest[0] == '-') return true;
      size_t digits = 0;
      bool nonzero = false;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
        if (rest[digits] != '0') nonzero = true;
        ++digits;
      }
      if (digits > 0) return nonzero;
    }
    if (end == std::string_view::npos) break;
    line_start = end + 1;
  }
  return false;
}

int64_t DurationMs(const json& payload, const json* response) {
  auto number_ms = [](const json* v) -> int64_t {
    if (v == nullptr || !v->is_number()) return 0;
    double d = v->get<double>();
    return d > 0 && d < 1e15 ? static_cast<int64_t>(std::llround(d)) : 0;
  };
  if (int64_t ms = number_ms(FindKey(payload, {"duration_ms", "durationMs"}))) return ms;
  if (response == nullptr || !response->is_object()) return 0;
  if (int64_t ms = number_ms(FindKey(*response, {"duration_ms", "durationMs"}))) return ms;
  if (const json* d = FindKey(*response, {"duration"}); d != nullptr && d->is_object()) {
    const json* secs = FindKey(*d, {"secs"});
    const json* nanos = FindKey(*d, {"nanos"});
    double ms = 0;
    if (secs != nullptr && secs->is_number()) ms += secs->get<double>() * 1000;
    if (nanos != nullptr && nanos->is_number()) ms += nanos->get<double>() / 1e6;
    if (ms > 0 && ms < 1e15) return static_cast<int64_t>(std::llround(ms));
  }
  return 0;
}

// ---- files ----

void AddFile(std::string path, const std::string& cwd, std::vector<std::string>& files,
             std::set<std::string>& seen) {
  std::string_view t = path;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r'))
    t.remove_suffix(1);
  if (t.empty() || files.size() >= kMaxFiles) return;
  fs::path p{std::string(t)};
  if (p.is_relative() && !cwd.empty() && cwd.front() == '/') p = fs::path(cwd) / p;
  std::string norm = p.lexically_normal().string();
  if (norm.size() > 1 && norm.back() == '/') norm.pop_back();
  norm = CapText(std::move(norm), kMaxShortFieldBytes);
  if (seen.insert(norm).second) files.push_back(std::move(norm));
}

// Codex apply_patch: "*** Update File: x", "*** Add File: x", "*** Delete File: x",
// "*** Move to: x" lines anywhere in the input's strings.
void PatchFiles(const json& j, const std::string& cwd, std::vector<std::string>& files,
                std::set<std::string>& seen, int depth) {
  if (depth > 8) return;
  if (j.is_structured()) {
    for (const auto& v : j) PatchFiles(v, cwd, files, seen, depth + 1);
    return;
  }
  if (!j.is_string()) return;
  const std::string& s = j.get_ref<const std::string&>();
  if (s.find("*** ") == std::string::npos) return;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find('\n', pos);
    std::string_view line(s.data() + pos, (end == std::string::npos ? s.size() : end) - pos);
    for (std::string_view prefix :
         {"*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: "}) {
      if (line.starts_with(prefix)) {
        AddFile(std::string(line.substr(prefix.size())), cwd, files, seen);
      }
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
}

std::vector<std::string> ToolFiles(const json& input, const std::string& cwd) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  if (input.is_object()) {
    for (const char* k : {"file_path", "filePath", "path", "notebook_path"}) {
      std::string v = StringField(input, {k});
      if (!v.empty()) AddFile(std::move(v), cwd, files, seen);
    }
    if (const json* paths = FindKey(input, {"paths", "file_paths"}); paths && paths->is_array()) {
      for (const auto& p : *paths) {
        if (p.is_string()) AddFile(p.get<std::string>(), cwd, files, seen);
      }
    }
  }
  PatchFiles(input, cwd, files, seen, 0);
  return files;
}

std::string ModelName(const json& payload) {
  const json* m = FindKey(payload, {"model", "model_name"});
  if (m == nullptr) return "";
  if (m->is_string()) return m->get<std::string>();
  return StringField(*m, {"id", "display_name", "name"});
}

std::string ReadSmallFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string out(4096, '\0');
  ssize_t n;
  do {
    n = read(fd, out.data(), out.size());
  } while (n < 0 && errno == EINTR);
  close(fd);
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

}  // namespace

Result<CappedPayload> CapPayload(std::string_view raw, size_t max_bytes) {
  ASSIGN_OR_RETURN(json doc, ParseObject(raw, false));
  return CapDocument(std::move(doc), max_bytes);
}

Result<Event> ParseHookEvent(const HookEnvelope& envelope, std::string_view payload_json,
                             size_t max_event_bytes) {
  ASSIGN_OR_RETURN(json doc, ParseObject(payload_json, true));
  Event e;
  e.kind = envelope.kind;
  e.agent = envelope.agent;
  e.scope = envelope.scope;
  e.ingest_key = envelope.ingest_key;
  e.ts_ms = envelope.ts_ms;
  e.git_branch = envelope.git_branch;
  PayloadHead head = ReadHead(doc);
  e.cwd = envelope.cwd.empty() ? head.cwd : envelope.cwd;
  e.session_id = CapText(head.session_id, kMaxShortFieldBytes);

  e.prompt = CapText(StringField(doc, {"prompt", "user_prompt"}), kMaxPromptBytes);
  e.tool_name = CapText(StringField(doc, {"tool_name", "toolName"}), kMaxShortFieldBytes);
  e.tool_use_id = CapText(StringField(doc, {"tool_use_id", "toolUseId", "tool_call_id", "call_id"}),
                          kMaxShortFieldBytes);
  if (const json* input = FindKey(doc, {"tool_input", "toolInput", "tool_args"})) {
    size_t cut = 0;
    e.tool_input = CapJson(*input, kMaxToolInputBytes, cut);
    if (e.tool_input.empty()) e.tool_input = Dump(CutMarker(Dump(*input).size()));
    e.files = ToolFiles(*input, e.cwd);
  }
  const json* response =
      FindKey(doc, {"tool_response", "toolResponse", "tool_output", "tool_result"});
  if (response != nullptr) {
    std::string text = ResponseText(*response);
    e.tool_error = ObjectReportsError(*response, 0) || TextReportsNonZeroExit(text);
    e.tool_output = CapText(std::move(text), kMaxToolOutputBytes);
  }
  // A failed call reported without a response (Claude Code's PostToolUseFailure: "error").
  if (std::string err = StringField(doc, {"error"}); !err.empty() && !e.tool_name.empty()) {
    e.tool_error = true;
    if (e.tool_output.empty()) e.tool_output = CapText(std::move(err), kMaxToolOutputBytes);
  }
  if (const json* v = FindKey(doc, {"is_error", "isError"});
      v && v->is_boolean() && v->get<bool>()) {
    e.tool_error = true;
  }
  e.duration_ms = DurationMs(doc, response);
  e.message = CapText(StringField(doc, {"last_assistant_message", "lastAssistantMessage",
                                        "last-assistant-message", "message"}),
                      kMaxMessageBytes);
  std::string detail;
  switch (e.kind) {
    case EventKind::kSessionStart:
      detail = StringField(doc, {"source"});
      break;
    case EventKind::kSessionEnd:
      detail = StringField(doc, {"reason"});
      break;
    case EventKind::kPreCompact:
    case EventKind::kPostCompact:
      detail = StringField(doc, {"trigger"});
      break;
    case EventKind::kNotification:
      detail = StringField(doc, {"notification_type", "type"});
      break;
    default:
      break;
  }
  e.detail = CapText(std::move(detail), kMaxShortFieldBytes);
  e.model = CapText(ModelName(doc), kMaxShortFieldBytes);
  e.raw = CapDocument(std::move(doc), max_event_bytes).json;
  return e;
}

std::string SpoolLine(const HookEnvelope& envelope, std::string_view payload_json) {
  json j = {{"event", std::string(EventKindName(envelope.kind))},
            {"agent", envelope.agent},
            {"workspace", envelope.scope.workspace},
            {"project", envelope.scope.project},
            {"cwd", envelope.cwd},
            {"ingest_key", envelope.ingest_key},
            {"ts_ms", envelope.ts_ms}};
  if (!envelope.git_branch.empty()) j["git_branch"] = envelope.git_branch;
  std::string line = Dump(j);
  line.pop_back();  // the closing '}'
  line += ",\"payload\":";
  line += payload_json.empty() ? std::string_view("{}") : payload_json;
  line += '}';
  return line;
}

Result<SpooledEvent> ParseSpoolLine(std::string_view line) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument("spooled event is not a JSON object");
  }
  SpooledEvent out;
  auto str = [&](const char* key, bool required, std::string& dst) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required) return InvalidArgument(std::string("spooled event lacks '") + key + "'");
      return Status::Ok();
    }
    if (!it->is_string()) {
      return InvalidArgument(std::string("spooled event field '") + key + "' must be a string");
    }
    dst = it->get<std::string>();
    return Status::Ok();
  };
  std::string event;
  RETURN_IF_ERROR(str("event", true, event));
  auto kind = ParseEventKind(event);
  out.envelope.kind = kind.ok() ? *kind : EventKind::kOther;
  RETURN_IF_ERROR(str("agent", true, out.envelope.agent));
  RETURN_IF_ERROR(str("workspace", true, out.envelope.scope.workspace));
  RETURN_IF_ERROR(str("project", true, out.envelope.scope.project));
  RETURN_IF_ERROR(ValidateScopeName(out.envelope.scope.workspace, "workspace"));
  RETURN_IF_ERROR(ValidateScopeName(out.envelope.scope.project, "project"));
  RETURN_IF_ERROR(str("cwd", false, out.envelope.cwd));
  RETURN_IF_ERROR(str("ingest_key", true, out.envelope.ingest_key));
  if (!IsValidIngestKey(out.envelope.ingest_key)) {
    return InvalidArgument("spooled event has an invalid ingest_key (1..64 of [A-Za-z0-9_-])");
  }
  RETURN_IF_ERROR(str("git_branch", false, out.envelope.git_branch));
  auto ts = j.find("ts_ms");
  if (ts == j.end() || !ts->is_number_integer()) {
    return InvalidArgument("spooled event field 'ts_ms' must be an integer");
  }
  out.envelope.ts_ms = ts->get<int64_t>();
  auto payload = j.find("payload");
  if (payload == j.end() || !payload->is_object()) {
    return InvalidArgument("spooled event field 'payload' must be a JSON object");
  }
  out.payload_json = Dump(*payload);
  return out;
}

std::string ReadGitBranch(const std::string& cwd) {
  if (cwd.empty() || cwd.front() != '/') return "";
  fs::path dir = fs::path(cwd).lexically_normal();
  for (int depth = 0; depth < 256; ++depth) {
    fs::path dotgit = dir / ".git";
    struct stat st;
    if (stat(dotgit.c_str(), &st) == 0) {
      fs::path gitdir;
      if (S_ISDIR(st.st_mode)) {
        gitdir = dotgit;
      } else if (S_ISREG(st.st_mode)) {
        std::string text = ReadSmallFile(dotgit.string());
        if (!text.starts_with("gitdir:")) return "";
        std::string_view p = std::string_view(text).substr(7);
        while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
        if (p.empty()) return "";
        gitdir = fs::path(std::string(p));
        if (gitdir.is_relative()) gitdir = dir / gitdir;
      } else {
        return "";
      }
      std::string head = ReadSmallFile((gitdir / "HEAD").string());
      constexpr std::string_view kRef = "ref: refs/heads/";
      if (head.starts_with(kRef)) {
        std::string branch = head.substr(kRef.size());
        if (branch.empty() || branch.find_first_of("\n\r") != std::string::npos) return "";
        return branch;
      }
      if ((head.size() == 40 || head.size() == 64) && IsHex(head)) return head.substr(0, 7);
      return "";
    }
    if (!dir.has_relative_path()) return "";
    dir = dir.parent_path();
  }
  return "";
}

Result<std::string> NewIngestKey() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable(std::string("getrandom: ") + std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  key.reserve(32);
  for (unsigned char b : bytes) {
    key += kHex[b >> 4];
    key += kHex[b & 0xF];
  }
  return key;
}

bool IsValidIngestKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string HookQuery(const HookEnvelope& env) {
  std::string q =
      "event=" + std::string(EventKindName(env.kind)) + "&agent=" + UrlEncode(env.agent) +
      "&workspace=" + UrlEncode(env.scope.workspace) + "&project=" + UrlEncode(env.scope.project) +
      "&cwd=" + UrlEncode(env.cwd) + "&ingest_key=" + UrlEncode(env.ingest_key) +
      "&ts_ms=" + std::to_string(env.ts_ms);
  if (!env.git_branch.empty()) q += "&git_branch=" + UrlEncode(env.git_branch);
  return q;
}

}  // namespace memex::capture
