#include "vector/vector_index.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "vector/file_io.h"
#include "vector/hnsw_graph.h"
#include "vector/quantize.h"
#include "vector/simd.h"
#include "vector/top_k.h"

namespace memex {
namespace {

using Allow = std::function<bool(int64_t)>;

constexpr int64_t kNoKey = INT64_MIN;  // the key of a removed slot the graph still holds

// Save file layout (host byte order, little-endian on every supported target):
//   FileHeader | stamp (stamp_len bytes) | keys (slots x int64) | floats (slots x dim x f32)
//   | hnswlib graph (graph_bytes)
// `checksum` covers every byte of the file, the header with this field zeroed included.
constexpr char kMagic[8] = {'M', 'X', 'V', 'E', 'C', 'I', 'D', 'X'};
constexpr uint32_t kFormatVersion = 1;
constexpr uint32_t kFlagGraph = 1;
struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t dim;
  uint64_t slots;
  uint64_t live;
  uint32_t flags;
  uint32_t stamp_len;
  uint64_t graph_bytes;
  uint64_t checksum;
};
static_assert(sizeof(FileHeader) == 56);

// Candidates rescored in float after an int8 scan: enough that quantisation error (about 1e-3 on
// a cosine at dim 512) almost never pushes a true top-k vector out.
int RescoreCount(int k) { return std::max(4 * k, 40); }

// Cost model for a filtered search (measured at 100k x 512, release build): the graph costs
// about kGraphNsPerCandidate per entry of its candidate list (random memory access dominates),
// an exact scan with the filter first about kScanNsPerVector per vector (a filter call) plus
// kScanNsPerAllowed per allowed vector (a dot product and the heap).
constexpr double kGraphNsPerCandidate = 3500;
constexpr double kScanNsPerVector = 10;
constexpr double kScanNsPerAllowed = 60;

double ExactScanNs(int64_t live, double allowed) {
  return static_cast<double>(live) * kScanNsPerVector + allowed * kScanNsPerAllowed;
}

int BuildThreads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace

// The vectors and their keys. Slots are dense while there is no graph (a removal moves the last
// slot into the hole); with a graph a removed slot keeps its floats (the graph walks through it)
// and gets key kNoKey until a new key takes it over (the graph then re-links it), so a store that
// forgets as much as it learns does not grow the index.
struct VectorState {
  VectorState(int d, bool q) : dim(d), int8(q) {}
  const int dim;
  const bool int8;
  std::vector<int64_t> keys;
  std::vector<float> floats;                      // slot-major, dim per slot
  std::vector<int8_t> codes;                      // int8 only: dim per slot
  std::vector<float> scales;                      // int8 only: one per slot
  std::unordered_map<int64_t, uint32_t> slot_of;  // live keys only
  std::vector<uint32_t> free_slots;               // with a graph: the slots of removed keys
  std::unique_ptr<HnswGraph> graph;               // reads `floats`

  int64_t live() const { return static_cast<int64_t>(slot_of.size()); }
  size_t slots() const { return keys.size(); }
  const float* vec(size_t slot) const { return floats.data() + slot * static_cast<size_t>(dim); }

  // Stores `key`'s vector in its slot (a new one when the key is new) and returns the slot.
  uint32_t Put(int64_t key, const float* v) {
    uint32_t slot;
    auto it = slot_of.find(key);
    if (it != slot_of.end()) {
      slot = it->second;
      std::copy(v, v + dim, floats.begin() + static_cast<ptrdiff_t>(slot) * dim);
    } else if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
      keys[slot] = key;
      std::copy(v, v + dim, floats.begin() + static_cast<ptrdiff_t>(slot) * dim);
      slot_of.emplace(key, slot);
    } else {
      slot = static_cast<uint32_t>(keys.size());
      keys.push_back(key);
      floats.insert(floats.end(), v, v + dim);
      if (int8) {
        codes.resize(codes.size() + static_cast<size_t>(dim));
        scales.push_back(0);
      }
      slot_of.emplace(key, slot);
    }
    if (int8) scales[slot] = QuantizeInt8(v, dim, codes.data() + size_t{slot} * dim);
    return slot;
  }

  void MoveSlot(size_t from, size_t to) {
    keys[to] = keys[from];
    std::copy_n(floats.begin() + static_cast<ptrdiff_t>(from * dim), dim,
                floats.begin() + static_cast<ptrdiff_t>(to * dim));
    if (int8) {
      std::copy_n(codes.begin() + static_cast<ptrdiff_t>(from * dim), dim,
                  codes.begin() + static_cast<ptrdiff_t>(to * dim));
      scales[to] = scales[from];
    }
    if (keys[to] != kNoKey) slot_of[keys[to]] = static_cast<uint32_t>(to);
  }

