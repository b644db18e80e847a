#include "capture/session_digest.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

namespace memex::capture {
namespace {

constexpr size_t kLineBytes = 200;

// Cuts at a UTF-8 boundary, adding "…" when something was dropped.
std::string Clip(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "…";
}

// First non-empty line, whitespace collapsed, clipped.
std::string OneLine(std::string_view s, size_t max = kLineBytes) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' && !out.empty()) break;
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return Clip(out, max);
}

// What a tool call did, in one line: the Bash command, else the first string input value.
std::string CallSubject(const Event& e) {
  nlohmann::json in = nlohmann::json::parse(e.tool_input, nullptr, false);
  if (in.is_object()) {
    for (const char* key : {"command", "cmd", "file_path", "path", "pattern", "query", "url"}) {
      auto it = in.find(key);
      if (it == in.end()) continue;
      if (it->is_string()) return OneLine(it->get<std::string>());
      if (it->is_array()) {  // Codex shell: ["bash","-lc","make test"]
        std::string joined;
        for (const auto& part : *it) {
          if (part.is_string()) joined += (joined.empty() ? "" : " ") + part.get<std::string>();
        }
        return OneLine(joined);
      }
    }
    for (const auto& [k, v] : in.items()) {
      if (v.is_string()) return OneLine(v.get<std::string>());
    }
  }
  return OneLine(e.tool_input);
}

bool LooksLikeListItem(std::string_view line) {
  return line.starts_with("- ") || line.starts_with("* ") ||
         (!line.empty() && line[0] >= '0' && line[0] <= '9');
}

std::string StripListMarker(std::string_view line) {
  size_t i = 0;
  while (i < line.size() &&
         (line[i] == '-' || line[i] == '*' || line[i] == ' ' ||
          (line[i] >= '0' && line[i] <= '9') || line[i] == '.' || line[i] == ')')) {
    ++i;
  }
  if (line.substr(i).starts_with("[ ] ")) i += 4;
  return OneLine(line.substr(i));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Lines of the last message: questions (ending in '?') and next steps (list items under a
// heading or lead-in mentioning next/todo/remaining, or lines starting with "TODO"/"Next").
void ReadLastMessage(std::string_view msg, std::vector<std::string>& questions,
                     std::vector<std::string>& steps) {
  bool in_next = false;
  size_t start = 0;
  while (start <= msg.size()) {
    size_t end = msg.find('\n', start);
    if (end == std::string_view::npos) end = msg.size();
    std::string_view raw = msg.substr(start, end - start);
    start = end + 1;
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\r')) raw.remove_suffix(1);
    if (raw.empty()) {
      continue;
    }
    std::string lower = Lower(raw);
    bool heading = raw.front() == '#' || raw.back() == ':';
    if (heading) {
      in_next =
          lower.find("next") != std::string::npos || lower.find("todo") != std::string::npos ||
          lower.find("remaining") != std::string::npos || lower.find("follow") != std::string::npos;
      continue;
    }
    if (lower.starts_with("todo") || lower.starts_with("next step") || lower.starts_with("next:")) {
      // "TODO: x", "Next steps: x" -> "x" (a bare "Next steps:" was a heading, above).
      size_t colon = raw.find(':');
      steps.push_back(OneLine(colon == std::string_view::npos ? raw : raw.substr(colon + 1)));
    } else if (lower.starts_with("- [ ]")) {
      steps.push_back(StripListMarker(raw));
    } else if (in_next && LooksLikeListItem(raw)) {
      steps.push_back(StripListMarker(raw));
    } else if (!LooksLikeListItem(raw)) {
      in_next = false;
    }
    if (raw.back() == '?') questions.push_back(OneLine(raw));
    if (end == msg.size()) break;
  }
}

void PushUnique(std::vector<std::string>& v, std::string s, size_t cap) {
  if (s.empty() || v.size() >= cap) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

SessionDigest DigestEvents(const std::vector<Event>& events) {
  SessionDigest d;
  std::map<std::string, int> tool_counts;
  std::set<std::string> seen_calls;  // tool_use_ids counted
  std::set<std::string> seen_files;
  for (const Event& e : events) {
    if (d.started_ms == 0 || (e.ts_ms != 0 && e.ts_ms < d.started_ms)) d.started_ms = e.ts_ms;
    d.ended_ms = std::max(d.ended_ms, e.ts_ms);
    for (const std::string& f : e.files) {
      if (seen_files.insert(f).second) d.files.push_back(f);
    }
    switch (e.kind) {
      case EventKind::kUserPrompt:
        ++d.prompt_count;
        if (!e.prompt.empty()) d.prompts.push_back(OneLine(e.prompt));
        break;
      case EventKind::kPreToolUse:
      case EventKind::kPostToolUse: {
        std::string key = e.tool_use_id.empty() ? "" : e.tool_use_id;
        bool first =
            key.empty() ? e.kind == EventKind::kPostToolUse : seen_calls.insert(key).second;
        if (first && !e.tool_name.empty()) {
          ++d.tool_count;
          ++tool_counts[e.tool_name];
        }
        if (e.kind != EventKind::kPostToolUse) break;
        std::string subject = CallSubject(e);
        if (e.tool_error) {
          d.failures.push_back({e.tool_name, subject, OneLine(e.tool_output), false});
        } else {
          for (FailedCall& f : d.failures) {
            if (f.tool == e.tool_name && f.what == subject) f.resolved = true;
          }
        }
        break;
      }
      case EventKind::kStop:
      case EventKind::kSubagentStop:
        if (e.kind == EventKind::kStop && !e.message.empty()) d.last_message = e.message;
        break;
      default:
        break;
    }
  }
  d.tools.assign(tool_counts.begin(), tool_counts.end());
  std::stable_sort(d.tools.begin(), d.tools.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return d;
}

std::string RenderSummary(const Session& s, const SessionDigest& d, size_t max_bytes) {
  std::string out = "Session " + s.id + " (" + s.agent + ", " + s.scope.ToString();
  if (!s.git_branch.empty()) out += ", branch " + s.git_branch;
  out += "): " + std::to_string(d.prompt_count) + " prompts, " + std::to_string(d.tool_count) +
         " tool calls";
  int failed = 0;
  for (const FailedCall& f : d.failures) failed += f.resolved ? 0 : 1;
  if (!d.failures.empty()) {
    out += ", " + std::to_string(d.failures.size()) + " failed (" + std::to_string(failed) +
           " unresolved)";
  }
  out += ".\n";
  if (!d.prompts.empty()) {
    out += "\nAsked:\n";
    for (const std::string& p : d.prompts) out += "- " + p + "\n";
  }
  if (!d.files.empty()) {
    out += "\nFiles touched: ";
    for (size_t i = 0; i < d.files.size() && i < kHandoffListItems; ++i) {
      out += (i ? ", " : "") + d.files[i];
    }
    if (d.files.size() > kHandoffListItems) {
      out += " and " + std::to_string(d.files.size() - kHandoffListItems) + " more";
    }
    out += "\n";
  }
  if (!d.tools.empty()) {
    out += "\nTools: ";
    for (size_t i = 0; i < d.tools.size(); ++i) {
      out += (i ? ", " : "") + d.tools[i].first + " ×" + std::to_string(d.tools[i].second);
    }
    out += "\n";
  }
  if (!d.failures.empty()) {
    out += "\nErrors:\n";
    for (const FailedCall& f : d.failures) {
      out += "- " + f.tool + " `" + f.what + "`: " + f.output +
             (f.resolved ? " (later succeeded)" : "") + "\n";
    }
  }
  if (!d.last_message.empty()) out += "\nLast answer: " + Clip(d.last_message, 1500) + "\n";
  if (out.size() <= max_bytes) return out;
  size_t cut = out.rfind('\n', max_bytes > 4 ? max_bytes - 4 : 0);
  return out.substr(0, cut == std::string::npos ? max_bytes - 4 : cut) + "\n…";
}

namespace {

// "x" -> "x.", but "x." / "x?" / "x!" stay as they are.
std::string Sentence(std::string s) {
  if (!s.empty() && s.back() != '.' && s.back() != '?' && s.back() != '!' && s.back() != ':') {
    s += '.';
  }
  return s;
}

// The outcome part of the last answer: its first paragraph, before any heading or list (the
// lists become open questions and next steps; quoting them twice wastes the context budget).
std::string FirstParagraph(std::string_view msg) {
  std::string out;
  size_t start = 0;
  while (start < msg.size()) {
    size_t end = msg.find('\n', start);
    if (end == std::string_view::npos) end = msg.size();
    std::string_view line = msg.substr(start, end - start);
    start = end + 1;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
      if (!out.empty()) break;
      continue;
    }
    line.remove_prefix(first);
    if (line.front() == '#' || LooksLikeListItem(line) || line.back() == ':') break;
    if (!out.empty()) out += ' ';
    out += line;
  }
  return out;
}

}  // namespace

Handoff BuildHandoff(const Session& s, const SessionDigest& d) {
  Handoff h;
  h.scope = s.scope;
  h.from_session = s.id;
  h.from_agent = s.agent;
  h.cwd = s.cwd;
  std::string summary;
  if (!d.prompts.empty()) {
    summary = Sentence("Last request: " + d.prompts.back());
    if (d.prompts.size() > 1) {
      summary += " (" + std::to_string(d.prompts.size() - 1) + " earlier requests.)";
    }
  } else {
    summary = "Session ended with " + std::to_string(d.tool_count) + " tool calls and no prompt.";
  }
  if (std::string outcome = FirstParagraph(d.last_message); !outcome.empty()) {
    summary += "\nOutcome: " + Clip(outcome, 1800);
  }
  h.summary = Clip(summary, kHandoffSummaryBytes);

  std::vector<std::string> questions, steps;
  ReadLastMessage(d.last_message, questions, steps);
  for (std::string& q : questions) PushUnique(h.open_questions, std::move(q), kHandoffListItems);
  for (std::string& st : steps) PushUnique(h.next_steps, std::move(st), kHandoffListItems);
  for (const FailedCall& f : d.failures) {
    if (f.resolved) continue;
    PushUnique(h.open_questions, "Unresolved failure: " + f.tool + " `" + f.what + "`: " + f.output,
               kHandoffListItems);
    PushUnique(h.next_steps, "Fix the failing " + f.tool + " call `" + f.what + "`",
               kHandoffListItems);
  }
  if (d.last_message.empty() && !d.prompts.empty()) {
    PushUnique(h.next_steps, "Continue: " + d.prompts.back(), kHandoffListItems);
  }
  for (const std::string& f : d.files) PushUnique(h.files_touched, f, kHandoffListItems);
  return h;
}

bool HandoffIsEmpty(const Handoff& h) {
  return h.open_questions.empty() && h.next_steps.empty() && h.files_touched.empty() &&
         h.summary.find("Last request:") == std::string::npos &&
         h.summary.find("Outcome:") == std::string::npos;
}

}  // namespace memex::capture
