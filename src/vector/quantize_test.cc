#include "vector/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "vector/simd.h"

namespace memex {
namespace {

std::vector<float> RandomUnit(int dim, std::mt19937& rng) {
  std::normal_distribution<float> g;
  std::vector<float> v(dim);
  double n = 0;
  for (auto& x : v) {
    x = g(rng);
    n += double{x} * x;
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(n));
  return v;
}

TEST(QuantizeTest, ComponentErrorIsAtMostHalfAStep) {
  std::mt19937 rng(3);
  for (int dim : {1, 5, 384, 512, 1536}) {
    const std::vector<float> v = RandomUnit(dim, rng);
    std::vector<int8_t> codes(dim);
    std::vector<float> back(dim);
    const float scale = QuantizeInt8(v.data(), dim, codes.data());
    DequantizeInt8(codes.data(), scale, dim, back.data());
    float max_abs = 0;
    for (float x : v) max_abs = std::fmax(max_abs, std::fabs(x));
    EXPECT_FLOAT_EQ(scale, max_abs / 127);
    bool hit_extreme = false;
    for (int i = 0; i < dim; ++i) {
      EXPECT_GE(codes[i], -127);
      EXPECT_LE(codes[i], 127);
      EXPECT_LE(std::fabs(back[i] - v[i]), scale * 0.5f * 1.0001f) << i;
      hit_extreme |= codes[i] == 127 || codes[i] == -127;
    }
    EXPECT_TRUE(hit_extreme);  // the largest component uses the full range
  }
}

TEST(QuantizeTest, DotProductErrorIsWithinTheBound) {
  // |a.b - qa.qb| <= (sa/2) sum|b| + (sb/2) sum|a| + dim sa sb / 4 for the dequantised qa, qb.
  std::mt19937 rng(4);
  const int dim = 512;
  for (int trial = 0; trial < 50; ++trial) {
    const std::vector<float> a = RandomUnit(dim, rng), b = RandomUnit(dim, rng);
    std::vector<int8_t> ca(dim), cb(dim);
    const float sa = QuantizeInt8(a.data(), dim, ca.data());
    const float sb = QuantizeInt8(b.data(), dim, cb.data());
    double exact = 0, l1a = 0, l1b = 0;
    for (int i = 0; i < dim; ++i) {
      exact += double{a[i]} * b[i];
      l1a += std::fabs(a[i]);
      l1b += std::fabs(b[i]);
    }
    const double approx = static_cast<double>(simd::DotI8(ca.data(), cb.data(), dim)) * sa * sb;
    const double bound = sa / 2 * l1b + sb / 2 * l1a + dim * sa * sb / 4;
    EXPECT_LE(std::fabs(approx - exact), bound * 1.001);
    // And in practice (random signs) far below it: about 1e-3 on a cosine at dim 512.
    EXPECT_LT(std::fabs(approx - exact), 0.01);
  }
}

TEST(QuantizeTest, ZeroAndNonFiniteVectors) {
  std::vector<float> zero(8, 0.0f);
  std::vector<int8_t> codes(8, 5);
  EXPECT_EQ(QuantizeInt8(zero.data(), 8, codes.data()), 0.0f);
  for (int8_t c : codes) EXPECT_EQ(c, 0);

  std::vector<float> odd = {0.5f, std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(), -1.0f};
  const float scale = QuantizeInt8(odd.data(), 4, codes.data());
  EXPECT_FLOAT_EQ(scale, 1.0f / 127);
  EXPECT_EQ(codes[0], 64);  // 63.5 rounds to even
  EXPECT_EQ(codes[1], 0);
  EXPECT_EQ(codes[2], 0);
  EXPECT_EQ(codes[3], -127);
}

}  // namespace
}  // namespace memex
