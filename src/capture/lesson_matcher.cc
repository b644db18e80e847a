#include "capture/lesson_matcher.h"

#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>

namespace memex::capture {
namespace {

constexpr size_t kMaxRegexBytes = 500;
constexpr size_t kMaxRuleBytes = 2000;
constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxCacheEntries = 4096;

std::unique_ptr<RE2> Compile(const std::string& pattern, bool anchored) {
  if (pattern.empty()) return nullptr;
  RE2::Options opts;
  opts.set_case_sensitive(false);
  opts.set_log_errors(false);
  return std::make_unique<RE2>(anchored ? "^(?:" + pattern + ")$" : pattern, opts);
}

// A plain tool name matches exactly; anything with regex punctuation is a regex over the name.
bool IsPlainName(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

bool GlobMatches(const std::string& glob, const std::string& path) {
  if (fnmatch(glob.c_str(), path.c_str(), 0) == 0) return true;
  size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (fnmatch(glob.c_str(), base.c_str(), 0) == 0) return true;
  // "src/**" style globs: fnmatch without FNM_PATHNAME lets '*' cross '/', so "*/x" and
  // "**/x" also match nested paths; try the glob against every suffix of the path too.
  for (size_t i = path.find('/'); i != std::string::npos; i = path.find('/', i + 1)) {
    if (fnmatch(glob.c_str(), path.c_str() + i + 1, 0) == 0) return true;
  }
  return false;
}

}  // namespace

struct LessonMatcher::Compiled {
  std::unique_ptr<RE2> tool, input, output;
};

Status ValidateLesson(const Lesson& l) {
  if (l.rule.empty()) return InvalidArgument("lesson rule must not be empty");
  if (l.rule.size() > kMaxRuleBytes) {
    return InvalidArgument("lesson rule is longer than " + std::to_string(kMaxRuleBytes) +
                           " bytes");
  }
  if (l.title.size() > kMaxTitleBytes) {
    return InvalidArgument("lesson title is longer than " + std::to_string(kMaxTitleBytes) +
                           " bytes");
  }
  bool tool_phase = l.phase != LessonPhase::kSessionEnd;
  if (tool_phase && l.tool.empty() && l.input_regex.empty() && l.output_regex.empty() &&
      l.file_globs.empty()) {
    return InvalidArgument(
        "a lesson needs a trigger: a tool name, an input regex, an output regex or file globs");
  }
  if (!l.output_regex.empty() && l.phase != LessonPhase::kPostTool) {
    return InvalidArgument("output_regex needs phase post-tool (the output exists only then)");
  }
  struct Field {
    const char* name;
    const std::string& pattern;
    bool anchored;
  };
  for (const Field& f : {Field{"tool", l.tool, true}, Field{"input_regex", l.input_regex, false},
                         Field{"output_regex", l.output_regex, false}}) {
    if (f.pattern.size() > kMaxRegexBytes) {
      return InvalidArgument(std::string("lesson ") + f.name + " is longer than " +
                             std::to_string(kMaxRegexBytes) + " bytes");
    }
    std::unique_ptr<RE2> re = Compile(f.pattern, f.anchored);
    if (re != nullptr && !re->ok()) {
      return InvalidArgument(std::string("lesson ") + f.name + " '" + f.pattern +
                             "' is not a valid regular expression: " + re->error());
    }
  }
  for (const std::string& g : l.file_globs) {
    if (g.empty()) return InvalidArgument("lesson file_globs must not hold an empty glob");
  }
  return Status::Ok();
}

LessonMatcher::LessonMatcher() = default;
LessonMatcher::~LessonMatcher() = default;

std::shared_ptr<const LessonMatcher::Compiled> LessonMatcher::Get(const Lesson& l) const {
  std::string key = l.id + "@" + std::to_string(l.updated_ms);
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // entries in use stay alive
  auto c = std::make_shared<Compiled>();
  if (!IsPlainName(l.tool)) c->tool = Compile(l.tool, true);
  c->input = Compile(l.input_regex, false);
  c->output = Compile(l.output_regex, false);
  cache_.emplace(std::move(key), c);
  return c;
}

std::vector<Lesson> LessonMatcher::Match(const std::vector<Lesson>& lessons, const ToolCall& call,
                                         int max) const {
  std::vector<Lesson> out;
  for (const Lesson& l : lessons) {
    if (!l.active || l.phase != call.phase) continue;
    std::shared_ptr<const Compiled> held = Get(l);
    const Compiled& c = *held;
    if (!l.tool.empty()) {
      if (c.tool == nullptr) {
        if (l.tool != call.tool_name) continue;
      } else if (!c.tool->ok() || !RE2::FullMatch(call.tool_name, *c.tool)) {
        continue;
      }
    }
    if (c.input != nullptr && (!c.input->ok() || !RE2::PartialMatch(call.input, *c.input))) {
      continue;
    }
    if (c.output != nullptr && (!c.output->ok() || !RE2::PartialMatch(call.output, *c.output))) {
      continue;
    }
    if (!l.file_globs.empty()) {
      bool any = false;
      for (const std::string& g : l.file_globs) {
        for (const std::string& f : call.files) any = any || GlobMatches(g, f);
      }
      if (!any) continue;
    }
    out.push_back(l);
  }
  std::stable_sort(out.begin(), out.end(), [](const Lesson& a, const Lesson& b) {
    return static_cast<int>(a.severity) < static_cast<int>(b.severity);
  });
  if (max >= 0 && out.size() > static_cast<size_t>(max)) out.resize(static_cast<size_t>(max));
  return out;
}

}  // namespace memex::capture
