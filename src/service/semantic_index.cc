#include "service/semantic_index.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "vector/file_io.h"

namespace memex {

struct SemanticIndex::Partition {
  Partition(int dim, const VectorConfig& config) : index(dim, config) {}
  VectorIndex index;
};

namespace {

// Vectors read from the store per round trip while catching up (about 2 MB at dim 512).
constexpr int kReadPage = 1024;

DocId DocOf(int64_t key) { return key / SemanticIndex::kMaxChunks; }

constexpr std::string_view kManifestHeader = "memex-vectors 1";
constexpr int64_t kMinSaveEvery = 1000;

// "openai:text-embedding-3-small@256" -> "openai_text-embedding-3-small_256".
std::string FileSafe(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

std::string Stamp(int64_t epoch, int64_t seq) {
  return std::to_string(epoch) + ":" + std::to_string(seq);
}

}  // namespace

SemanticIndex::SemanticIndex(EmbeddingStore& store, std::string model, const VectorConfig& config,
                             std::string persist_dir)
    : store_(store),
      model_(std::move(model)),
      config_(config),
      persist_dir_(std::move(persist_dir)) {}

std::string SemanticIndex::ModelDir() const { return persist_dir_ + "/" + FileSafe(model_); }

bool SemanticIndex::LoadSaved() {
  std::ifstream in(ModelDir() + "/manifest");
  if (!in) return false;
  std::string line;
  std::getline(in, line);
  if (line != kManifestHeader) return false;
  std::string model;
  int64_t epoch = -1, seq = -1, dim = 0;
  std::map<Scope, std::unique_ptr<Partition>> parts;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "model") {
      words >> model;
    } else if (key == "epoch") {
      words >> epoch;
    } else if (key == "seq") {
      words >> seq;
    } else if (key == "dim") {
      words >> dim;
    } else if (key == "scope") {
      std::string file, workspace, project;
      words >> file >> workspace >> project;
      if (model != model_ || epoch < 0 || seq < 0 || dim <= 0 || file.empty() ||
          file.find('/') != std::string::npos) {
        return false;
      }
      auto p = std::make_unique<Partition>(static_cast<int>(dim), config_);
      Result<std::string> stamp = p->index.Load(ModelDir() + "/" + file);
      if (!stamp.ok() || *stamp != Stamp(epoch, seq)) return false;
      parts[Scope{workspace, project}] = std::move(p);
    }
  }
  if (model != model_ || epoch < 0 || seq < 0 || dim <= 0 || parts.empty()) return false;
  // Files ahead of the store (the database restored from an older backup: same epoch, but the
  // newest vector they hold is not there) are not used: the store is the source of truth. A
  // vector replaced since the save has a newer seq, which passes.
  Result<VectorPage> newest = store_.ReadEmbeddings(model_, std::max<int64_t>(seq - 1, 0), 1);
  if (!newest.ok() || newest->epoch != epoch || newest->vectors.empty()) return false;
  std::unique_lock<std::shared_mutex> lock(mu_);
  partitions_ = std::move(parts);
  dim_ = static_cast<int>(dim);
  epoch_ = epoch;
  last_seq_ = seq;
  added_since_save_ = 0;
  loaded_ = 0;
  for (const auto& [scope, p] : partitions_) loaded_ += p->index.size();
  return true;
}

Status SemanticIndex::Persist(SaveWhen when) {
  if (persist_dir_.empty()) return Status::Ok();
  std::lock_guard<std::mutex> one(catch_up_mu_);  // nothing is added while the files are written
  std::shared_lock<std::shared_mutex> lock(mu_);
  int64_t total = 0;
  for (const auto& [scope, p] : partitions_) total += p->index.size();
  if (total == 0 || dim_ == 0) return Status::Ok();
  const bool graph = total > config_.hnsw_threshold;
  const bool save = when == SaveWhen::kAlways ||
                    (when == SaveWhen::kChanged && graph && added_since_save_ > 0) ||
                    (when == SaveWhen::kWorthIt && graph &&
                     added_since_save_ >= std::max(kMinSaveEvery, total / 10));
  if (!save) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(ModelDir(), ec);
  if (ec) return Unavailable("cannot create " + ModelDir() + ": " + ec.message());
  // One saver at a time across processes (a server and a one-shot command share the files):
  // when another process is saving, this one leaves it to them.
  ASSIGN_OR_RETURN(std::optional<FileLock> lock_file, FileLock::TryLock(ModelDir() + "/lock"));
  if (!lock_file) return Status::Ok();
  // Partition files first, the manifest last: a crash in between leaves an old manifest whose
  // stamps the new files do not match, so the next start rebuilds instead of mixing them.
  std::string manifest = std::string(kManifestHeader) + "\nmodel " + model_ + "\nepoch " +
                         std::to_string(epoch_) + "\nseq " + std::to_string(last_seq_) + "\ndim " +
                         std::to_string(dim_) + "\n";
  int i = 0;
  for (const auto& [scope, p] : partitions_) {
    const std::string file = "p" + std::to_string(i++) + ".vidx";
    RETURN_IF_ERROR(p->index.Save(ModelDir() + "/" + file, Stamp(epoch_, last_seq_)));
    manifest += "scope " + file + " " + scope.workspace + " " + scope.project + "\n";
  }
  ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::Open(ModelDir() + "/manifest"));
  RETURN_IF_ERROR(w.Write(manifest.data(), manifest.size()));
  RETURN_IF_ERROR(w.Commit());
  added_since_save_ = 0;
  return Status::Ok();
}

