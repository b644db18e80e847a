// TopK: the k best (key, score) pairs seen, in a bounded heap: O(log k) per accepted candidate
// and O(1) per rejected one. "Best" is the higher score, and on equal scores the smaller key, so
// results do not depend on the order candidates arrive in.
//
// Thread-safety: none; one TopK per search.
#pragma once

#include <cstdint>
#include <vector>

#include "vector/vector_index.h"

namespace memex {

class TopK {
 public:
  // Precondition: k >= 0.
  explicit TopK(int k) : k_(k) { heap_.reserve(static_cast<size_t>(k)); }

  // True when (key, score) would be kept if pushed now: cheap, so a caller can test it before
  // doing more expensive work (a filter call, a rescore).
  bool Accepts(int64_t key, float score) const {
    if (k_ <= 0) return false;
    if (static_cast<int>(heap_.size()) < k_) return true;
    return Better({key, score}, heap_.front());
  }
  void Push(int64_t key, float score);
  int size() const { return static_cast<int>(heap_.size()); }
  // The kept pairs, best first; leaves this TopK empty.
  std::vector<VectorHit> Take();

  static bool Better(const VectorHit& a, const VectorHit& b) {
    return a.score > b.score || (a.score == b.score && a.key < b.key);
  }

 private:
  int k_;
  std::vector<VectorHit> heap_;  // a heap whose front is the worst kept pair
};

}  // namespace memex
