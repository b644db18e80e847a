// HnswGraph: the adapter around hnswlib's HierarchicalNSW (Debian libhnswlib-dev 0.6.2), the only
// file that includes hnswlib. hnswlib's exceptions stop here and come back as Status.
//
// The graph does not hold a copy of the vectors: each element's payload is its slot number in
// the owner's float array (VectorIndex keeps one per index, slot-major, `dim` floats a slot), and
// the distance function reads the vectors from there. That saves 4 * dim bytes per vector (2 KiB
// at dim 512) over hnswlib's own copy. Labels are slot numbers too.
// Distance is 1 - dot (vectors are L2-normalised), computed with the SIMD kernel of simd.h.
//
// Thread-safety: Search (and Save, MemoryBytes, the getters) may run concurrently with each
// other; Add, MarkDeleted and the destructor need exclusive access (the owner's lock). Add itself
// inserts on several threads internally.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace memex {

class HnswGraph {
 public:
  struct Params {
    int m = 16;
    int ef_construction = 200;
  };

  // An empty graph over `vectors` (owned by the caller, which must outlive the graph; it may be
  // reallocated between calls, as long as a slot's vector is in place when the slot is added
  // and for as long as the graph holds it).
  static Result<std::unique_ptr<HnswGraph>> Create(int dim, const std::vector<float>* vectors,
                                                   const Params& params, size_t capacity);
  // A graph saved by Save, over the same slots.
  static Result<std::unique_ptr<HnswGraph>> Load(const std::string& path, int dim,
                                                 const std::vector<float>* vectors);
  ~HnswGraph();
  HnswGraph(const HnswGraph&) = delete;
  HnswGraph& operator=(const HnswGraph&) = delete;

  // Inserts the slots (or re-links them when already present, e.g. after their vector changed),
  // on up to `threads` threads; grows the capacity as needed.
  Status Add(const std::vector<uint32_t>& slots, int threads);
  // Marks `slot` deleted: it is not returned again, but stays in the graph as a waypoint (and
  // its vector must stay in place) until Add takes it again (for a new vector in the slot: it is
  // unmarked and re-linked) or the graph is rebuilt.
  Status MarkDeleted(uint32_t slot);

  // Up to `n` (live) slots nearest to `query`, found with a candidate list of size n (hnswlib's
  // "ef"): ask for ef_search slots and keep the best k. Fewer than `n` means the graph holds
  // fewer live elements reachable from its entry point.
  Result<std::vector<uint32_t>> Search(const float* query, size_t n) const;

  // Writes hnswlib's own format to `path` (the caller embeds it in its file and checksums it).
  Status Save(const std::string& path) const;

  size_t elements() const;  // inserted elements, deleted ones included
  size_t deleted() const;
  // Heap bytes held by the graph (links, labels, locks, the lookup table), vectors excluded.
  size_t MemoryBytes() const;

 private:
  struct Impl;
  explicit HnswGraph(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace memex
