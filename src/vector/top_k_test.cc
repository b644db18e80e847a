#include "vector/top_k.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace memex {
namespace {

TEST(TopKTest, KeepsTheBestWithTiesBySmallerKey) {
  std::vector<VectorHit> in = {{5, 0.5f}, {3, 0.9f}, {9, 0.5f}, {1, 0.1f}, {2, 0.5f}, {7, 0.9f}};
  std::mt19937 rng(5);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(in.begin(), in.end(), rng);
    TopK top(4);
    for (const auto& h : in) top.Push(h.key, h.score);
    const std::vector<VectorHit> out = top.Take();
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].key, 3);
    EXPECT_EQ(out[1].key, 7);
    EXPECT_EQ(out[2].key, 2);
    EXPECT_EQ(out[3].key, 5);
  }
}

TEST(TopKTest, AcceptsMatchesPush) {
  TopK top(2);
  EXPECT_TRUE(top.Accepts(1, -1));
  top.Push(1, 0.5f);
  top.Push(2, 0.6f);
  EXPECT_FALSE(top.Accepts(3, 0.5f));  // equal score, larger key
  EXPECT_TRUE(top.Accepts(0, 0.5f));   // equal score, smaller key
  EXPECT_FALSE(top.Accepts(4, 0.1f));
  EXPECT_EQ(top.size(), 2);
}

TEST(TopKTest, ZeroKeepsNothing) {
  TopK top(0);
  EXPECT_FALSE(top.Accepts(1, 1));
  top.Push(1, 1);
  EXPECT_TRUE(top.Take().empty());
}

}  // namespace
}  // namespace memex
