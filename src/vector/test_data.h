// Test helpers for the vector tests: random and clustered unit vectors, brute-force top k.
// Header-only and used by *_test.cc files only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "vector/vector_index.h"

namespace memex::testing {

inline void Normalize(float* v, int dim) {
  double n = 0;
  for (int i = 0; i < dim; ++i) n += double{v[i]} * v[i];
  const double inv = n > 0 ? 1 / std::sqrt(n) : 0;
  for (int i = 0; i < dim; ++i) v[i] = static_cast<float>(v[i] * inv);
}

// n unit vectors, uniformly distributed on the sphere (row-major).
inline std::vector<float> RandomUnit(size_t n, int dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> out(n * dim);
  for (auto& x : out) x = g(rng);
  for (size_t i = 0; i < n; ++i) Normalize(out.data() + i * dim, dim);
  return out;
}

// n unit vectors around `clusters` random centres: centre + gaussian noise of `spread` per
// component relative to the centre's, normalised. Closer to real embeddings than RandomUnit.
inline std::vector<float> Clustered(size_t n, int dim, int clusters, float spread, uint32_t seed) {
  const std::vector<float> centres = RandomUnit(static_cast<size_t>(clusters), dim, seed + 1);
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0, spread / std::sqrt(static_cast<float>(dim)));
  std::uniform_int_distribution<int> pick(0, clusters - 1);
  std::vector<float> out(n * dim);
  for (size_t i = 0; i < n; ++i) {
    const float* c = centres.data() + static_cast<size_t>(pick(rng)) * dim;
    float* v = out.data() + i * dim;
    for (int d = 0; d < dim; ++d) v[d] = c[d] + g(rng);
    Normalize(v, dim);
  }
  return out;
}

// The exact top k over rows whose key (keys[i]) passes `allow` (null: all), ties by smaller key.
inline std::vector<VectorHit> BruteForce(const std::vector<int64_t>& keys,
                                         const std::vector<float>& vecs, int dim, const float* q,
                                         int k,
                                         const std::function<bool(int64_t)>* allow = nullptr) {
  std::vector<VectorHit> all;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (allow && !(*allow)(keys[i])) continue;
    double s = 0;
    for (int d = 0; d < dim; ++d) s += double{q[d]} * vecs[i * dim + d];
    all.push_back({keys[i], static_cast<float>(s)});
  }
  const size_t kk = std::min(all.size(), static_cast<size_t>(k));
  std::partial_sort(all.begin(), all.begin() + static_cast<ptrdiff_t>(kk), all.end(),
                    [](const VectorHit& a, const VectorHit& b) {
                      return a.score > b.score || (a.score == b.score && a.key < b.key);
                    });
  all.resize(kk);
  return all;
}

// |got ∩ want| / |want| over keys.
inline double Recall(const std::vector<VectorHit>& got, const std::vector<VectorHit>& want) {
  if (want.empty()) return 1;
  int hit = 0;
  for (const auto& w : want) {
    for (const auto& g : got) {
      if (g.key == w.key) {
        ++hit;
        break;
      }
    }
  }
  return static_cast<double>(hit) / static_cast<double>(want.size());
}

}  // namespace memex::testing
