// Dot-product kernels for the vector index, chosen once at run time from what the CPU supports.
//
// The binary targets baseline x86-64, so the AVX2+FMA and AVX-512 kernels are compiled with
// per-function target attributes and picked through __builtin_cpu_supports; other CPUs (and
// non-x86 builds) use the portable loops, which the compiler may still auto-vectorise.
//
// Thread-safety: every function is pure and may be called from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace memex::simd {

// Kernel families, best last. A family is usable only when Supported(level) is true.
enum class Level { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

using DotF32Fn = float (*)(const float* a, const float* b, int dim);
// Exact for dim < 2^17 (codes in [-127, 127]: |sum| <= dim * 127^2 fits int32).
using DotI8Fn = int32_t (*)(const int8_t* a, const int8_t* b, int dim);

struct Kernels {
  Level level = Level::kScalar;
  DotF32Fn dot_f32 = nullptr;
  DotI8Fn dot_i8 = nullptr;
};

// True when this build and this CPU can run `level`'s kernels.
bool Supported(Level level);
// The kernels of `level`. Precondition: Supported(level).
Kernels KernelsFor(Level level);
// The best supported kernels, detected on the first call (measured at dim 512 on Zen 4: AVX-512
// 21-29 ns a float dot, AVX2 30-40 ns, portable 59-73 ns).
const Kernels& Best();
std::string_view LevelName(Level level);

// Shorthands for the best kernels.
inline float DotF32(const float* a, const float* b, int dim) { return Best().dot_f32(a, b, dim); }
inline int32_t DotI8(const int8_t* a, const int8_t* b, int dim) { return Best().dot_i8(a, b, dim); }

}  // namespace memex::simd