SemanticIndex::~SemanticIndex() = default;

Status SemanticIndex::CatchUp() {
  std::lock_guard<std::mutex> one(catch_up_mu_);
  if (!tried_load_) {
    tried_load_ = true;
    if (!persist_dir_.empty()) LoadSaved();
  }
  int64_t after = 0;
  int64_t epoch = 0;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    after = last_seq_;
    epoch = epoch_;
  }
  for (;;) {
    ASSIGN_OR_RETURN(VectorPage page, store_.ReadEmbeddings(model_, after, kReadPage));
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (page.epoch != epoch) {
      // First read, or the model's vectors were dropped: start over from the beginning.
      partitions_.clear();
      dim_ = 0;
      last_seq_ = 0;
      added_since_save_ = 0;
      epoch_ = page.epoch;
      epoch = page.epoch;
      if (after != 0) {
        after = 0;
        continue;
      }
    }
    if (page.vectors.empty()) return Status::Ok();
    // Group by scope so each partition gets one batch (a graph is built on all cores at once).
    std::map<Scope, std::pair<std::vector<int64_t>, std::vector<float>>> batches;
    for (const StoredVector& v : page.vectors) {
      if (dim_ == 0) dim_ = static_cast<int>(v.vec.size());
      if (static_cast<int>(v.vec.size()) != dim_ || v.chunk < 0 || v.chunk >= kMaxChunks) continue;
      auto& [keys, floats] = batches[v.scope];
      keys.push_back(v.doc * kMaxChunks + v.chunk);
      floats.insert(floats.end(), v.vec.begin(), v.vec.end());
    }
    for (auto& [scope, batch] : batches) {
      std::unique_ptr<Partition>& p = partitions_[scope];
      if (p == nullptr) p = std::make_unique<Partition>(dim_, config_);
      // A graph that could not take a vector leaves the index on exact scans: still correct.
      (void)p->index.AddBatch(batch.first.data(), batch.second.data(), batch.first.size());
      added_since_save_ += static_cast<int64_t>(batch.first.size());
    }
    last_seq_ = page.last_seq;
    after = page.last_seq;
    if (static_cast<int>(page.vectors.size()) < kReadPage) return Status::Ok();
  }
}

std::vector<SemanticIndex::Partition*> SemanticIndex::PartitionsFor(const SearchFilter& filter) {
  std::vector<Partition*> out;
  if (filter.all_scopes) {
    for (auto& [scope, p] : partitions_) out.push_back(p.get());
    return out;
  }
  for (const Scope& s : filter.scopes) {
    if (auto it = partitions_.find(s); it != partitions_.end()) out.push_back(it->second.get());
  }
  return out;
}

