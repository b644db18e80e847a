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
inline constexpr double kLocomoRecall10Bar = 0.62;
inline constexpr double kServerOverheadP50BarMs = 0.3;         // MCP over stdio (issue 3)
inline constexpr double kServerThroughputBarPerSecond = 3000;  // pf_scan, 100k memories (issue 3)

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

struct LocomoSystemResult {
  std::string name;
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
  std::optional<LocomoResult> locomo;
  std::optional<ServerResult> server;
  std::optional<HookBenchResult> hook;
  double total_seconds = 0;
};

}  // namespace memex::bench
