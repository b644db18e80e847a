#include "install/json_config.h"

#include <algorithm>

namespace memex::install {
namespace {

// nlohmann's message minus its "[json.exception...] parse error at line L, column C: " prefix
// (the caller prints its own position).
std::string ParseErrorText(const std::string& what) {
  size_t column = what.find("column ");
  if (column != std::string::npos) {
    size_t colon = what.find(": ", column);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  return what;
}

std::string Position(std::string_view text, size_t byte) {
  // nlohmann reports the 1-based offset of the last byte it read.
  size_t end = std::min(byte == 0 ? 0 : byte - 1, text.size());
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

bool IsSafeShellChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

std::string_view Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsMemexHandler(const Json& handler) {
  if (!handler.is_object()) return false;
  auto it = handler.find("command");
  return it != handler.end() && it->is_string() && IsMemexHookCommand(it->get<std::string>());
}

// Removes memex's handlers from one event's array of matcher groups, and the groups that
// leaves empty. Returns how many handlers went.
int RemoveFromEvent(Json& groups) {
  int removed = 0;
  for (auto group = groups.begin(); group != groups.end();) {
    auto handlers = group->is_object() ? group->find("hooks") : group->end();
    if (!group->is_object() || handlers == group->end() || !handlers->is_array()) {
      ++group;
      continue;
    }
    int here = 0;
    for (auto h = handlers->begin(); h != handlers->end();) {
      if (IsMemexHandler(*h)) {
        h = handlers->erase(h);
        ++here;
      } else {
        ++h;
      }
    }
    removed += here;
    if (here > 0 && handlers->empty()) {
      group = groups.erase(group);
    } else {
      ++group;
    }
  }
  return removed;
}

Result<Json*> HooksObject(Json& root, std::string_view path, bool create) {
  auto it = root.find("hooks");
  if (it == root.end()) {
    if (!create) return static_cast<Json*>(nullptr);
    root["hooks"] = Json::object();
    return &root["hooks"];
  }
  if (!it->is_object()) {
    return InvalidArgument(std::string(path) + ": \"hooks\" is not a JSON object");
  }
  return &*it;
}

}  // namespace

Result<Json> ParseJsonObject(std::string_view text, std::string_view path) {
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; })) {
    return Json::object();
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // A file another tool reads as JSON with comments (JSONC) would lose its comments when
    // rewritten: refuse rather than silently drop them.
    const bool jsonc = Json::accept(text, /*ignore_comments=*/true);
    if (jsonc) {
      return InvalidArgument(std::string(path) +
                             ": the file has comments, which memex cannot keep when it rewrites "
                             "it; remove them or add the entry by hand (see 'memex install "
                             "--dry-run')");
    }
    return InvalidArgument(std::string(path) + ":" + Position(text, e.byte) +
                           ": invalid JSON: " + ParseErrorText(e.what()));
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string(path) + ": invalid JSON: " + e.what());
  }
  if (!doc.is_object()) {
    return InvalidArgument(std::string(path) + ": the top level is not a JSON object");
  }
  return doc;
}

