#include "vector/quantize.h"

#include <cmath>

namespace memex {

float QuantizeInt8(const float* x, int dim, int8_t* codes) {
  float max_abs = 0;
  for (int i = 0; i < dim; ++i) {
    if (std::isfinite(x[i])) max_abs = std::fmax(max_abs, std::fabs(x[i]));
  }
  if (max_abs == 0) {
    for (int i = 0; i < dim; ++i) codes[i] = 0;
    return 0;
  }
  const float scale = max_abs / 127.0f;
  const float inv = 127.0f / max_abs;
  for (int i = 0; i < dim; ++i) {
    float v = std::isfinite(x[i]) ? std::nearbyint(x[i] * inv) : 0.0f;
    // x * inv can round a hair past 127 in float; clamp keeps -128 out of the code range.
    v = std::fmin(127.0f, std::fmax(-127.0f, v));
    codes[i] = static_cast<int8_t>(v);
  }
  return scale;
}

void DequantizeInt8(const int8_t* codes, float scale, int dim, float* out) {
  for (int i = 0; i < dim; ++i) out[i] = static_cast<float>(codes[i]) * scale;
}

}  // namespace memex
