#include "vector/hnsw_graph.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "vector/simd.h"

namespace memex {
namespace {

using Hnsw = hnswlib::HierarchicalNSW<float>;

// An element's payload is its slot number; a query's payload is this tag followed by a pointer
// to the query vector (hnswlib passes payloads through opaquely, the query always as the first
// argument of the distance function).
constexpr uint64_t kQueryTag = ~uint64_t{0};
struct QueryRef {
  uint64_t tag = kQueryTag;
  const float* vec = nullptr;
};

struct DistParam {
  const std::vector<float>* vectors = nullptr;
  size_t dim = 0;
  simd::DotF32Fn dot = nullptr;
};

inline const float* Resolve(const void* payload, const DistParam& p) {
  uint64_t v;
  std::memcpy(&v, payload, sizeof v);
  if (v == kQueryTag) return static_cast<const QueryRef*>(payload)->vec;
  return p.vectors->data() + v * p.dim;
}

float Distance(const void* a, const void* b, const void* param) {
  const auto& p = *static_cast<const DistParam*>(param);
  return 1.0f - p.dot(Resolve(a, p), Resolve(b, p), static_cast<int>(p.dim));
}

class SlotSpace : public hnswlib::SpaceInterface<float> {
 public:
  SlotSpace(int dim, const std::vector<float>* vectors)
      : param_{vectors, static_cast<size_t>(dim), simd::Best().dot_f32} {}
  size_t get_data_size() override { return sizeof(uint64_t); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &Distance; }
  void* get_dist_func_param() override { return &param_; }

