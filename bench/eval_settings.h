// Settings shared by the quality evaluations (LoCoMo, the coding eval): the configuration the
// stacks run with (defaults plus --set overrides) and where to dump per-query candidate features
// for offline tuning (--dump).
//
// Pure data and one parser; no shared state.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace memex::bench {

struct EvalSettings {
  Config config;         // the stacks' configuration (data_dir is replaced per stack)
  std::string dump_dir;  // "" = no dump; else <dir>/locomo.jsonl and <dir>/coding.jsonl
};

// Applies "section.key=value" settings (as in memex.toml: `recall.fusion=rrf`,
// `recall.min_relevance=0.8`) to the default configuration. A value that is not a number or a
// boolean is taken as a string. Errors: kInvalidArgument naming the setting.
Result<Config> ConfigWithSettings(const std::vector<std::string>& settings);

// With a dump, the relevance gate is off and every candidate is returned with its channels, so
// that an offline sweep sees what the gate would have dropped.
void PrepareForDump(Config& config);

// Opens <settings.dump_dir>/<name>.jsonl for writing and prepares `config` for it (nothing
// when there is no dump directory: `out` stays closed). Errors: kUnavailable (cannot write).
Status OpenDump(const EvalSettings& settings, const std::string& name, std::ofstream& out,
                Config& config);

// Hits asked per query when dumping (every candidate).
inline constexpr int kDumpLimit = 1000;

}  // namespace memex::bench