std::string DumpJson(const Json& doc) {
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string ShellQuote(std::string_view s, bool always) {
  if (!always && !s.empty() && std::all_of(s.begin(), s.end(), IsSafeShellChar)) {
    return std::string(s);
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::vector<std::string> ShellWords(std::string_view command, size_t n) {
  std::vector<std::string> words;
  size_t i = 0;
  while (words.size() < n) {
    while (i < command.size() && (command[i] == ' ' || command[i] == '\t')) ++i;
    if (i >= command.size()) break;
    std::string word;
    bool ok = true;
    while (i < command.size() && command[i] != ' ' && command[i] != '\t') {
      char c = command[i];
      if (c == '\'') {
        size_t close = command.find('\'', i + 1);
        if (close == std::string_view::npos) {
          ok = false;
          break;
        }
        word.append(command.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '"') {
        ++i;
        while (i < command.size() && command[i] != '"') {
          if (command[i] == '\\' && i + 1 < command.size() &&
              std::string_view("\"\\$`").find(command[i + 1]) != std::string_view::npos) {
            ++i;
          }
          word += command[i++];
        }
        if (i >= command.size()) {
          ok = false;
          break;
        }
        ++i;
      } else if (c == '\\' && i + 1 < command.size()) {
        word += command[i + 1];
        i += 2;
      } else {
        word += c;
        ++i;
      }
    }
    if (!ok) break;
    words.push_back(std::move(word));
  }
  return words;
}

bool IsMemexBinary(std::string_view path) {
  std::string_view base = Basename(path);
  return base == "memex" || base == "memex-core";
}

bool IsMemexHookCommand(std::string_view command) {
  std::vector<std::string> words = ShellWords(command, 2);
  return words.size() == 2 && IsMemexBinary(words[0]) && words[1] == "hook";
}

bool IsMemexMcpEntry(const Json& entry) {
  if (!entry.is_object()) return false;
  if (auto it = entry.find("command"); it != entry.end() && it->is_string()) {
    return IsMemexBinary(it->get<std::string>());
  }
  for (const char* key : {"url", "httpUrl"}) {
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_string()) continue;
    std::string url = it->get<std::string>();
    url = url.substr(0, url.find_first_of("?#"));
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.ends_with("/mcp")) return true;
  }
  return false;
}

Status UpsertMcpServer(Json& root, std::string_view key, std::string_view name, const Json& entry,
                       std::string_view path) {
  const std::string k(key);
  const std::string n(name);
  if (!root.contains(k)) root[k] = Json::object();
  Json& servers = root[k];
  if (!servers.is_object()) {
    return InvalidArgument(std::string(path) + ": \"" + k + "\" is not a JSON object");
  }
  if (auto it = servers.find(n); it != servers.end() && !IsMemexMcpEntry(*it)) {
    return AlreadyExists(std::string(path) + ": an MCP server named '" + n +
                         "' is already configured and does not run memex; remove it or pass "
                         "--name with another name");
  }
  servers[n] = entry;
  return Status::Ok();
}

Result<RemoveOutcome> RemoveMcpServer(Json& root, std::string_view key, std::string_view name,
                                      std::string_view path) {
  auto servers = root.find(std::string(key));
  if (servers == root.end()) return RemoveOutcome::kAbsent;
  if (!servers->is_object()) {
    return InvalidArgument(std::string(path) + ": \"" + std::string(key) +
                           "\" is not a JSON object");
  }
  auto it = servers->find(std::string(name));
  if (it == servers->end()) return RemoveOutcome::kAbsent;
  if (!IsMemexMcpEntry(*it)) return RemoveOutcome::kForeign;
  servers->erase(it);
  if (servers->empty()) root.erase(servers);
  return RemoveOutcome::kRemoved;
}

Status UpsertHooks(Json& root, const std::vector<HookSpec>& hooks, std::string_view path) {
  ASSIGN_OR_RETURN(Json * events, HooksObject(root, path, /*create=*/true));
  for (const HookSpec& spec : hooks) {
    const Json handler = {
        {"type", "command"}, {"command", spec.command}, {"timeout", spec.timeout_s}};
    if (!events->contains(spec.event)) (*events)[spec.event] = Json::array();
    Json& groups = (*events)[spec.event];
    if (!groups.is_array()) {
      return InvalidArgument(std::string(path) + ": hooks.\"" + spec.event +
                             "\" is not a JSON array");
    }
    // Already installed as wanted: keep its place among the user's groups.
    int ours = 0;
    bool exact = false;
    for (const Json& group : groups) {
      if (!group.is_object() || !group.contains("hooks") || !group["hooks"].is_array()) continue;
      for (const Json& h : group["hooks"]) {
        if (!IsMemexHandler(h)) continue;
        ++ours;
        exact = h == handler;
      }
    }
    if (ours == 1 && exact) continue;
    RemoveFromEvent(groups);
    groups.push_back(Json{{"matcher", ""}, {"hooks", Json::array({handler})}});
  }
  return Status::Ok();
}

Result<int> RemoveHooks(Json& root, std::string_view path) {
  ASSIGN_OR_RETURN(Json * events, HooksObject(root, path, /*create=*/false));
  if (events == nullptr) return 0;
  int removed = 0;
  for (auto event = events->begin(); event != events->end();) {
    if (!event->is_array()) {
      ++event;
      continue;
    }
    int here = RemoveFromEvent(*event);
    removed += here;
    if (here > 0 && event->empty()) {
      event = events->erase(event);
    } else {
      ++event;
    }
  }
  if (removed > 0 && events->empty()) root.erase("hooks");
  return removed;
}

}  // namespace memex::install