  void Truncate(size_t n) {
    keys.resize(n);
    floats.resize(n * dim);
    if (int8) {
      codes.resize(n * dim);
      scales.resize(n);
    }
  }

  // Drops the slots of removed keys; only without a graph, which addresses slots by number.
  void Compact() {
    size_t out = 0;
    for (size_t s = 0; s < keys.size(); ++s) {
      if (keys[s] == kNoKey) continue;
      if (s != out) MoveSlot(s, out);
      ++out;
    }
    Truncate(out);
    free_slots.clear();
  }

  void Erase(int64_t key) {
    auto it = slot_of.find(key);
    if (it == slot_of.end()) return;
    const uint32_t slot = it->second;
    slot_of.erase(it);
    if (graph) {
      keys[slot] = kNoKey;
      free_slots.push_back(slot);
      if (!graph->MarkDeleted(slot).ok()) DropGraph();
      return;
    }
    const size_t last = keys.size() - 1;
    if (slot != last) MoveSlot(last, slot);
    Truncate(last);
  }

  void DropGraph() {
    graph.reset();
    Compact();
  }

  Status BuildGraph(const VectorConfig& config) {
    HnswGraph::Params params{config.hnsw_m, config.hnsw_ef_construction};
    ASSIGN_OR_RETURN(graph, HnswGraph::Create(dim, &floats, params, slots() + slots() / 8 + 64));
    std::vector<uint32_t> all(slots());
    for (size_t s = 0; s < all.size(); ++s) all[s] = static_cast<uint32_t>(s);
    Status st = graph->Add(all, BuildThreads());
    if (!st.ok()) DropGraph();
    return st;
  }

  size_t MemoryBytes() const {
    size_t bytes = keys.capacity() * sizeof(int64_t) + floats.capacity() * sizeof(float) +
                   codes.capacity() + scales.capacity() * sizeof(float);
    bytes += slot_of.size() * 32 + slot_of.bucket_count() * sizeof(void*);
    if (graph) bytes += graph->MemoryBytes();
    return bytes;
  }
};

namespace {

// Exact top k over the live slots. `allow` may be null. With `prefilter` the filter runs before
// the dot product (a selective filter then skips most of them); otherwise only for a vector that
// would enter the top k.
std::vector<VectorHit> ExactScan(const VectorState& s, const float* q, int k, const Allow* allow,
                                 bool prefilter) {
  const simd::Kernels& kern = simd::Best();
  const size_t n = s.slots();
  const int dim = s.dim;
  TopK top(k);
  if (!s.int8) {
    for (size_t slot = 0; slot < n; ++slot) {
      const int64_t key = s.keys[slot];
      if (key == kNoKey) continue;
      if (prefilter && !(*allow)(key)) continue;
      const float score = kern.dot_f32(q, s.vec(slot), dim);
      if (!top.Accepts(key, score)) continue;
      if (allow && !prefilter && !(*allow)(key)) continue;
      top.Push(key, score);
    }
    return top.Take();
  }
  // int8: approximate scores on the codes (the slot as the tie-break), then float rescoring.
  std::vector<int8_t> qcodes(static_cast<size_t>(dim));
  const float qscale = QuantizeInt8(q, dim, qcodes.data());
  TopK approx(RescoreCount(k));
  for (size_t slot = 0; slot < n; ++slot) {
    const int64_t key = s.keys[slot];
    if (key == kNoKey) continue;
    if (prefilter && !(*allow)(key)) continue;
    const float score =
        static_cast<float>(kern.dot_i8(qcodes.data(), s.codes.data() + slot * dim, dim)) *
        (qscale * s.scales[slot]);
    const auto slot_key = static_cast<int64_t>(slot);
    if (!approx.Accepts(slot_key, score)) continue;
    if (allow && !prefilter && !(*allow)(key)) continue;
    approx.Push(slot_key, score);
  }
  for (const VectorHit& h : approx.Take()) {
    const auto slot = static_cast<size_t>(h.key);
    top.Push(s.keys[slot], kern.dot_f32(q, s.vec(slot), dim));
  }
  return top.Take();
}

// Top k through the graph. Unfiltered, one search with a candidate list of max(ef_search, k),
// every entry of which is rescored (a few microseconds: the list is what the graph found anyway).
// Filtered, the list is sized from the filter's selectivity (known from allowed_count, or
// estimated from the allowed share of the last round's candidates) and widened until k allowed
// keys are among the candidates or the graph has no more; whenever the list would cost more
// than an exact scan with the filter first, the scan answers instead.
std::vector<VectorHit> GraphSearch(const VectorState& s, const float* q, int k, const Allow* allow,
                                   int64_t allowed_count, int ef_search) {
  const simd::Kernels& kern = simd::Best();
  const int64_t live = s.live();
  int64_t list = std::max<int64_t>(k, ef_search);
  if (allow && allowed_count > 0) {
    const int64_t needed = k * live / allowed_count + k / 4 + 1;
    list = std::max(list, needed);
    if (kGraphNsPerCandidate * static_cast<double>(list) >
        ExactScanNs(live, static_cast<double>(allowed_count))) {
      return ExactScan(s, q, k, allow, /*prefilter=*/true);
    }
  }
  for (;;) {
    Result<std::vector<uint32_t>> cand = s.graph->Search(q, static_cast<size_t>(list));
    if (!cand.ok()) return ExactScan(s, q, k, allow, allow != nullptr);
    TopK top(k);
    int64_t allowed_seen = 0;
    for (uint32_t slot : *cand) {
      const int64_t key = s.keys[slot];
      if (key == kNoKey) continue;
      const float score = kern.dot_f32(q, s.vec(slot), s.dim);
      if (allow && !(*allow)(key)) continue;
      ++allowed_seen;
      top.Push(key, score);
    }
    if (top.size() >= k || static_cast<int64_t>(cand->size()) < list) return top.Take();
    // Too few allowed keys among the candidates: estimate the selectivity and size the next list.
    const double share = static_cast<double>(std::max<int64_t>(allowed_seen, 1)) /
                         static_cast<double>(std::max<size_t>(cand->size(), 1));
    const auto needed = static_cast<int64_t>(1.25 * k / share) + 1;
    list = std::max(needed, 2 * list);
    if (kGraphNsPerCandidate * static_cast<double>(list) >
        ExactScanNs(live, share * static_cast<double>(live))) {
      return ExactScan(s, q, k, allow, /*prefilter=*/true);
    }
  }
}

}  // namespace

