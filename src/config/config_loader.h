// Loads the Config: defaults, then the TOML file, then command-line overrides.
// File lookup: --config, then $MEMEX_CONFIG, then $XDG_CONFIG_HOME/memex/memex.toml
// (~/.config/memex/memex.toml); every file is optional except one named explicitly.
// Data directory: --data-dir, then $MEMEX_DATA_DIR, then `data_dir` in the file, then
// $XDG_DATA_HOME/memex (~/.local/share/memex).
// Server (thin client): --server, then $MEMEX_SERVER; token: --token, then $MEMEX_TOKEN.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "config/config.h"

namespace memex {

// Reads an environment variable; std::nullopt when unset. Injected so tests need no real env.
using EnvFn = std::function<std::optional<std::string>(std::string_view name)>;
EnvFn ProcessEnv();

struct ConfigOverrides {
  std::string config_path;  // --config ("" = not given)
  std::string data_dir;     // --data-dir ("" = not given)
  std::string server_url;   // --server ("" = not given; then $MEMEX_SERVER)
  std::string token;        // --token ("" = not given; then $MEMEX_TOKEN)
};

// Errors (kInvalidArgument, message names the file and the key or line):
// malformed TOML, unknown key, wrong type, out-of-range value, unset ${VAR} without default,
// a missing file named by --config or $MEMEX_CONFIG (kNotFound).
// ${VAR} and ${VAR:-default} in string values are expanded from the environment.
Result<Config> LoadConfig(const ConfigOverrides& overrides, const EnvFn& env);

// Parses TOML text (for tests and `memex doctor`); `origin` names the source in errors.
Result<Config> ParseConfigText(std::string_view toml, std::string_view origin, const EnvFn& env);

// Creates `dir` (and parents) with mode 0700 if missing. Errors: kFailedPrecondition when it
// cannot be created or is not a writable directory (read-only data directory).
Status EnsureDataDir(const std::string& dir);

}  // namespace memex
