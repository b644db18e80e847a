// Result records of every benchmark part; report.h renders them as a table and as JSON.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "breakdown.h"
#include "hook_bench.h"
#include "locomo.h"
#include "measure.h"

namespace memex::bench {

// Bars from the issue ("Benchmarks") and SPEC §11.
inline constexpr double kIngestBarPerSecond = 20000;
inline constexpr double kRecallP95BarMsUpTo100k = 5;
inline constexpr double kRecallP95BarMsUpTo1M = 20;
// LoCoMo, judged on the first (semantic) memex system (issue 5): recall@10 and @5 over
// categories 1-4, and the share of questions asked in another conversation that get nothing.
inline constexpr double kLocomoRecall10Bar = 0.80;
inline constexpr double kLocomoRecall5Bar = 0.70;
inline constexpr double kLocomoNothingElsewhereBar = 0.90;
inline constexpr double kServerOverheadP50BarMs = 0.3;         // MCP over stdio (issue 3)
inline constexpr double kServerThroughputBarPerSecond = 3000;  // pf_scan, 100k memories (issue 3)

// Semantic recall (issue 5): recall p95 with the built-in model and the vector index, the query's
// embedding included, up to 100k memories; ingest through MemoryService until every memory has
// its vector.
inline constexpr double kSemanticRecallP95BarMs = 15;
inline constexpr double kSemanticIngestBarPerSecond = 300;

inline double SemanticRecallP95BarMs(int64_t size) {
  return size <= 100000 ? kSemanticRecallP95BarMs : 0;
}

// The p95 bar for a database of `size` memories; 0 = no bar at that size.
inline double RecallP95BarMs(int64_t size) {
  if (size <= 100000) return kRecallP95BarMsUpTo100k;
  if (size <= 1000000) return kRecallP95BarMsUpTo1M;
  return 0;
}

struct IngestResult {
  int batch_size = 0;
  int64_t requested = 0;  // memories generated and sent
  int64_t stored = 0;     // created (the rest were de-duplicated by the store)
  double seconds = 0;     // inside RememberBatch only (generation excluded)
  double per_second = 0;
  double generate_seconds = 0;
  // Batched rate over each tenth of the build (shows whether writes slow down as the database
  // grows); empty for sizes under 10 batches.
  std::vector<double> tenth_per_second;
  // Single writes: one Remember per memory, each its own transaction, on top of the database.
  int64_t single_n = 0;
  double single_seconds = 0;
  double single_per_second = 0;
  LatencySummary single_latency;
};

struct ClassLatency {
  std::string name;  // query class, or "overall"
  std::string note;
  int64_t errors = 0;  // Recall returned an error
  std::string first_error;
  double mean_hits = 0;       // hits returned per query (limit 10)
  int64_t empty_results = 0;  // queries with no hit
  LatencySummary latency;
};

struct RecallResult {
  int limit = 10;
  int warmup = 0;
  int per_class = 0;
  std::vector<ClassLatency> classes;
  ClassLatency overall;
  double bar_p95_ms = 0;           // 0 = no bar at this size
  std::vector<StageTimes> stages;  // --breakdown only
};

struct Footprint {
  DiskUsage disk;
  int64_t live = 0;  // Stats().live, 0 when unavailable
  ProcMemory memory;
  bool peak_reset = false;  // VmHWM was reset before building this size
};

struct ScaleResult {
  int64_t size = 0;
  IngestResult ingest;
  Footprint footprint;
  std::optional<RecallResult> recall;
};

// One size of the semantic part (bench/semantic_scale_bench.h): ingest with the embedding
// worker running, the index's catch-up, then recall with semantic recall on.
struct SemanticScaleResult {
  int64_t size = 0;
  std::string model;
  int dim = 0;
  int embed_threads = 0;
  int batch_size = 0;        // memories per RememberBatch
  int64_t stored = 0;        // memories created (each needs a vector)
  double write_seconds = 0;  // first write until the last RememberBatch returned
  double writes_per_second = 0;
  // First write until every stored memory had its vector in the store (the bar's wall time).
  double embedded_seconds = 0;
  double embedded_per_second = 0;  // stored / embedded_seconds
  double embed_lag_seconds = 0;    // after the last write, until every vector was stored
  int64_t pending_after = 0;       // EmbeddingStats().pending once done (0 expected)
  // The last vector stored until the first recall returned: the index catching up (reading the
  // vectors, building the HNSW graph past vector.hnsw_threshold).
  double index_build_seconds = 0;
  // A fresh SemanticIndex caught up over the whole store: a restarted server's first recall.
  double cold_index_seconds = 0;
  // SemanticIndex::Persist of that index (graph included), and a fresh index with the same
  // directory catching up from the saved files: a restarted server's first recall when saved.
  double save_seconds = 0;
  double load_seconds = 0;
  int64_t index_vectors = 0;
  bool hnsw = false;
  int64_t index_memory_bytes = 0;
  ProcMemory memory;  // after recall
  RecallResult recall;
  // The two semantic stages of a recall alone, over the measured queries of every class: the
  // query's embedding (Embedder::Embed of one text) and the vector search
  // (SemanticIndex::Search for recall.vector_candidates, store check included).
  LatencySummary embed_latency;
  LatencySummary search_latency;
};

struct LocomoSystemResult {
  std::string name;
  bool semantic = false;
  double embed_seconds = 0;  // embedding every memory (semantic systems)
  // Every question also asked in the next conversation's scope, where nothing answers it: the
  // share that got no hit above the relevance threshold (semantic systems; -1 = not measured).
  double nothing_elsewhere = -1;
  std::array<RetrievalScores, kLocomoCategories> by_category;  // index = category - 1
  RetrievalScores categories_1_4;
  RetrievalScores all;
  LatencySummary latency;
  int64_t errors = 0;
  std::string first_error;
};

struct LocomoResult {
  bool ran = false;
  std::string skipped;  // why it did not run
  std::string path;
  int64_t conversations = 0;
  int64_t turns = 0;
  int64_t memories = 0;  // stored by memex (identical turns of a conversation collapse)
  int64_t questions_total = 0;
  int64_t questions_scored = 0;
  int64_t questions_skipped = 0;
  int64_t evidence_dropped = 0;
  double ingest_seconds = 0;
  std::vector<LocomoSystemResult> systems;  // memex first, then the plain FTS5 baseline
};

// memex's own coding-memory evaluation (bench/coding_eval.h). No bars yet: numbers only.

// Spread of the first hit's score over the queries of one type (0 for a query with no hit).
struct ScoreSpread {
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double max = 0;
};

// One query type (paraphrase, identifier, error, latest, sibling, unrelated) or a group of them.
struct CodingTypeScores {
  std::string type;
  bool answerable = true;  // false: sibling and unrelated, where the right answer is nothing
  int64_t queries = 0;
  // Answerable types: share of queries with an expected memory in the top k, and MRR (top 10).
  double recall_at_1 = 0;
  double recall_at_5 = 0;
  double recall_at_10 = 0;
  double mrr = 0;
  double nothing_returned = 0;  // answerable: share of queries with no hit at all
  double stale_rate = 0;        // latest: an outdated memory of the chain ranked above the current
  double false_positive_rate = 0;  // sibling/unrelated: share of queries with at least one hit
  double mean_hits = 0;
  ScoreSpread top_score;
};

// What one query returned, for diagnosis in the JSON.
struct CodingQueryOutcome {
  std::string id;
  std::string type;
  int rank = 0;  // 1-based rank of the first expected memory in the top 10; 0 = absent
  int hits = 0;
  bool stale = false;
  double top_score = 0;
  std::vector<std::string> top;  // local ids of the first three hits ("?" for an unknown id)
};

struct CodingResult {
  bool ran = false;
  std::string skipped;  // why it did not run
  std::string path;
  int64_t projects = 0;
  int64_t memories = 0;       // records in the file, every version counted
  int64_t updates = 0;        // of them stored through MemoryService::Update (supersession)
  int64_t collapsed = 0;      // stored as an existing memory (created = false)
  int64_t redactions = 0;     // secrets the redactor replaced (the data should have none)
  double ingest_seconds = 0;  // RememberBatch plus the updates
  int limit = 10;
  std::vector<CodingTypeScores> types;  // in the order of kCodingQueryTypes
  CodingTypeScores answerable;          // paraphrase + identifier + error + latest
  CodingTypeScores no_answer;           // sibling + unrelated
  LatencySummary latency;               // per Recall call
  int64_t errors = 0;
  std::string first_error;
  std::vector<CodingQueryOutcome> outcomes;
};

// Round trips of one kind of JSON-RPC request through a real `memex` child.
struct RpcLatency {
  std::string name;  // "ping", "tools/call pf_maps", "tools/call pf_scan"
  int64_t errors = 0;
  std::string first_error;
  LatencySummary latency;
};

struct TransportResult {
  std::string transport;  // "stdio" or "http"
  int64_t memories = 0;   // stored through pf_poke before measuring
  std::vector<RpcLatency> calls;
};

// Closed-loop load: `clients` threads, each on its own keep-alive connection.
struct LoadResult {
  std::string route;   // "/api/pf_scan" or "/v1/recall"
  bool cached = true;  // the default config (recall cache on); false: recall.cache_entries = 0
  int clients = 0;
  double seconds = 0;
  int64_t requests = 0;  // answered, errors included
  int64_t errors = 0;    // not 200, or no answer
  std::string first_error;
  double per_second = 0;  // successful requests per second
  LatencySummary latency;
};

struct ServerResult {
  std::string memex_binary;
  int server_threads = 0;  // server.threads of the child (config default)
  std::vector<TransportResult> transports;
  int64_t load_memories = 0;
  double load_build_seconds = 0;
  std::vector<LoadResult> loads;
};

struct BenchReport {
  std::string started_utc;
  std::string file_stamp;  // compact UTC start time, names the JSON file
  MachineInfo machine;
  std::vector<std::string> args;
  uint64_t seed = 0;
  std::vector<ScaleResult> scales;
  std::vector<SemanticScaleResult> semantic;
  std::optional<LocomoResult> locomo;
  std::optional<CodingResult> coding;
  std::optional<ServerResult> server;
  std::optional<HookBenchResult> hook;
  double total_seconds = 0;
};

}  // namespace memex::bench