Result<std::vector<SemanticHit>> SemanticIndex::Search(const std::vector<float>& query,
                                                       const SearchFilter& filter, int k) {
  std::vector<SemanticHit> out;
  if (k <= 0) return out;
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (dim_ == 0) return out;  // no vectors yet
  if (static_cast<int>(query.size()) != dim_) {
    return FailedPrecondition("query vector has " + std::to_string(query.size()) +
                              " dimensions, the index " + std::to_string(dim_));
  }
  std::vector<Partition*> parts = PartitionsFor(filter);
  if (parts.empty()) return out;
  int64_t total = 0;
  for (Partition* p : parts) total += p->index.size();

  // Ask for more than k, check the memories against the store, and widen while too many were
  // rejected (superseded or forgotten since, or outside the filter's kinds, tags and dates).
  std::unordered_set<DocId> rejected;
  std::unordered_map<DocId, float> best;
  std::vector<SearchableDoc> accepted;
  int want = std::max(k * 2, k + 16);
  for (int round = 0; round < 8; ++round) {
    std::function<bool(int64_t)> allow = [&rejected](int64_t key) {
      return rejected.count(DocOf(key)) == 0;
    };
    VectorSearchOptions opts;
    opts.k = want;
    opts.allow = rejected.empty() ? nullptr : &allow;
    best.clear();
    for (Partition* p : parts) {
      for (const VectorHit& h : p->index.Search(query.data(), opts)) {
        auto [it, inserted] = best.emplace(DocOf(h.key), h.score);
        if (!inserted) it->second = std::max(it->second, h.score);
      }
    }
    std::vector<DocId> docs;
    docs.reserve(best.size());
    for (const auto& [doc, score] : best) docs.push_back(doc);
    ASSIGN_OR_RETURN(accepted, store_.FilterDocs(docs, filter));
    std::unordered_set<DocId> ok;
    for (const SearchableDoc& a : accepted) ok.insert(a.doc);
    for (DocId d : docs) {
      if (ok.count(d) == 0) rejected.insert(d);
    }
    const bool exhausted = static_cast<int64_t>(want) >= total;
    if (static_cast<int>(accepted.size()) >= k || exhausted) break;
    want = static_cast<int>(std::min<int64_t>(total, int64_t{want} * 4));
  }
  out.reserve(accepted.size());
  for (const SearchableDoc& a : accepted) out.push_back({a.doc, best[a.doc], a.updated_ms});
  std::sort(out.begin(), out.end(), [](const SemanticHit& a, const SemanticHit& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.doc < b.doc;
  });
  if (static_cast<int>(out.size()) > k) out.resize(static_cast<size_t>(k));
  return out;
}

std::optional<std::vector<float>> SemanticIndex::VectorOf(DocId doc, const SearchFilter& filter) {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (Partition* p : PartitionsFor(filter)) {
    if (auto v = p->index.Vector(doc * kMaxChunks)) return v;
  }
  return std::nullopt;
}

std::vector<DocId> SemanticIndex::IndexedDocs(const SearchFilter& filter, size_t max) {
  std::vector<DocId> docs;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    for (Partition* p : PartitionsFor(filter)) {
      for (int64_t key : p->index.Keys()) {
        if (key % kMaxChunks == 0) docs.push_back(DocOf(key));
      }
    }
  }
  std::sort(docs.begin(), docs.end(), std::greater<>());
  if (docs.size() > max) docs.resize(max);
  return docs;
}

std::vector<SemanticHit> SemanticIndex::Similarities(const std::vector<float>& query,
                                                     const std::vector<DocId>& docs,
                                                     const SearchFilter& filter) {
  std::vector<SemanticHit> out;
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (docs.empty() || static_cast<int>(query.size()) != dim_) return out;
  std::unordered_map<DocId, float> best;
  for (Partition* p : PartitionsFor(filter)) {
    // A doc's chunks have consecutive keys from doc * kMaxChunks: ask for chunk c of the docs
    // that had a chunk c - 1 (most texts have one chunk: usually two rounds).
    std::vector<int64_t> keys;
    keys.reserve(docs.size());
    for (DocId doc : docs) keys.push_back(doc * kMaxChunks);
    for (int64_t c = 0; c < kMaxChunks && !keys.empty(); ++c) {
      std::vector<float> sims = p->index.Similarities(query.data(), keys);
      std::vector<int64_t> next;
      for (size_t i = 0; i < keys.size(); ++i) {
        if (std::isnan(sims[i])) continue;
        auto [it, inserted] = best.emplace(DocOf(keys[i]), sims[i]);
        if (!inserted) it->second = std::max(it->second, sims[i]);
        next.push_back(keys[i] + 1);
      }
      keys = std::move(next);
    }
  }
  out.reserve(best.size());
  for (DocId doc : docs) {
    if (auto it = best.find(doc); it != best.end()) out.push_back({doc, it->second, 0});
  }
  return out;
}

int64_t SemanticIndex::last_seq() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return last_seq_;
}

SemanticStats SemanticIndex::stats() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  SemanticStats s;
  s.model = model_;
  s.dim = dim_;
  s.last_seq = last_seq_;
  s.scopes = static_cast<int64_t>(partitions_.size());
  s.loaded = loaded_;
  for (const auto& [scope, p] : partitions_) {
    VectorIndexStats vs = p->index.stats();
    s.vectors += vs.size;
    s.memory_bytes += vs.memory_bytes;
    if (vs.hnsw) ++s.hnsw_scopes;
  }
  return s;
}

}  // namespace memex
