#include "capture/dataset_export.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "base/text.h"
#include "base/time_util.h"

namespace memex::capture {
namespace {

using json = nlohmann::ordered_json;

// agent-memory's _PROBLEM_PATTERNS, searched in the first 500 bytes of the response.
const RE2& ProblemPattern() {
  static const RE2 re(
      "(?i)(permission denied|no such file or directory|command not found|traceback|"
      "^error[:\\s]|^fatal:|exit code [1-9]|path escapes workspace)");
  return re;
}

std::string FirstLine(std::string_view s, size_t max) {
  s = Trim(s);
  size_t nl = s.find('\n');
  return TruncateUtf8(Trim(s.substr(0, nl)), max);
}

// Memex stores tool input as compact JSON; a record carries it parsed, as agent-memory does.
json InputJson(const std::string& input) {
  if (input.empty()) return nullptr;
  json j = json::parse(input, nullptr, false);
  return j.is_discarded() ? json(input) : j;
}

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

struct Base {
  const ToolCallRecord* r;
  double reward;
  bool problematic;
};

json MetaCommon(const ToolCallRecord& r) {
  return {{"tool_call_id", r.tool_call_id},
          {"project", r.project},
          {"session_id", r.session_id},
          {"created_at", FormatRfc3339Ms(r.created_ms)}};
}

json SftRecord(const Base& b) {
  const ToolCallRecord& r = *b.r;
  json meta = MetaCommon(r);
  meta["source_agent"] = r.source_agent;
  meta["reward"] = b.reward;
  meta["is_problematic"] = b.problematic;
  return {{"dataset_type", "sft"},
          {"input",
           {{"prompt_text", r.prompt_text},
            {"tool_name", r.tool_name},
            {"tool_input", InputJson(r.tool_input)}}},
          {"output", {{"tool_response_preview", r.tool_response_preview}}},
          {"meta", std::move(meta)}};
}

json TrajectoryRecord(const Base& b) {
  const ToolCallRecord& r = *b.r;
  json meta = MetaCommon(r);
  meta["project_path"] = r.project_path;
  meta["source_agent"] = r.source_agent;
  meta["source_system"] = "memex";
  meta["source_mode"] = r.source_mode;
  return {{"dataset_type", "trajectory"},
          {"trajectory", json::array({{{"prompt_text", r.prompt_text},
                                       {"tool_name", r.tool_name},
                                       {"tool_input", InputJson(r.tool_input)},
                                       {"tool_response_preview", r.tool_response_preview},
                                       {"observation", nullptr}}})},
          {"outcome",
           {{"reward", b.reward},
            {"tool_success", r.tool_success},
            {"tool_error", NullIfEmpty(r.tool_error)},
            {"is_problematic", b.problematic}}},
          {"meta", std::move(meta)}};
}

json Side(const Base& b) {
  return {{"tool_call_id", b.r->tool_call_id},
          {"tool_input", InputJson(b.r->tool_input)},
          {"tool_response_preview", b.r->tool_response_preview},
          {"reward", b.reward},
          {"observation", nullptr}};
}

}  // namespace

Result<DatasetFormat> ParseDatasetFormat(std::string_view text) {
  if (text == "sft") return DatasetFormat::kSft;
  if (text == "trajectory") return DatasetFormat::kTrajectory;
  if (text == "preference") return DatasetFormat::kPreference;
  return InvalidArgument("unknown dataset format '" + std::string(text) +
                         "' (expected sft, trajectory or preference)");
}

std::vector<ToolCallRecord> CollectToolCalls(const Session& session,
                                             const std::vector<Event>& events) {
  std::vector<ToolCallRecord> out;
  std::map<std::string, const Event*> pre;  // tool_use_id -> its PreToolUse
  std::string prompt;
  for (const Event& e : events) {
    switch (e.kind) {
      case EventKind::kUserPrompt:
        prompt = e.prompt;
        break;
      case EventKind::kPreToolUse:
        if (!e.tool_use_id.empty()) pre.emplace(e.tool_use_id, &e);
        break;
      case EventKind::kPostToolUse: {
        ToolCallRecord r;
        const Event* p = nullptr;
        if (!e.tool_use_id.empty()) {
          auto it = pre.find(e.tool_use_id);
          if (it != pre.end()) p = it->second;
        }
        r.tool_call_id =
            e.tool_use_id.empty() ? session.id + "#" + std::to_string(e.seq) : e.tool_use_id;
        r.project = session.scope.ToString();
        r.project_path = e.cwd.empty() ? session.cwd : e.cwd;
        r.session_id = session.id;
        r.source_agent = e.agent.empty() ? session.agent : e.agent;
        r.source_mode = e.raw.find("\"memex_import\":") != std::string::npos ? "import" : "hook";
        r.prompt_text = std::string(Trim(prompt));
        r.tool_name = !e.tool_name.empty() ? e.tool_name : (p ? p->tool_name : "");
        r.tool_input = !e.tool_input.empty() ? e.tool_input : (p ? p->tool_input : "");
        // The cut ends in "…" (3 bytes) within the limit.
        r.tool_response_preview = e.tool_output.size() <= kResponsePreviewBytes
                                      ? e.tool_output
                                      : TruncateUtf8(e.tool_output, kResponsePreviewBytes - 3);
        r.tool_success = !e.tool_error;
        if (e.tool_error) {
          r.tool_error = FirstLine(e.tool_output, 500);
          if (r.tool_error.empty()) r.tool_error = "failed";
        }
        r.session_completed = session.ended_ms > 0;
        r.created_ms = e.ts_ms;
        r.seq = e.seq;
        out.push_back(std::move(r));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

bool IsProblematic(const ToolCallRecord& r) {
  if (!r.tool_success || !r.tool_error.empty()) return true;
  std::string head = TruncateUtf8(r.tool_response_preview, 500, "");
  return RE2::PartialMatch(head, ProblemPattern());
}

double Reward(const ToolCallRecord& r) {
  double reward = r.tool_success ? 1.0 : -1.0;
  reward -= 0.10;  // no linked observation (memex extracts none)
  if (r.session_completed) reward += 0.10;
  if (!r.tool_error.empty()) reward -= 0.25;
  if (IsProblematic(r)) reward -= 0.25;
  reward = std::clamp(reward, -2.0, 2.0);
  return std::round(reward * 1000) / 1000;
}

std::vector<json> BuildDataset(std::vector<ToolCallRecord> calls, const DatasetOptions& options) {
  std::stable_sort(calls.begin(), calls.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_ms, a.seq) < std::tie(b.created_ms, b.seq);
  });
  const bool keep_errors = options.include_errors || options.format == DatasetFormat::kPreference;
  std::vector<Base> kept;
  for (const ToolCallRecord& r : calls) {
    Base b{&r, Reward(r), IsProblematic(r)};
    if (!keep_errors && b.problematic) continue;
    if (options.min_reward && b.reward < *options.min_reward) continue;
    if (options.max_reward && b.reward > *options.max_reward) continue;
    kept.push_back(b);
  }

  std::vector<json> out;
  if (options.format == DatasetFormat::kSft) {
    for (const Base& b : kept) out.push_back(SftRecord(b));
    return out;
  }
  if (options.format == DatasetFormat::kTrajectory) {
    for (const Base& b : kept) out.push_back(TrajectoryRecord(b));
    return out;
  }

  struct Group {
    std::string project, tool_name, prompt_key;
    std::vector<const Base*> chosen, rejected;
  };
  std::vector<Group> groups;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> index;
  for (const Base& b : kept) {
    std::string key = TruncateUtf8(AsciiLower(Trim(b.r->prompt_text)), 200, "");
    auto k = std::make_tuple(b.r->project, b.r->tool_name, key);
    auto [it, inserted] = index.emplace(k, groups.size());
    if (inserted) groups.push_back(Group{b.r->project, b.r->tool_name, key, {}, {}});
    Group& g = groups[it->second];
    if (b.reward >= 0 && b.r->tool_success) {
      g.chosen.push_back(&b);
    } else if (b.reward < 0 || b.problematic) {
      g.rejected.push_back(&b);
    }
  }
  for (const Group& g : groups) {
    size_t n = std::min(g.chosen.size(), g.rejected.size());
    for (size_t i = 0; i < n; ++i) {
      const Base& c = *g.chosen[i];
      const Base& r = *g.rejected[i];
      out.push_back(
          {{"dataset_type", "preference"},
           {"prompt_text", c.r->prompt_text.empty() ? r.r->prompt_text : c.r->prompt_text},
           {"tool_name", g.tool_name},
           {"chosen", Side(c)},
           {"rejected", Side(r)},
           {"meta", {{"project", g.project}, {"prompt_key", g.prompt_key}}}});
    }
  }
  return out;
}

}  // namespace memex::capture
