// Symmetric per-vector int8 quantisation: code[i] = round(x[i] / scale), scale = max|x| / 127, so
// codes lie in [-127, 127] and x[i] ~ code[i] * scale with |error| <= scale / 2 per component.
// The dot product of two vectors is then ~ DotI8(codes_a, codes_b) * scale_a * scale_b.
//
// Thread-safety: pure functions, callable from any thread.
#pragma once

#include <cstdint>

namespace memex {

// Writes `dim` codes to `codes` and returns the scale (0 for an all-zero vector, whose codes are
// all 0). Non-finite components are treated as 0.
float QuantizeInt8(const float* x, int dim, int8_t* codes);

// out[i] = codes[i] * scale.
void DequantizeInt8(const int8_t* codes, float scale, int dim, float* out);

}  // namespace memex
