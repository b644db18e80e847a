#include "eval_settings.h"

#include <charconv>
#include <iostream>
#include <map>
#include <optional>

#include "base/text.h"
#include "config/config_loader.h"

namespace memex::bench {
namespace {

bool IsTomlScalar(std::string_view v) {
  if (v == "true" || v == "false") return true;
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  return ec == std::errc() && p == v.data() + v.size();
}

}  // namespace

Result<Config> ConfigWithSettings(const std::vector<std::string>& settings) {
  std::map<std::string, std::string> tables;  // section -> "key = value" lines
  for (const std::string& s : settings) {
    size_t eq = s.find('=');
    size_t dot = s.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 ||
        dot + 1 == eq) {
      return InvalidArgument("--set '" + s + "': expected section.key=value (recall.fusion=rrf)");
    }
    std::string section = s.substr(0, dot);
    std::string key = s.substr(dot + 1, eq - dot - 1);
    std::string value(Trim(s.substr(eq + 1)));
    if (value.empty()) return InvalidArgument("--set '" + s + "': no value");
    if (!IsTomlScalar(value) && value.front() != '"') value = "\"" + value + "\"";
    tables[section] += key + " = " + value + "\n";
  }
  std::string toml;
  for (const auto& [section, lines] : tables) toml += "[" + section + "]\n" + lines;
  auto no_env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  return ParseConfigText(toml, "--set", no_env);
}

void PrepareForDump(Config& config) {
  config.recall.min_relevance = 0;
  config.recall.max_limit = std::max(config.recall.max_limit, kDumpLimit);
  config.recall.cache_entries = 0;
}

Status OpenDump(const EvalSettings& settings, const std::string& name, std::ofstream& out,
                Config& config) {
  if (settings.dump_dir.empty()) return Status::Ok();
  const std::string path = settings.dump_dir + "/" + name + ".jsonl";
  out.open(path, std::ios::trunc);
  if (!out) return Unavailable("cannot write " + path);
  PrepareForDump(config);
  std::cerr << "[" << name << "] dumping candidates to " << path << " (relevance gate off)\n";
  return Status::Ok();
}

}  // namespace memex::bench
