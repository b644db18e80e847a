// SemanticIndex: the service's view of the stored vectors of one model, as in-memory vector
// indexes (vector/vector_index.h), one per scope, caught up from the EmbeddingStore.
//
// The store is the source of truth. CatchUp reads the vectors written since the last call (by
// this process or another: the store's seq orders them) and adds them; a change of the model's
// epoch (its vectors were dropped) starts over. Removals need no notification: every search
// result is checked against the store with the caller's filter (FilterDocs), so a superseded,
// forgotten or filtered-out memory never takes a result slot; the search widens until it has
// k allowed memories or has seen the whole partition.
//
// A memory with several chunks has several vectors (keys doc * 64 + chunk); a search returns
// each memory once, with the best of its chunks' similarities.
//
// Persistence (optional, `persist_dir`): building an HNSW graph is the slow part of starting
// (about 45 s for 100k vectors on 2 cores), so Persist saves every partition with its graph
// and a manifest (model, epoch, newest seq, scopes) under <persist_dir>/<model>/; the first
// CatchUp of a new process loads them and reads only the vectors stored since. Files that do
// not match each other, the model or the store's epoch are ignored (the index is rebuilt from
// the store, which stays the source of truth). A database restored from an older backup may
// not match saved files of the same epoch: run `memex reindex --force` after restoring one.
//
// Thread-safety: safe for concurrent use. Searches run concurrently; CatchUp holds an exclusive
// lock only while it adds the vectors it has read.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "core/scope.h"
#include "core/search.h"
#include "store/embedding_store.h"
#include "vector/vector_index.h"

namespace memex {

struct SemanticHit {
  DocId doc = 0;
  float similarity = 0;    // cosine of the best chunk
  int64_t updated_ms = 0;  // when the version was written
};

struct SemanticStats {
  std::string model;
  int dim = 0;
  int64_t vectors = 0;  // held in memory
  int64_t scopes = 0;
  int64_t last_seq = 0;
  int64_t hnsw_scopes = 0;
  size_t memory_bytes = 0;
  int64_t loaded = 0;  // vectors this process loaded from Persist's files (not rebuilt)
};

class SemanticIndex {
 public:
  // Chunks per memory the key encoding allows (keys are doc * kMaxChunks + chunk).
  static constexpr int kMaxChunks = 64;

  // Borrows `store`, which must outlive this object. `persist_dir` "" = no persistence.
  SemanticIndex(EmbeddingStore& store, std::string model, const VectorConfig& config,
                std::string persist_dir = "");
  ~SemanticIndex();
  SemanticIndex(const SemanticIndex&) = delete;
  SemanticIndex& operator=(const SemanticIndex&) = delete;

  const std::string& model() const { return model_; }

  // Adds the vectors stored since the last call. Cheap when there are none (one indexed query).
  // Errors: the store's (the index keeps what it had).
  Status CatchUp();

  // The k memories most similar to `query` (`dim` floats, normalised) that a search with
  // `filter` may return, best first. An empty answer when nothing is indexed in those scopes or
  // the query's dimension is not the model's.
  Result<std::vector<SemanticHit>> Search(const std::vector<float>& query,
                                          const SearchFilter& filter, int k);

  // The vector of `doc`'s first chunk, from the partitions `filter`'s scopes cover (the
  // filter's other fields are not applied); nullopt when it is not indexed there (not embedded
  // yet, or the index has not caught up).
  std::optional<std::vector<float>> VectorOf(DocId doc, const SearchFilter& filter);
  // The memories with a vector in the partitions `filter`'s scopes cover, newest rows (largest
  // DocId) first, at most `max`. Not checked against the store: superseded or forgotten
  // versions may be among them.
  std::vector<DocId> IndexedDocs(const SearchFilter& filter, size_t max);
  // The similarity of `query` with each of `docs` that has a vector in the partitions
  // `filter`'s scopes cover (its best chunk), for candidates other channels found: every
  // candidate gets a vector score, not only Search's k nearest. Docs without one are left out;
  // the filter's other fields are not applied (the caller's candidates passed them).
  std::vector<SemanticHit> Similarities(const std::vector<float>& query,
                                        const std::vector<DocId>& docs, const SearchFilter& filter);

  // When Persist saves: kWorthIt (the embedding worker, after a pass) when a graph exists (more
  // vectors than vector.hnsw_threshold in all) and a tenth of them (at least 1,000) arrived
  // since the last save; kChanged (a server stopping) when a graph exists and anything arrived;
  // kAlways whenever there is anything.
  enum class SaveWhen { kWorthIt, kChanged, kAlways };
  // Saves the partitions and the manifest. Searches go on meanwhile; CatchUp waits. No-op
  // without a persist_dir. Errors: kUnavailable (I/O); the files then stay as they were.
  Status Persist(SaveWhen when = SaveWhen::kWorthIt);

  SemanticStats stats() const;
  // The newest stored vector this index holds (what a cached answer depends on).
  int64_t last_seq() const;

 private:
  struct Partition;
  // The partitions a filter's scopes cover (all of them for all_scopes).
  std::vector<Partition*> PartitionsFor(const SearchFilter& filter);
  // Loads what Persist saved into the empty index; false (and an empty index) when there is
  // nothing usable: damaged or mismatched files, another model or epoch, or files holding a
  // vector newer than any in the store (a database restored from an older backup). Called with
  // catch_up_mu_ held.
  bool LoadSaved();
  std::string ModelDir() const;

  EmbeddingStore& store_;
  const std::string model_;
  const VectorConfig config_;
  std::mutex catch_up_mu_;  // one CatchUp at a time (it reads, then adds under mu_)
  mutable std::shared_mutex mu_;
  int dim_ = 0;                                             // guarded by mu_
  int64_t epoch_ = -1;                                      // guarded by mu_
  int64_t last_seq_ = 0;                                    // guarded by mu_
  std::map<Scope, std::unique_ptr<Partition>> partitions_;  // guarded by mu_
  const std::string persist_dir_;
  bool tried_load_ = false;       // guarded by catch_up_mu_
  int64_t added_since_save_ = 0;  // guarded by catch_up_mu_
  int64_t loaded_ = 0;            // guarded by mu_
};

}  // namespace memex
