// Test helpers shared by the USE-Lite tests (header-only, included by *_test.cc only): where the
// model is, and the reference outputs in testdata/use_lite_golden.json.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embed/model_dir.h"

namespace memex::use_lite_testing {

// The model the tests run: $MEMEX_MODEL_DIR, else where scripts/fetch-model puts it. Fails the
// calling test (never skips) when it is not there.
inline std::string ModelDirOrFail() {
  const char* env = std::getenv("MEMEX_MODEL_DIR");
  std::vector<std::string> candidates;
  if (env != nullptr && *env != '\0') {
    candidates.push_back(env);
  } else {
    const char* home = std::getenv("HOME");
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    candidates.push_back(DefaultModelCacheDir(home ? home : "", xdg ? xdg : ""));
  }
  Result<std::string> dir = FindModelDir(candidates);
  if (!dir.ok()) {
    ADD_FAILURE() << "the USE-Lite model is missing: run scripts/fetch-model (or set "
                     "MEMEX_MODEL_DIR). "
                  << dir.status().ToString();
    return "";
  }
  return *dir;
}

struct GoldenCase {
  std::string text;
  std::vector<int32_t> ids;  // before clipping to 128
  std::vector<float> embedding;
};

inline std::vector<GoldenCase> LoadGolden() {
  std::filesystem::path path =
      std::filesystem::path(__FILE__).parent_path() / "testdata" / "use_lite_golden.json";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  std::vector<GoldenCase> cases;
  if (doc.is_discarded() || !doc.contains("cases")) {
    ADD_FAILURE() << "cannot read " << path;
    return cases;
  }
  for (const nlohmann::json& c : doc["cases"]) {
    cases.push_back({c["text"].get<std::string>(), c["ids"].get<std::vector<int32_t>>(),
                     c["embedding"].get<std::vector<float>>()});
  }
  return cases;
}

inline double Cosine(const float* a, const float* b, size_t n) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

}  // namespace memex::use_lite_testing
