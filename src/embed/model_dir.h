// Where the built-in model's files live (docs/retrieval.md, "The local model"): the directory
// scripts/fetch-model fills, or one the user names with embedding.model_dir.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace memex {

// The directory scripts/fetch-model writes the USE-Lite model to:
// <xdg_cache_home>/memex/models/use-lite-v1 when xdg_cache_home is not empty, else
// <home>/.cache/memex/models/use-lite-v1; empty when both are empty. Pure: the caller passes
// the values of $HOME and $XDG_CACHE_HOME (only config/ reads the environment).
std::string DefaultModelCacheDir(const std::string& home, const std::string& xdg_cache_home);

// The first of `candidates` (empty ones skipped) that holds model.json, vocab.json and
// group1-shard1of7 .. group1-shard7of7. Only presence is checked here; UseLiteModel::Load
// checks the content. Errors: kNotFound listing every place looked at and saying to run
// scripts/fetch-model or set embedding.model_dir.
Result<std::string> FindModelDir(const std::vector<std::string>& candidates);

}  // namespace memex