struct VectorIndex::Impl {
  Impl(int d, const VectorConfig& c)
      : dim(d), config(c), state(std::make_unique<VectorState>(d, c.quantize == "int8")) {}

  const int dim;
  const VectorConfig config;
  // glibc's shared_mutex prefers readers: a steady stream of searches would starve Add forever.
  // A writer holds `gate` while it waits for `mu`, which holds back new readers meanwhile.
  mutable std::mutex gate;
  mutable std::shared_mutex mu;
  std::unique_ptr<VectorState> state;  // guarded by mu (the pointer and the state)
  mutable std::mutex save_mu;          // serialises Save (one temporary file per path)

  std::shared_lock<std::shared_mutex> ReadLock() const {
    std::lock_guard g(gate);
    return std::shared_lock(mu);
  }
  std::unique_lock<std::shared_mutex> WriteLock() {
    std::lock_guard g(gate);
    return std::unique_lock(mu);
  }

  // Called with mu held exclusively after vectors were put: extends or builds the graph.
  Status Index(const std::vector<uint32_t>& slots) {
    VectorState& s = *state;
    if (s.graph) {
      Status st = s.graph->Add(slots, BuildThreads());
      if (!st.ok()) s.DropGraph();
      return st;
    }
    if (s.live() > config.hnsw_threshold) return s.BuildGraph(config);
    return Status::Ok();
  }
};

VectorIndex::VectorIndex(int dim, const VectorConfig& config)
    : impl_(std::make_unique<Impl>(dim, config)) {}
VectorIndex::~VectorIndex() = default;

int VectorIndex::dim() const { return impl_->dim; }

int64_t VectorIndex::size() const {
  auto lock = impl_->ReadLock();
  return impl_->state->live();
}

bool VectorIndex::uses_hnsw() const {
  auto lock = impl_->ReadLock();
  return impl_->state->graph != nullptr;
}

VectorIndexStats VectorIndex::stats() const {
  auto lock = impl_->ReadLock();
  const VectorState& s = *impl_->state;
  VectorIndexStats st;
  st.size = s.live();
  st.slots = static_cast<int64_t>(s.slots());
  st.deleted = st.slots - st.size;
  st.hnsw = s.graph != nullptr;
  st.memory_bytes = s.MemoryBytes();
  return st;
}

Status VectorIndex::Add(int64_t key, const float* vec) {
  auto lock = impl_->WriteLock();
  const uint32_t slot = impl_->state->Put(key, vec);
  return impl_->Index({slot});
}

