// MemoryService: the use cases every front-end calls (CLI now; MCP, REST and hooks later).
// It validates and redacts input, enforces limits, scopes every read, orchestrates retrieval,
// and never lets a front-end touch the store directly.
//
// Thread-safety: safe for concurrent use (the store serialises writes; the rest is const).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "core/memory.h"
#include "core/scope.h"
#include "redact/redactor.h"
#include "retrieval/ranking.h"
#include "service/access_recorder.h"
#include "service/consolidation.h"
#include "service/memory_api.h"
#include "service/near_duplicates.h"
#include "store/store.h"

namespace memex {

class Embedder;
class EmbeddingWorker;
class RecallCache;
class SemanticIndex;

// The semantic half of recall (docs/retrieval.md); all borrowed. Without it (or with a null
// member) recall is lexical only.
struct SemanticParts {
  Embedder* embedder = nullptr;       // embeds queries
  SemanticIndex* index = nullptr;     // the stored vectors of embedder->model_id()
  EmbeddingWorker* worker = nullptr;  // embeds new memories (notified after every write)
};

struct RememberRequest {
  NewMemory memory;  // scope must be set; created_ms 0 = now
  // Strong consistency: return only once the memory's vector is stored and searchable (when
  // the embedder fails, the memory is still stored and `embedded` says false).
  bool wait_for_vectors = false;
};

struct RememberResult {
  std::string id;
  int version = 1;
  bool created = true;    // false: an identical memory (or idempotency key) already existed
  int redactions = 0;     // secrets replaced before storing
  bool embedded = false;  // wait_for_vectors was asked and the vector is searchable
  // Live memories of the same scope this new one nearly duplicates (docs/hygiene.md), each
  // linked near_duplicate from it; empty for an existing memory (created == false), for batches
  // and with hygiene.near_duplicates off.
  std::vector<NearDuplicate> near_duplicates;
};

struct RecallRequest {
  std::string query;
  SearchFilter filter;  // scopes to search (the caller's scope unless it asks for more)
  int limit = 0;        // 0 = config default
  int64_t offset = 0;   // pagination
  bool explain = false;
};

struct RecallResponse {
  std::vector<RankedHit> hits;   // already paginated
  int64_t total_candidates = 0;  // before pagination
  QueryPlan plan;                // how the query was understood (terms, identifiers, bounds)
  int64_t elapsed_us = 0;
  bool cached = false;  // served from the recall cache (nothing changed since it was computed)
};

struct UpdateRequest {
  std::string id;
  MemoryPatch patch;
  // As RememberRequest::wait_for_vectors: return once the new version's vector is searchable.
  bool wait_for_vectors = false;
};

struct ListRequest {
  ListQuery query;
};

struct ListResponse {
  std::vector<Memory> memories;
  int64_t total = 0;
};

struct ForgetResult {
  int64_t rows = 0;
  bool hard = false;
};

struct ExportSummary {
  int64_t rows = 0;
};

struct ImportOptions {
  bool dry_run = false;  // validate every line and count, store nothing
};

struct ImportSummary {
  int64_t lines = 0;
  int64_t inserted = 0;
  int64_t skipped = 0;     // already present (same id)
  int64_t redactions = 0;  // secrets scrubbed from imported content
};

struct DoctorCheck {
  std::string name;
  bool ok = true;
  std::string detail;
  StatusCode code = StatusCode::kOk;  // why it failed (kDataLoss for a damaged database)
};

class MemoryService : public MemoryApi {
 public:
  // Borrows everything; all must outlive the service.
  MemoryService(Store& store, const Config& config, const Clock& clock, const Redactor& redactor);
  ~MemoryService() override;

  // Errors: kInvalidArgument (empty content, invalid UTF-8, too large, bad tags) with nothing
  // stored; store errors otherwise.
  Result<RememberResult> Remember(const RememberRequest& req) override;
  // All or nothing; result i answers request i.
  Result<std::vector<RememberResult>> RememberBatch(const std::vector<RememberRequest>& reqs);

  Result<RecallResponse> Recall(const RecallRequest& req) override;

  // Turns on semantic recall now (the server).
  void SetSemantic(const SemanticParts& parts);
  // Turns it on at the first recall (one-shot CLI commands: a `memex remember` or `memex list`
  // never loads the model). A failing opener is logged once and recall stays lexical.
  using SemanticOpener = std::function<Result<SemanticParts>()>;
  void SetSemanticOpener(SemanticOpener open);

  Result<Memory> Get(const std::string& id, bool include_forgotten = false) override;
  Result<std::vector<Memory>> History(const std::string& id) override;
  Result<RememberResult> Update(const UpdateRequest& req) override;
  Result<ForgetResult> Forget(const std::string& id, bool hard) override;
  Result<ListResponse> List(const ListRequest& req) override;
  Result<StoreStats> Stats(const SearchFilter& filter) override;

  // JSONL, one memory version per line (codec/memory_jsonl.h), oldest first; includes
  // superseded versions and tombstones so that Import(Export()) is lossless.
  Result<ExportSummary> Export(const SearchFilter& filter, std::ostream& out,
                               const ProgressFn& progress = nullptr) override;
  // Reads JSONL; validates every line first (a broken line is named: "line N: ...") and then
  // imports everything in one transaction, or nothing.
  Result<ImportSummary> Import(std::istream& in, const ImportOptions& opts,
                               const ProgressFn& progress = nullptr) override;

  // Health checks of the data directory and store (integrity, schema, counts).
  std::vector<DoctorCheck> Doctor();

  // Groups near-duplicates of req.filter's scopes and, with req.apply, archives all but one
  // of each group (service/consolidation.h, docs/hygiene.md). Uses the vector index when semantic
  // recall is on (opening it like a recall). Errors: kInvalidArgument (bad filter, threshold or
  // max_groups); the store's.
  Result<ConsolidateResult> Consolidate(const ConsolidateRequest& req);
  // The links from or to the memory version `id` (near_duplicate, merged_into), oldest first.
  // Errors: kInvalidArgument (not an id); the store's.
  Result<std::vector<MemoryLink>> Links(const std::string& id) override;

 private:
  Status ValidateNew(NewMemory& m, int* redactions) const;
  // The vector channel's candidates: the nearest memories, and the similarity of every memory
  // the lexical channels found (`lexical`); an embedder or index failure is noted in `plan` and
  // answers no candidates (lexical recall goes on). Sets `query_vector` to the query's
  // embedding when the vector channel took part.
  Result<std::vector<VectorCandidate>> SemanticCandidates(const SemanticParts& semantic,
                                                          const RecallRequest& req,
                                                          const std::vector<DocId>& lexical,
                                                          QueryPlan& plan,
                                                          std::vector<float>& query_vector);

  Store& store_;
  const Config& config_;
  const Clock& clock_;
  const Redactor& redactor_;
  // The semantic parts for a recall: opens them on first use when an opener was given.
  SemanticParts Semantic(bool open);
  // After a write: with `wait`, embeds the written version (`doc`) now and says whether its
  // vector is searchable (without, says false); then wakes the embedding worker for the rest.
  bool EmbedAfterWrite(const SemanticParts& semantic, bool wait, DocId doc);

  std::mutex semantic_mu_;
  SemanticParts semantic_;              // guarded by semantic_mu_
  SemanticOpener semantic_opener_;      // guarded by semantic_mu_; cleared once called
  std::unique_ptr<RecallCache> cache_;  // null when recall.cache_entries is 0
  // Last: destroyed first, writing pending statistics while the store is still there.
  std::unique_ptr<AccessRecorder> access_;
};

}  // namespace memex
