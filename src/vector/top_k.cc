#include "vector/top_k.h"

#include <algorithm>
#include <utility>

namespace memex {

void TopK::Push(int64_t key, float score) {
  if (!Accepts(key, score)) return;
  // std heap functions keep the "largest" at the front; with Better as the less-than, the
  // largest is the worst pair.
  if (static_cast<int>(heap_.size()) == k_) {
    std::pop_heap(heap_.begin(), heap_.end(), Better);
    heap_.back() = {key, score};
  } else {
    heap_.push_back({key, score});
  }
  std::push_heap(heap_.begin(), heap_.end(), Better);
}

std::vector<VectorHit> TopK::Take() {
  std::sort(heap_.begin(), heap_.end(), Better);
  return std::exchange(heap_, {});
}

}  // namespace memex