Status VectorIndex::AddBatch(const int64_t* keys, const float* vecs, size_t n) {
  auto lock = impl_->WriteLock();
  VectorState& s = *impl_->state;
  const size_t dim = static_cast<size_t>(impl_->dim);
  s.keys.reserve(s.keys.size() + n);
  s.floats.reserve(s.floats.size() + n * dim);
  if (s.int8) {
    s.codes.reserve(s.codes.size() + n * dim);
    s.scales.reserve(s.scales.size() + n);
  }
  std::vector<uint32_t> slots;
  slots.reserve(n);
  for (size_t i = 0; i < n; ++i) slots.push_back(s.Put(keys[i], vecs + i * dim));
  // A key given twice maps to one slot; the graph takes each slot once.
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return impl_->Index(slots);
}

void VectorIndex::Remove(int64_t key) {
  auto lock = impl_->WriteLock();
  impl_->state->Erase(key);
}

bool VectorIndex::Contains(int64_t key) const {
  auto lock = impl_->ReadLock();
  return impl_->state->slot_of.count(key) > 0;
}

std::optional<std::vector<float>> VectorIndex::Vector(int64_t key) const {
  auto lock = impl_->ReadLock();
  const VectorState& s = *impl_->state;
  auto it = s.slot_of.find(key);
  if (it == s.slot_of.end()) return std::nullopt;
  const float* v = s.vec(it->second);
  return std::vector<float>(v, v + s.dim);
}

std::vector<float> VectorIndex::Similarities(const float* query,
                                             const std::vector<int64_t>& keys) const {
  auto lock = impl_->ReadLock();
  const VectorState& s = *impl_->state;
  std::vector<float> out;
  out.reserve(keys.size());
  for (int64_t key : keys) {
    auto it = s.slot_of.find(key);
    out.push_back(it == s.slot_of.end() ? std::numeric_limits<float>::quiet_NaN()
                                        : simd::DotF32(query, s.vec(it->second), s.dim));
  }
  return out;
}

