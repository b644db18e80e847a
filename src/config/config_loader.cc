// LoadConfig: finds the config file (flag, $MEMEX_CONFIG, XDG), parses it (config_parser.cc) and
// fills what comes from flags and the environment; EnsureDataDir.
#include "config/config_loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace memex {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return InvalidArgument("cannot read config file " + path.string() + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument("cannot read config file " + path.string() + ": " +
                           std::error_code(errno, std::generic_category()).message());
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read config file " + path.string());
  return buf.str();
}

// An environment variable that is set and non-empty.
std::optional<std::string> NonEmpty(const EnvFn& env, std::string_view name) {
  std::optional<std::string> v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

// An XDG base directory: the variable if it holds an absolute path (the XDG spec says to
// ignore relative ones), else $HOME/<fallback>; nullopt without either.
std::optional<fs::path> XdgDir(const EnvFn& env, std::string_view var, std::string_view fallback) {
  if (std::optional<std::string> v = NonEmpty(env, var); v && fs::path(*v).is_absolute()) {
    return fs::path(*v);
  }
  if (std::optional<std::string> home = NonEmpty(env, "HOME")) return fs::path(*home) / fallback;
  return std::nullopt;
}

// Expands a leading "~" or "~/" and makes `raw` absolute against `base` (the cwd when empty).
Result<std::string> AbsolutePath(std::string_view raw, const fs::path& base, const EnvFn& env,
                                 std::string_view what) {
  std::string p(raw);
  if (p == "~" || p.starts_with("~/")) {
    std::optional<std::string> home = NonEmpty(env, "HOME");
    if (!home) return InvalidArgument(std::string(what) + " '" + p + "' uses ~ but HOME is unset");
    p = *home + p.substr(1);
  } else if (p.starts_with("~")) {
    return InvalidArgument(std::string(what) + " '" + p +
                           "': ~user is not supported; write the full path");
  }
  fs::path path(p);
  if (path.is_relative() && !base.empty()) path = base / path;
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return InvalidArgument(std::string(what) + " '" + p + "': " + ec.message());
  std::string out = abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

EnvFn ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> LoadConfig(const ConfigOverrides& overrides, const EnvFn& env) {
  // Locate the file. One named explicitly must exist; the XDG default is optional.
  std::string path;
  std::string named_by;
  if (!overrides.config_path.empty()) {
    path = overrides.config_path;
    named_by = "--config";
  } else if (std::optional<std::string> v = NonEmpty(env, "MEMEX_CONFIG")) {
    path = *v;
    named_by = "$MEMEX_CONFIG";
  } else if (std::optional<fs::path> dir = XdgDir(env, "XDG_CONFIG_HOME", ".config")) {
    path = (*dir / "memex" / "memex.toml").string();
  }
  Config cfg;
  fs::path file_dir;
  if (!path.empty()) {
    ASSIGN_OR_RETURN(path, AbsolutePath(path, {}, env, "config file"));
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (!exists && !named_by.empty()) {
      return NotFound("config file " + path + " (from " + named_by + ") does not exist");
    }
    if (exists) {
      ASSIGN_OR_RETURN(std::string text, ReadFile(path));
      ASSIGN_OR_RETURN(cfg, ParseConfigText(text, path, env));
      cfg.config_path = path;
      file_dir = fs::path(path).parent_path();
    }
  }

  // Data directory: flag > environment > file (relative to the file's directory) > XDG.
  if (!overrides.data_dir.empty()) {
    ASSIGN_OR_RETURN(cfg.data_dir, AbsolutePath(overrides.data_dir, {}, env, "--data-dir"));
  } else if (std::optional<std::string> v = NonEmpty(env, "MEMEX_DATA_DIR")) {
    ASSIGN_OR_RETURN(cfg.data_dir, AbsolutePath(*v, {}, env, "$MEMEX_DATA_DIR"));
  } else if (!cfg.data_dir.empty()) {
    ASSIGN_OR_RETURN(cfg.data_dir,
                     AbsolutePath(cfg.data_dir, file_dir, env, cfg.config_path + ": data_dir"));
  } else if (std::optional<fs::path> dir = XdgDir(env, "XDG_DATA_HOME", ".local/share")) {
    ASSIGN_OR_RETURN(cfg.data_dir, AbsolutePath((*dir / "memex").string(), {}, env, "data_dir"));
  } else {
    return FailedPrecondition(
        "cannot choose a data directory: HOME is unset; pass --data-dir or set MEMEX_DATA_DIR");
  }

  // Where the built-in embedding model is looked for (docs/retrieval.md, "The local model"):
  // the configured directory alone, else $MEMEX_MODEL_DIR, the data directory and the cache
  // scripts/fetch-model fills. memex-core adds the directory installed beside itself.
  if (!cfg.embedding.model_dir.empty()) {
    ASSIGN_OR_RETURN(std::string dir, AbsolutePath(cfg.embedding.model_dir, cfg.data_dir, env,
                                                   "embedding.model_dir"));
    cfg.embedding.model_search = {dir};
  } else {
    if (std::optional<std::string> v = NonEmpty(env, "MEMEX_MODEL_DIR")) {
      ASSIGN_OR_RETURN(std::string dir, AbsolutePath(*v, {}, env, "$MEMEX_MODEL_DIR"));
      cfg.embedding.model_search.push_back(dir);
    }
    cfg.embedding.model_search.push_back(
        (fs::path(cfg.data_dir) / "models" / "use-lite-v1").string());
    if (std::optional<fs::path> cache = XdgDir(env, "XDG_CACHE_HOME", ".cache")) {
      cfg.embedding.model_search.push_back((*cache / "memex/models/use-lite-v1").string());
    }
  }

  // Thin client: a flag wins over the environment; neither is a file key, so a config file
  // shared between machines never points the CLI at a server by surprise.
  if (!overrides.server_url.empty()) {
    cfg.client.server_url = overrides.server_url;
  } else if (std::optional<std::string> v = NonEmpty(env, "MEMEX_SERVER")) {
    cfg.client.server_url = *v;
  }
  if (!overrides.token.empty()) {
    cfg.client.token = overrides.token;
  } else if (std::optional<std::string> v = NonEmpty(env, "MEMEX_TOKEN")) {
    cfg.client.token = *v;
  }
  return cfg;
}

Status EnsureDataDir(const std::string& dir_in) {
  if (dir_in.empty()) return FailedPrecondition("data directory is not set");
  // "a/b/" would otherwise be created as a parent of itself, with the umask's mode.
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  auto os_error = [&dir](std::string_view what, int err) {
    return FailedPrecondition("data directory " + dir + ": " + std::string(what) + ": " +
                              std::error_code(err, std::generic_category()).message());
  };
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return os_error("cannot access", errno);
    fs::path parent = fs::path(dir).parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) {
      return FailedPrecondition("data directory " + dir + ": cannot create " + parent.string() +
                                ": " + ec.message());
    }
    if (::mkdir(dir.c_str(), 0700) != 0) {
      if (errno != EEXIST) return os_error("cannot create", errno);
    } else if (::chmod(dir.c_str(), 0700) != 0) {  // the umask may have removed owner bits
      return os_error("cannot set mode 0700", errno);
    }
    if (::stat(dir.c_str(), &st) != 0) return os_error("cannot access", errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return FailedPrecondition("data directory " + dir + ": not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return os_error("not writable", errno);
  return Status::Ok();
}

}  // namespace memex
