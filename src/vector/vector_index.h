// VectorIndex: nearest-neighbour search over the vectors of one vector space (one model, one
// dimension) and one partition (the service keeps one index per scope). Keys are the store's
// DocIds. Cosine similarity on L2-normalised vectors, i.e. the dot product.
//
// Below `hnsw_threshold` vectors the index answers by an exact SIMD scan (vector/simd.h); when
// it grows past the threshold an HNSW graph (hnswlib, vector/hnsw_graph.h) is built and used
// from then on (it is kept if the index shrinks again), and the exact scan remains for filtered
// searches whose allowed set is small. With quantize = "int8" the exact scan runs on int8 codes
// (vector/quantize.h) and the best max(4k, 40) candidates are rescored in float; the graph
// always works on floats.
//
// Memory per vector at dim d: 4d bytes of floats (+ d + 4 with int8 codes), ~60 bytes of key
// and lookup table, and with HNSW ~250 bytes of graph at M = 16 (the graph reads the index's
// floats, it keeps no copy). At d = 512 and 100k vectors: ~215 MB float, ~265 MB int8, plus
// ~25 MB for the graph.
//
// Removals: without a graph a removed vector's slot is reused at once; with a graph it stays as
// a deleted waypoint (its floats included) until a new key takes the slot over (the graph
// re-links it for the new vector) or the index is rebuilt (a new VectorIndex filled by
// AddBatch); stats().deleted says how many wait. So the index grows only with the live count.
//
// Thread-safety: any number of concurrent Search, Save, Contains and stats calls; Add, AddBatch,
// Remove and Load take an exclusive lock (a build of the graph inside Add or AddBatch holds it
// for the whole build: seconds at 100k vectors).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace memex {

struct VectorHit {
  int64_t key = 0;
  float score = 0;  // cosine similarity in [-1, 1]
};

struct VectorSearchOptions {
  int k = 10;
  // When set, only keys for which it returns true are results, and a rejected key never takes
  // a slot: the k best allowed keys come back (as long as k exist). Called from the searching
  // thread, possibly many times per search (up to once per vector in an exact scan).
  const std::function<bool(int64_t)>* allow = nullptr;
  // Known size of the allowed set (0 = unknown); a small set is scanned exactly rather than
  // through the graph.
  int64_t allowed_count = 0;
  // HNSW candidate list size for this search (0 = vector.hnsw_ef_search): larger is slower and
  // more accurate. Ignored by exact scans.
  int ef_search = 0;
};

struct VectorIndexStats {
  int64_t size = 0;         // live vectors
  int64_t slots = 0;        // vectors held, removed ones still in the graph included
  int64_t deleted = 0;      // removed vectors still held by the graph (slots - size)
  bool hnsw = false;        // searches go through the graph
  size_t memory_bytes = 0;  // heap bytes held by the index (vectors, codes, keys, graph)
};

class VectorIndex {
 public:
  // Precondition: dim > 0.
  VectorIndex(int dim, const VectorConfig& config);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  int dim() const;
  int64_t size() const;
  bool uses_hnsw() const;
  VectorIndexStats stats() const;

  // Adds or replaces `key`'s vector (`dim` floats, L2-normalised by the caller). The vector is
  // always added; a non-OK status (kInternal, kResourceExhausted) means the graph could not take
  // it, in which case the index drops its graph and answers by exact scans until the next
  // successful build.
  Status Add(int64_t key, const float* vec);
  // Adds or replaces `n` vectors (`vecs` holds n * dim floats, row i for keys[i]; a key given
  // twice keeps its last row). Much faster than n calls to Add past the threshold: the graph is
  // built or extended on all cores. Errors as Add.
  Status AddBatch(const int64_t* keys, const float* vecs, size_t n);
  // Removes `key` if present.
  void Remove(int64_t key);
  bool Contains(int64_t key) const;
  // The vector stored for `key` (`dim` floats), or nullopt when the key is not in the index.
  std::optional<std::vector<float>> Vector(int64_t key) const;
  // Every key in the index, ascending.
  std::vector<int64_t> Keys() const;
  // The similarity (inner product, as Search scores) of `query` with the vector of each of
  // `keys`, in order; NaN for a key not in the index. One read lock for all.
  std::vector<float> Similarities(const float* query, const std::vector<int64_t>& keys) const;

  // The min(k, allowed) most similar keys, best first (ties: smaller key first). Never fails: a
  // graph error falls back to an exact scan.
  std::vector<VectorHit> Search(const float* query, const VectorSearchOptions& opts) const;

  // Persists the vectors, keys and HNSW graph (when there is one) to `path` (written to
  // `path`.tmp, fsynced and renamed; hnswlib's part passes through `path`.graph.tmp), with the
  // caller's `stamp` (what the index reflects, e.g. the newest embedding row). Load replaces
  // this index's content and returns the stamp; it fails with kNotFound when there is no file,
  // kDataLoss on a damaged or truncated file and kFailedPrecondition on another dimension or
  // format version (the caller then rebuilds from the store); on failure the content is
  // unchanged. A graph in the file is used even below the threshold; a file without one past
  // the threshold gets its graph built by Load.
  Status Save(const std::string& path, const std::string& stamp) const;
  Result<std::string> Load(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memex
