#include "embed/model_dir.h"

#include <filesystem>
#include <system_error>

namespace memex {
namespace {

namespace fs = std::filesystem;

bool HoldsModel(const std::string& dir) {
  std::vector<std::string> files = {"model.json", "vocab.json"};
  for (int i = 1; i <= 7; ++i) files.push_back("group1-shard" + std::to_string(i) + "of7");
  for (const std::string& f : files) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::path(dir) / f, ec)) return false;
  }
  return true;
}

}  // namespace

std::string DefaultModelCacheDir(const std::string& home, const std::string& xdg_cache_home) {
  // Same rule as scripts/fetch-model's ${XDG_CACHE_HOME:-$HOME/.cache}.
  std::string cache;
  if (!xdg_cache_home.empty()) {
    cache = xdg_cache_home;
  } else if (!home.empty()) {
    cache = (fs::path(home) / ".cache").string();
  } else {
    return "";
  }
  return (fs::path(cache) / "memex" / "models" / "use-lite-v1").string();
}

Result<std::string> FindModelDir(const std::vector<std::string>& candidates) {
  std::string looked;
  for (const std::string& dir : candidates) {
    if (dir.empty()) continue;
    if (HoldsModel(dir)) return dir;
    looked += (looked.empty() ? "" : ", ") + dir;
  }
  if (looked.empty()) looked = "(no candidate directory)";
  return NotFound(
      "the built-in embedding model (USE-Lite: model.json, vocab.json, group1-shard1of7.."
      "group1-shard7of7) is not in " +
      looked + "; run scripts/fetch-model, or set embedding.model_dir to a directory holding it");
}

}  // namespace memex