 private:
  DistParam param_;
};

Status FromException(const char* what, const std::exception& e) {
  return Internal(std::string("hnswlib ") + what + ": " + e.what());
}

}  // namespace

struct HnswGraph::Impl {
  Impl(int dim, const std::vector<float>* vectors) : space(dim, vectors) {}
  SlotSpace space;             // before `hnsw`: it holds a pointer to the space's parameter
  std::unique_ptr<Hnsw> hnsw;  // never null after Create/Load
};

HnswGraph::HnswGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HnswGraph::~HnswGraph() = default;

Result<std::unique_ptr<HnswGraph>> HnswGraph::Create(int dim, const std::vector<float>* vectors,
                                                     const Params& params, size_t capacity) {
  auto impl = std::make_unique<Impl>(dim, vectors);
  try {
    impl->hnsw = std::make_unique<Hnsw>(&impl->space, std::max<size_t>(capacity, 16),
                                        static_cast<size_t>(std::max(params.m, 2)),
                                        static_cast<size_t>(std::max(params.ef_construction, 1)));
    impl->hnsw->setEf(1);  // the list size comes with each Search
  } catch (const std::exception& e) {
    return FromException("create", e);
  }
  return std::unique_ptr<HnswGraph>(new HnswGraph(std::move(impl)));
}

Result<std::unique_ptr<HnswGraph>> HnswGraph::Load(const std::string& path, int dim,
                                                   const std::vector<float>* vectors) {
  auto impl = std::make_unique<Impl>(dim, vectors);
  // hnswlib 0.6.2's loading constructor leaves num_deleted_ and the pointers its destructor
  // frees uninitialised; start from the empty constructor and set them first.
  impl->hnsw = std::make_unique<Hnsw>(&impl->space);
  Hnsw& h = *impl->hnsw;
  h.num_deleted_ = 0;
  h.cur_element_count = 0;
  h.data_level0_memory_ = nullptr;
  h.linkLists_ = nullptr;
  h.visited_list_pool_ = nullptr;
  h.metric_distance_computations = 0;
  h.metric_hops = 0;
  try {
    h.loadIndex(path, &impl->space, 0);
  } catch (const std::exception& e) {
    h.cur_element_count = 0;  // what was read may not match what was allocated
    return DataLoss(std::string("hnsw graph: ") + e.what());
  }
  // The file was checksummed, but check that it is a graph over these slots before any
  // distance reads through a payload.
  const size_t slots = vectors->size() / static_cast<size_t>(dim);
  const size_t links0 = h.maxM0_ * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
  if (h.offsetData_ != links0 || h.size_data_per_element_ != links0 + 2 * sizeof(uint64_t) ||
      h.label_offset_ != links0 + sizeof(uint64_t) ||
      (h.cur_element_count > 0 && h.enterpoint_node_ >= h.cur_element_count)) {
    return DataLoss("hnsw graph: unexpected layout");
  }
  for (size_t i = 0; i < h.cur_element_count; ++i) {
    const auto id = static_cast<hnswlib::tableint>(i);
    uint64_t slot;
    std::memcpy(&slot, h.getDataByInternalId(id), sizeof slot);
    if (slot >= slots || slot != h.getExternalLabel(id)) {
      return DataLoss("hnsw graph: element refers to a missing slot");
    }
  }
  h.setEf(1);
  return std::unique_ptr<HnswGraph>(new HnswGraph(std::move(impl)));
}

Status HnswGraph::Add(const std::vector<uint32_t>& slots, int threads) {
  Hnsw& h = *impl_->hnsw;
  try {
    const size_t needed = h.cur_element_count + slots.size();
    if (needed > h.max_elements_) {
      h.resizeIndex(std::max(needed, h.max_elements_ + h.max_elements_ / 2));
    }
  } catch (const std::exception& e) {
    return FromException("resize", e);
  }
  std::atomic<size_t> next{0};
  std::mutex error_mu;
  Status error;  // the first failure; guarded by error_mu
  auto work = [&] {
    for (size_t i = next++; i < slots.size(); i = next++) {
      const uint64_t payload = slots[i];
      try {
        h.addPoint(&payload, static_cast<hnswlib::labeltype>(slots[i]));
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (error.ok()) error = FromException("add", e);
        next = slots.size();
      }
    }
  };
  // Threads pay off only for bulk inserts; a single Add stays on the caller's thread.
  const size_t n_threads =
      std::clamp<size_t>(slots.size() / 256, 1, static_cast<size_t>(std::max(threads, 1)));
  {
    std::vector<std::jthread> workers;
    for (size_t t = 1; t < n_threads; ++t) workers.emplace_back(work);
    work();
  }
  return error;
}

Status HnswGraph::MarkDeleted(uint32_t slot) {
  try {
    impl_->hnsw->markDelete(static_cast<hnswlib::labeltype>(slot));
  } catch (const std::exception& e) {
    return FromException("delete", e);
  }
  return Status::Ok();
}

Result<std::vector<uint32_t>> HnswGraph::Search(const float* query, size_t n) const {
  QueryRef ref;
  ref.vec = query;
  std::vector<uint32_t> out;
  try {
    auto pq = impl_->hnsw->searchKnn(&ref, n);
    out.reserve(pq.size());
    for (; !pq.empty(); pq.pop()) out.push_back(static_cast<uint32_t>(pq.top().second));
  } catch (const std::exception& e) {
    return FromException("search", e);
  }
  return out;
}

Status HnswGraph::Save(const std::string& path) const {
  try {
    impl_->hnsw->saveIndex(path);
  } catch (const std::exception& e) {
    return FromException("save", e);
  }
  return Status::Ok();
}

size_t HnswGraph::elements() const { return impl_->hnsw->cur_element_count; }
size_t HnswGraph::deleted() const { return impl_->hnsw->num_deleted_; }

size_t HnswGraph::MemoryBytes() const {
  const Hnsw& h = *impl_->hnsw;
  size_t bytes = h.max_elements_ * (h.size_data_per_element_ + sizeof(std::mutex) + sizeof(int) +
                                    sizeof(char*) + sizeof(uint16_t));  // + one visited list
  bytes += Hnsw::max_update_element_locks * sizeof(std::mutex);
  for (size_t i = 0; i < h.cur_element_count; ++i) {
    if (h.element_levels_[i] > 0) bytes += h.size_links_per_element_ * h.element_levels_[i];
  }
  // unordered_map: a node (next pointer, key, value, cached hash) per entry plus the buckets.
  bytes += h.label_lookup_.size() * 32 + h.label_lookup_.bucket_count() * sizeof(void*);
  return bytes;
}

}  // namespace memex
