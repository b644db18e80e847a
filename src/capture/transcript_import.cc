#include "capture/transcript_import.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>
#include <utility>

#include "base/ids.h"
#include "base/text.h"
#include "base/time_util.h"
#include "capture/hook_payload.h"

namespace memex::capture {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

bool True(const json& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

const json* Find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The text between <tag> and </tag>, "" when absent.
std::string Between(std::string_view s, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t a = s.find(open);
  if (a == std::string_view::npos) return "";
  a += open.size();
  size_t b = s.find(close, a);
  if (b == std::string_view::npos) return "";
  return std::string(TrimView(s.substr(a, b - a)));
}

// Text the client injected into the user's turn rather than the person typing: harness
// context, local command output, interruption markers. Claude Code and Codex both wrap such
// text in a leading XML-like tag.
bool IsInjectedText(std::string_view t) {
  static constexpr std::string_view kPrefixes[] = {
      "<local-command-stdout>", "<local-command-stderr>",   "<local-command-caveat>",
      "<task-notification>",    "<environment_context>",    "<user_instructions>",
      "<permissions",           "<turn_aborted>",           "<user_shell_command>",
      "<INSTRUCTIONS>",         "# AGENTS.md instructions", "<system-reminder>",
      "[Request interrupted",   "<subagent_notification>"};
  return std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                     [&](std::string_view p) { return t.starts_with(p); });
}

// The person's prompt in a user text, "" when the text is not one. A slash command is stored
// as Claude Code shows it: "/name args".
std::string PromptText(std::string_view raw) {
  std::string_view t = TrimView(raw);
  if (t.empty()) return "";
  if (t.find("<command-name>") != std::string_view::npos) {
    std::string name = Between(t, "command-name");
    std::string args = Between(t, "command-args");
    if (name.empty()) return "";
    return args.empty() ? name : name + " " + args;
  }
  if (IsInjectedText(t)) return "";
  return std::string(t);
}

// Text blocks of a content array ({"type":"text"|"input_text"|"output_text","text"}), joined.
std::string JoinTextBlocks(const json& content, std::initializer_list<std::string_view> types) {
  std::string out;
  if (!content.is_array()) return out;
  for (const json& b : content) {
    std::string type = Str(b, "type");
    if (std::find(types.begin(), types.end(), type) == types.end()) continue;
    std::string text = Str(b, "text");
    if (text.empty()) continue;
    if (!out.empty()) out += "\n";
    out += text;
  }
  return out;
}

// A tool_result's content: a string or blocks ({"type":"text","text"}; images as a marker).
std::string ClaudeResultText(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return content.is_null() ? "" : Dump(content);
  std::string out;
  for (const json& b : content) {
    std::string text = b.is_string() ? b.get<std::string>() : Str(b, "text");
    if (text.empty() && Str(b, "type") == "image") text = "[image]";
    if (text.empty()) continue;
    if (!out.empty()) out += "\n";
    out += text;
  }
  return out;
}

// Codex's shell output: "Chunk ID: ..\nWall time: ..\nProcess exited with code N\n...Output:\n
// <output>" (0.1xx unified exec), or the older JSON string {"output", "metadata":{"exit_code"}}.
// Returns the output proper and sets `exit_code` when the text reports one.
std::string CodexOutputText(const json& output, std::optional<int64_t>& exit_code) {
  if (!output.is_string()) {
    // Content items ([{"type":"input_text","text"}]) or an object: the texts, else the JSON.
    if (output.is_array()) {
      std::string t = JoinTextBlocks(output, {"input_text", "output_text", "text"});
      if (!t.empty()) return t;
    }
    return output.is_null() ? "" : Dump(output);
  }
  const std::string& s = output.get_ref<const std::string&>();
  if (!s.empty() && s.front() == '{') {
    json j = json::parse(s, nullptr, false);
    if (!j.is_discarded() && j.is_object() && Find(j, "output") != nullptr) {
      if (const json* m = Find(j, "metadata"); m != nullptr) {
        if (const json* c = Find(*m, "exit_code"); c != nullptr && c->is_number_integer()) {
          exit_code = c->get<int64_t>();
        }
      }
      const json& o = j["output"];
      return o.is_string() ? o.get<std::string>() : Dump(o);
    }
  }
  // Header lines ("Key: value") up to a line "Output:"; anything else means no header.
  size_t pos = 0;
  for (int line = 0; line < 8 && pos < s.size(); ++line) {
    size_t end = s.find('\n', pos);
    std::string_view l(s.data() + pos, (end == std::string::npos ? s.size() : end) - pos);
    if (l == "Output:") return end == std::string::npos ? "" : s.substr(end + 1);
    constexpr std::string_view kExit = "Process exited with code ";
    if (l.starts_with(kExit)) {
      std::string_view rest = l.substr(kExit.size());
      int64_t code = 0;
      bool digits = !rest.empty();
      bool negative = !rest.empty() && rest.front() == '-';
      if (negative) rest.remove_prefix(1);
      for (char c : rest) {
        if (c < '0' || c > '9' || code > 1000000) {
          digits = false;
          break;
        }
        code = code * 10 + (c - '0');
      }
      if (digits) exit_code = negative ? -code : code;
    } else if (l.find(": ") == std::string_view::npos) {
      break;
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return s;
}

// Codex shell tools as its hooks name them: "Bash" with {"command": "<one string>"}.
bool NormaliseCodexShell(std::string& name, json& input) {
  static constexpr std::string_view kShells[] = {"exec_command", "shell", "shell_command",
                                                 "local_shell", "container.exec"};
  if (std::find(std::begin(kShells), std::end(kShells), name) == std::end(kShells)) return false;
  std::string command;
  for (const char* k : {"cmd", "command"}) {
    const json* c = Find(input, k);
    if (c == nullptr) continue;
    if (c->is_string()) {
      command = c->get<std::string>();
    } else if (c->is_array()) {
      // ["bash", "-lc", "<script>"] is the script; anything else is the words joined.
      std::vector<std::string> words;
      for (const json& w : *c) words.push_back(w.is_string() ? w.get<std::string>() : Dump(w));
      if (words.size() == 3 && (words[1] == "-lc" || words[1] == "-c")) {
        command = words[2];
      } else {
        for (const std::string& w : words) command += (command.empty() ? "" : " ") + w;
      }
    }
    break;
  }
  json out = {{"command", command}};
  if (const json* wd = Find(input, "workdir"); wd != nullptr && wd->is_string()) {
    out["workdir"] = *wd;
  }
  name = "Bash";
  input = std::move(out);
  return true;
}

}  // namespace

std::string_view TranscriptAgent(TranscriptFormat f) {
  return f == TranscriptFormat::kClaudeCode ? "claude-code" : "codex";
}

Result<TranscriptFormat> ParseTranscriptFormat(std::string_view text) {
  if (text == "claude-code" || text == "claude") return TranscriptFormat::kClaudeCode;
  if (text == "codex") return TranscriptFormat::kCodex;
  return InvalidArgument("unknown transcript format '" + std::string(text) +
                         "' (expected claude-code or codex)");
}

std::string ImportIngestKey(std::string_view agent, std::string_view session,
                            std::string_view item) {
  std::string text = "import:";
  text.append(agent).append(":").append(session).append(":").append(item);
  return Sha256Hex(text).substr(0, 32);
}

TranscriptParser::TranscriptParser(TranscriptFormat format, std::string file_stem,
                                   size_t max_event_bytes)
    : format_(format),
      agent_(TranscriptAgent(format)),
      file_stem_(std::move(file_stem)),
      max_event_bytes_(max_event_bytes) {}

void TranscriptParser::Skip(const std::string& reason) { ++out_.skipped[reason]; }

void TranscriptParser::NoteSession(const std::string& id) {
  if (out_.session_id.empty() && !TrimView(id).empty()) out_.session_id = id;
}
void TranscriptParser::NoteCwd(const std::string& cwd) {
  if (out_.cwd.empty() && !cwd.empty()) out_.cwd = cwd;
}
void TranscriptParser::NoteBranch(const std::string& branch) {
  // Claude Code writes "HEAD" outside a repository and on a detached head: no branch then.
  if (out_.git_branch.empty() && !branch.empty() && branch != "HEAD") out_.git_branch = branch;
}

void TranscriptParser::AddLine(std::string_view line) {
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (TrimView(line).empty()) return;
  ++out_.lines;
  json d = json::parse(line, nullptr, false);
  if (d.is_discarded()) return Skip("not JSON");
  if (!d.is_object()) return Skip("not a JSON object");
  if (!d.contains("type") || !d["type"].is_string()) {
    // Codex's first rollout format (mid 2025): an unwrapped meta line {"id", "timestamp",
    // "instructions", "git"} and {"record_type": "state"} markers between the items.
    if (format_ == TranscriptFormat::kCodex && (d.contains("record_type") || d.contains("id"))) {
      NoteSession(Str(d, "id"));
      if (const json* git = Find(d, "git"); git != nullptr) NoteBranch(Str(*git, "branch"));
      ++out_.ignored;
      return;
    }
    return Skip("no type");
  }
  int64_t ts_ms = last_ts_ms_;
  if (std::string ts = Str(d, "timestamp"); !ts.empty()) {
    Result<int64_t> parsed = ParseTimestampMs(ts);
    if (parsed.ok()) ts_ms = *parsed;
  }
  if (ts_ms > last_ts_ms_) last_ts_ms_ = ts_ms;
  std::string item = Str(d, "uuid");
  if (item.empty()) item = "line:" + std::to_string(line_no_);
  if (format_ == TranscriptFormat::kClaudeCode) {
    AddClaudeLine(d, item, ts_ms);
  } else {
    AddCodexLine(d, item, ts_ms);
  }
}

void TranscriptParser::AddClaudeLine(const json& d, const std::string& item, int64_t ts_ms) {
  NoteSession(Str(d, "sessionId"));
  NoteCwd(Str(d, "cwd"));
  NoteBranch(Str(d, "gitBranch"));
  const std::string type = Str(d, "type");
  if (type != "user" && type != "assistant") {
    ++out_.ignored;  // summary, attachment, queue-operation, cost-state, ...
    return;
  }
  // Sidechains are subagents' turns (their own transcripts say so); meta lines are the
  // client's notes to the model.
  if (True(d, "isSidechain") || True(d, "isMeta") || True(d, "isCompactSummary") ||
      True(d, "isVisibleInTranscriptOnly")) {
    ++out_.ignored;
    return;
  }
  const json* message = Find(d, "message");
  if (message == nullptr || !message->is_object()) return Skip("no message");
  const json* content = Find(*message, "content");
  if (content == nullptr) return Skip("no message content");
  if (std::string model = Str(*message, "model"); !model.empty() && model != "<synthetic>") {
    model_ = model;
  }

  if (type == "user") {
    if (content->is_string()) {
      Prompt(PromptText(content->get<std::string>()), ts_ms, item);
      return;
    }
    if (!content->is_array()) return Skip("message content is neither text nor blocks");
    bool results = false;
    for (size_t i = 0; i < content->size(); ++i) {
      const json& b = (*content)[i];
      if (Str(b, "type") != "tool_result") continue;
      results = true;
      const json* c = Find(b, "content");
      PostTool(Str(b, "tool_use_id"), c ? ClaudeResultText(*c) : "", True(b, "is_error"), ts_ms,
               item + "#" + std::to_string(i));
    }
    if (!results) Prompt(PromptText(JoinTextBlocks(*content, {"text"})), ts_ms, item);
    return;
  }

  // assistant
  if (content->is_string()) {
    std::string text(TrimView(content->get<std::string>()));
    if (!text.empty()) stop_ = PendingStop{text, ts_ms, item};
    return;
  }
  if (!content->is_array()) return Skip("message content is neither text nor blocks");
  for (size_t i = 0; i < content->size(); ++i) {
    const json& b = (*content)[i];
    const std::string btype = Str(b, "type");
    const std::string key = item + "#" + std::to_string(i);
    if (btype == "text") {
      std::string text(TrimView(Str(b, "text")));
      if (!text.empty()) stop_ = PendingStop{text, ts_ms, key};
    } else if (btype == "tool_use" || btype == "server_tool_use") {
      const json* input = Find(b, "input");
      PreTool(Str(b, "id"), Str(b, "name"), input ? Dump(*input) : "{}", ts_ms, key);
    }
  }
}

void TranscriptParser::AddCodexLine(const json& d, const std::string& item, int64_t ts_ms) {
  std::string type = Str(d, "type");
  const json* payload = Find(d, "payload");
  static constexpr std::string_view kItems[] = {
      "message",          "function_call",           "function_call_output",
      "custom_tool_call", "custom_tool_call_output", "local_shell_call",
      "reasoning"};
  if ((payload == nullptr || !payload->is_object()) &&
      std::find(std::begin(kItems), std::end(kItems), type) != std::end(kItems)) {
    payload = &d;  // the first rollout format: response items unwrapped
    type = "response_item";
  }
  if (payload == nullptr || !payload->is_object()) {
    if (type == "session_meta" || type == "response_item") return Skip("no payload");
    ++out_.ignored;
    return;
  }
  if (type == "session_meta") {
    NoteSession(Str(*payload, "id"));
    NoteCwd(Str(*payload, "cwd"));
    if (const json* git = Find(*payload, "git"); git != nullptr) NoteBranch(Str(*git, "branch"));
    ++out_.ignored;
    return;
  }
  if (type == "turn_context") {
    NoteCwd(Str(*payload, "cwd"));
    if (std::string model = Str(*payload, "model"); !model.empty()) model_ = model;
    ++out_.ignored;
    return;
  }
  if (type != "response_item") {
    ++out_.ignored;  // event_msg, token counts, world state, ...
    return;
  }
  const std::string ptype = Str(*payload, "type");
  if (ptype == "message") {
    const std::string role = Str(*payload, "role");
    const json* content = Find(*payload, "content");
    if (content == nullptr) return Skip("message without content");
    if (role == "user") {
      // Codex 0.1xx labels each item; without labels, the text itself tells.
      if (const json* meta = Find(*payload, "internal_chat_message_metadata_passthrough")) {
        if (const json* kinds = Find(*meta, "content_item_kinds");
            kinds != nullptr && kinds->is_array() && !kinds->empty() &&
            std::find(kinds->begin(), kinds->end(), json("user.text")) == kinds->end()) {
          ++out_.ignored;
          return;
        }
      }
      std::string text = content->is_string() ? content->get<std::string>()
                                              : JoinTextBlocks(*content, {"input_text", "text"});
      std::string prompt = PromptText(text);
      if (prompt.empty()) {
        ++out_.ignored;
        return;
      }
      Prompt(std::move(prompt), ts_ms, item);
    } else if (role == "assistant") {
      std::string text(TrimView(content->is_string()
                                    ? content->get<std::string>()
                                    : JoinTextBlocks(*content, {"output_text", "text"})));
      if (!text.empty()) stop_ = PendingStop{text, ts_ms, item};
    } else {
      ++out_.ignored;  // developer and system messages
    }
    return;
  }
  if (ptype == "function_call" || ptype == "custom_tool_call" || ptype == "local_shell_call") {
    std::string id = Str(*payload, "call_id");
    if (id.empty()) id = Str(*payload, "id");
    std::string name = Str(*payload, "name");
    json input = json::object();
    if (ptype == "function_call") {
      std::string args = Str(*payload, "arguments");
      input = json::parse(args, nullptr, false);
      if (input.is_discarded() || !input.is_object()) input = json{{"arguments", args}};
      std::string ns = Str(*payload, "namespace");
      if (!ns.empty()) name = ns + "__" + name;  // "mcp__memex" + "pf_poke", as the hooks name it
    } else if (ptype == "custom_tool_call") {
      input = json{{"input", Str(*payload, "input")}};
    } else {
      name = "local_shell";
      if (const json* action = Find(*payload, "action")) input = *action;
    }
    NormaliseCodexShell(name, input);
    PreTool(id, name, Dump(input), ts_ms, item);
    return;
  }
  if (ptype == "function_call_output" || ptype == "custom_tool_call_output" ||
      ptype == "local_shell_call_output") {
    std::optional<int64_t> exit_code;
    const json* output = Find(*payload, "output");
    std::string text = output ? CodexOutputText(*output, exit_code) : "";
    bool error = exit_code.has_value() && *exit_code != 0;
    if (output != nullptr) {
      const json* success = Find(*output, "success");
      if (success != nullptr && success->is_boolean() && !success->get<bool>()) error = true;
    }
    PostTool(Str(*payload, "call_id"), text, error, ts_ms, item);
    return;
  }
  ++out_.ignored;  // reasoning, web searches, compaction markers, ...
}

void TranscriptParser::Emit(EventKind kind, json payload, int64_t ts_ms, const std::string& item) {
  if (!out_.session_id.empty()) payload["session_id"] = out_.session_id;
  if (!out_.cwd.empty()) payload["cwd"] = out_.cwd;
  payload["memex_import"] = agent_;
  HookEnvelope env;
  env.kind = kind;
  env.agent = agent_;
  env.ts_ms = ts_ms;
  Result<Event> e = ParseHookEvent(env, Dump(payload), max_event_bytes_);
  if (!e.ok()) return Skip("unreadable event: " + e.status().message());
  out_.events.push_back(*std::move(e));
  items_.push_back(item);
  // The SessionEnd is keyed by the last event, so metadata the client appends later (costs,
  // titles) does not make a re-import end the session again.
  last_item_ = item;
}

void TranscriptParser::Prompt(std::string text, int64_t ts_ms, const std::string& item) {
  if (text.empty()) {
    ++out_.ignored;
    return;
  }
  FlushStop();  // a new prompt ends the previous turn
  Emit(EventKind::kUserPrompt, json{{"hook_event_name", "UserPromptSubmit"}, {"prompt", text}},
       ts_ms, item);
}

void TranscriptParser::PreTool(const std::string& id, const std::string& name,
                               const std::string& input_json, int64_t ts_ms,
                               const std::string& item) {
  if (name.empty()) return Skip("tool call without a name");
  json input = json::parse(input_json, nullptr, false);
  if (input.is_discarded()) input = json::object();
  json p = {{"hook_event_name", "PreToolUse"}, {"tool_name", name}, {"tool_input", input}};
  if (!id.empty()) {
    p["tool_use_id"] = id;
    calls_[id] = ToolCall{name, input_json};
  }
  if (!model_.empty()) p["model"] = model_;
  Emit(EventKind::kPreToolUse, std::move(p), ts_ms, item);
}

void TranscriptParser::PostTool(const std::string& id, const std::string& output, bool error,
                                int64_t ts_ms, const std::string& item) {
  json p = {{"hook_event_name", "PostToolUse"}, {"tool_response", output}};
  if (!id.empty()) {
    p["tool_use_id"] = id;
    if (auto it = calls_.find(id); it != calls_.end()) {
      p["tool_name"] = it->second.name;
      json input = json::parse(it->second.input_json, nullptr, false);
      if (!input.is_discarded()) p["tool_input"] = std::move(input);
    }
    if (!posted_.insert(id).second) return Skip("repeated tool result");
  }
  if (error) p["is_error"] = true;
  Emit(EventKind::kPostToolUse, std::move(p), ts_ms, item);
}

void TranscriptParser::FlushStop() {
  if (!stop_) return;
  PendingStop s = *std::move(stop_);
  stop_.reset();
  json p = {{"hook_event_name", "Stop"}, {"last_assistant_message", s.text}};
  if (!model_.empty()) p["model"] = model_;
  Emit(EventKind::kStop, std::move(p), s.ts_ms, s.item + "#stop");
}

ParsedTranscript TranscriptParser::Finish() {
  FlushStop();
  if (!out_.events.empty()) {
    Emit(EventKind::kSessionEnd, json{{"hook_event_name", "SessionEnd"}, {"reason", "import"}},
         last_ts_ms_, "end:" + last_item_);
  }
  if (out_.session_id.empty()) out_.session_id = file_stem_;
  for (size_t i = 0; i < out_.events.size(); ++i) {
    Event& e = out_.events[i];
    e.session_id = out_.session_id;
    e.ingest_key = ImportIngestKey(agent_, out_.session_id, items_[i]);
    if (e.cwd.empty()) e.cwd = out_.cwd;
    e.git_branch = out_.git_branch;
    if (e.ts_ms <= 0) e.ts_ms = last_ts_ms_;
  }
  return std::move(out_);
}

ParsedTranscript ParseTranscript(TranscriptFormat format, std::string_view text,
                                 std::string_view file_stem, size_t max_event_bytes) {
  TranscriptParser parser(format, std::string(file_stem), max_event_bytes);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    parser.AddLine(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return parser.Finish();
}

Result<std::vector<std::string>> ListTranscriptFiles(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return NotFound("'" + path + "' does not exist");
  if (!fs::is_directory(st)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  if (ec) return FailedPrecondition("cannot read '" + path + "': " + ec.message());
  for (fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return FailedPrecondition("cannot read under '" + path + "': " + ec.message());
    std::error_code fec;
    if (it->is_regular_file(fec) && it->path().extension() == ".jsonl") {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace memex::capture
