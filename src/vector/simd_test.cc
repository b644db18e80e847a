#include "vector/simd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace memex::simd {
namespace {

constexpr int kDims[] = {1,  2,  3,  7,   8,   15,  16,  17,  31,  32,  33,
                         63, 64, 65, 100, 384, 511, 512, 513, 768, 1536};

std::vector<Level> SupportedLevels() {
  std::vector<Level> out;
  for (Level l : {Level::kScalar, Level::kAvx2, Level::kAvx512}) {
    if (Supported(l)) out.push_back(l);
  }
  return out;
}

TEST(SimdTest, ScalarIsAlwaysSupportedAndBestIsSupported) {
  EXPECT_TRUE(Supported(Level::kScalar));
  EXPECT_TRUE(Supported(Best().level));
  EXPECT_FALSE(LevelName(Best().level).empty());
}

TEST(SimdTest, FloatDotMatchesReferenceOnEveryPath) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  for (Level level : SupportedLevels()) {
    const DotF32Fn dot = KernelsFor(level).dot_f32;
    for (int dim : kDims) {
      // One extra float so that the vectors can start off a 32-byte boundary.
      std::vector<float> a(dim + 1), b(dim + 1);
      for (auto& x : a) x = u(rng);
      for (auto& x : b) x = u(rng);
      for (int offset : {0, 1}) {
        double ref = 0, mag = 0;
        for (int i = 0; i < dim; ++i) {
          ref += double{a[i + offset]} * b[i + offset];
          mag += std::fabs(double{a[i + offset]} * b[i + offset]);
        }
        EXPECT_NEAR(dot(a.data() + offset, b.data() + offset, dim), ref, 1e-6 * mag + 1e-7)
            << LevelName(level) << " dim " << dim << " offset " << offset;
      }
    }
  }
}

TEST(SimdTest, Int8DotIsExactOnEveryPath) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> u(-127, 127);
  for (Level level : SupportedLevels()) {
    const DotI8Fn dot = KernelsFor(level).dot_i8;
    for (int dim : kDims) {
      std::vector<int8_t> a(dim + 1), b(dim + 1);
      for (auto& x : a) x = static_cast<int8_t>(u(rng));
      for (auto& x : b) x = static_cast<int8_t>(u(rng));
      for (int offset : {0, 1}) {
        int64_t ref = 0;
        for (int i = 0; i < dim; ++i) ref += int64_t{a[i + offset]} * b[i + offset];
        EXPECT_EQ(dot(a.data() + offset, b.data() + offset, dim), ref)
            << LevelName(level) << " dim " << dim;
      }
      // Extremes: every product at its largest, no saturation anywhere.
      std::vector<int8_t> hi(dim, 127), lo(dim, -127);
      EXPECT_EQ(dot(hi.data(), hi.data(), dim), dim * 127 * 127) << LevelName(level);
      EXPECT_EQ(dot(hi.data(), lo.data(), dim), -dim * 127 * 127) << LevelName(level);
    }
  }
}

TEST(SimdTest, ZeroLengthIsZero) {
  float f = 1;
  int8_t c = 1;
  for (Level level : SupportedLevels()) {
    EXPECT_EQ(KernelsFor(level).dot_f32(&f, &f, 0), 0.0f);
    EXPECT_EQ(KernelsFor(level).dot_i8(&c, &c, 0), 0);
  }
}

}  // namespace
}  // namespace memex::simd