std::vector<int64_t> VectorIndex::Keys() const {
  auto lock = impl_->ReadLock();
  std::vector<int64_t> keys;
  keys.reserve(impl_->state->slot_of.size());
  for (const auto& [key, slot] : impl_->state->slot_of) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<VectorHit> VectorIndex::Search(const float* query,
                                           const VectorSearchOptions& opts) const {
  auto lock = impl_->ReadLock();
  const VectorState& s = *impl_->state;
  const int k = static_cast<int>(std::min<int64_t>(opts.k, s.live()));
  if (k <= 0) return {};
  if (!s.graph) {
    // Filter first when the allowed set is known to be a small part of the index.
    const bool prefilter =
        opts.allow != nullptr && opts.allowed_count > 0 && opts.allowed_count * 8 < s.live();
    return ExactScan(s, query, k, opts.allow, prefilter);
  }
  const int ef = opts.ef_search > 0 ? opts.ef_search : impl_->config.hnsw_ef_search;
  return GraphSearch(s, query, k, opts.allow, opts.allowed_count, ef);
}

Status VectorIndex::Save(const std::string& path, const std::string& stamp) const {
  std::lock_guard save_lock(impl_->save_mu);
  auto lock = impl_->ReadLock();
  const VectorState& s = *impl_->state;
  const std::string graph_tmp = path + ".graph.tmp";
  struct RemoveOnExit {
    const std::string& p;
    ~RemoveOnExit() { std::remove(p.c_str()); }
  } cleanup{graph_tmp};

  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kFormatVersion;
  h.dim = static_cast<uint32_t>(s.dim);
  h.slots = s.slots();
  h.live = static_cast<uint64_t>(s.live());
  h.stamp_len = static_cast<uint32_t>(stamp.size());
  if (s.graph) {
    RETURN_IF_ERROR(s.graph->Save(graph_tmp));
    ASSIGN_OR_RETURN(FileReader graph_file, FileReader::Open(graph_tmp));
    h.flags |= kFlagGraph;
    h.graph_bytes = graph_file.size();
  }
  ASSIGN_OR_RETURN(AtomicFileWriter out, AtomicFileWriter::Open(path));
  RETURN_IF_ERROR(out.Write(&h, sizeof h));
  RETURN_IF_ERROR(out.Write(stamp.data(), stamp.size()));
  RETURN_IF_ERROR(out.Write(s.keys.data(), s.keys.size() * sizeof(int64_t)));
  RETURN_IF_ERROR(out.Write(s.floats.data(), s.floats.size() * sizeof(float)));
  if (s.graph) RETURN_IF_ERROR(out.CopyFrom(graph_tmp));
  const uint64_t sum = out.checksum().Finish();
  RETURN_IF_ERROR(out.WriteAt(offsetof(FileHeader, checksum), &sum, sizeof sum));
  return out.Commit();
}

Result<std::string> VectorIndex::Load(const std::string& path) {
  ASSIGN_OR_RETURN(FileReader in, FileReader::Open(path));
  FileHeader h{};
  if (in.size() < sizeof h) return DataLoss("vector index file " + path + " is truncated");
  RETURN_IF_ERROR(in.Read(&h, sizeof h));
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) {
    return DataLoss(path + " is not a vector index file");
  }
  if (h.version != kFormatVersion) {
    return FailedPrecondition("vector index file " + path + " has format version " +
                              std::to_string(h.version) + ", expected " +
                              std::to_string(kFormatVersion));
  }
  if (h.dim != static_cast<uint32_t>(impl_->dim)) {
    return FailedPrecondition("vector index file " + path + " has dimension " +
                              std::to_string(h.dim) + ", expected " + std::to_string(impl_->dim));
  }
  // Sizes from the header must add up to the file's size exactly (and not overflow on the way).
  const uint64_t dim = h.dim;
  if (h.slots >= (uint64_t{1} << 32) || h.live > h.slots || h.graph_bytes > in.size() ||
      sizeof h + h.stamp_len + h.slots * (8 + 4 * dim) + h.graph_bytes != in.size()) {
    return DataLoss("vector index file " + path + " is truncated or damaged");
  }
  Checksum sum;
  FileHeader zeroed = h;
  zeroed.checksum = 0;
  sum.Update(&zeroed, sizeof zeroed);
  std::string stamp(h.stamp_len, '\0');
  RETURN_IF_ERROR(in.Read(stamp.data(), stamp.size()));
  sum.Update(stamp.data(), stamp.size());

  auto state = std::make_unique<VectorState>(impl_->dim, impl_->config.quantize == "int8");
  VectorState& s = *state;
  s.keys.resize(h.slots);
  s.floats.resize(h.slots * dim);
  RETURN_IF_ERROR(in.Read(s.keys.data(), s.keys.size() * sizeof(int64_t)));
  sum.Update(s.keys.data(), s.keys.size() * sizeof(int64_t));
  RETURN_IF_ERROR(in.Read(s.floats.data(), s.floats.size() * sizeof(float)));
  sum.Update(s.floats.data(), s.floats.size() * sizeof(float));
  const std::string graph_tmp = path + ".graph.load.tmp";
  struct RemoveOnExit {
    const std::string& p;
    ~RemoveOnExit() { std::remove(p.c_str()); }
  } cleanup{graph_tmp};
  if (h.flags & kFlagGraph) RETURN_IF_ERROR(in.CopyTo(graph_tmp, h.graph_bytes, &sum));
  if (sum.Finish() != h.checksum) {
    return DataLoss("vector index file " + path + " is damaged (checksum mismatch)");
  }

  s.slot_of.reserve(h.live);
  for (size_t slot = 0; slot < s.keys.size(); ++slot) {
    if (s.keys[slot] == kNoKey) continue;
    if (!s.slot_of.emplace(s.keys[slot], static_cast<uint32_t>(slot)).second) {
      return DataLoss("vector index file " + path + " holds a key twice");
    }
  }
  if (s.slot_of.size() != h.live) return DataLoss("vector index file " + path + " is damaged");
  if (s.int8) {
    s.codes.resize(s.floats.size());
    s.scales.resize(s.keys.size());
    for (size_t slot = 0; slot < s.keys.size(); ++slot) {
      s.scales[slot] = QuantizeInt8(s.vec(slot), s.dim, s.codes.data() + slot * dim);
    }
  }
  if (h.flags & kFlagGraph) {
    ASSIGN_OR_RETURN(s.graph, HnswGraph::Load(graph_tmp, s.dim, &s.floats));
    if (s.graph->elements() != s.slots() || s.graph->deleted() != s.slots() - h.live) {
      return DataLoss("vector index file " + path + ": graph does not match the vectors");
    }
    for (size_t slot = 0; slot < s.keys.size(); ++slot) {
      if (s.keys[slot] == kNoKey) s.free_slots.push_back(static_cast<uint32_t>(slot));
    }
  } else {
    s.Compact();
    // Best effort: without a graph the index still answers, by exact scans.
    if (s.live() > impl_->config.hnsw_threshold) (void)s.BuildGraph(impl_->config);
  }

  auto lock = impl_->WriteLock();
  impl_->state = std::move(state);
  return stamp;
}

}  // namespace memex
