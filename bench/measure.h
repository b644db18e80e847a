// Measurement helpers for the benchmarks: a stopwatch, latency summaries, process memory from
// /proc, on-disk sizes, a self-removing temporary directory and a description of the machine.
//
// Thread-safety: free functions are safe to call from any thread; objects are not shared.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace memex::bench {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  void Restart() { start_ = std::chrono::steady_clock::now(); }
  int64_t ElapsedNs() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                start_)
        .count();
  }
  double ElapsedSeconds() const { return static_cast<double>(ElapsedNs()) / 1e9; }
  double ElapsedMs() const { return static_cast<double>(ElapsedNs()) / 1e6; }

 private:
  std::chrono::steady_clock::time_point start_;
};

struct LatencySummary {
  int64_t n = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Nearest-rank percentiles of `samples_ms` (any order); all zero when empty.
LatencySummary Summarize(std::vector<double> samples_ms);

struct ProcMemory {
  int64_t rss_bytes = 0;  // VmRSS
  int64_t hwm_bytes = 0;  // VmHWM: peak RSS since start or the last ResetPeakRss()
};

// Reads /proc/self/status; zeros when unavailable (not Linux).
ProcMemory ReadProcMemory();

// Resets VmHWM to the current RSS (writes "5" to /proc/self/clear_refs). False when the kernel
// refuses; the peak then covers the whole process lifetime.
bool ResetPeakRss();

struct DiskUsage {
  int64_t total_bytes = 0;
  int64_t wal_bytes = 0;  // files ending in "-wal"
  int64_t shm_bytes = 0;  // files ending in "-shm"
  int64_t files = 0;
};

// Sums regular files under `dir`, recursively.
DiskUsage MeasureDir(const std::string& dir);

// A directory made with mkdtemp under `parent` (or the system temp directory when empty), removed
// with everything in it when the object is destroyed. Move-only.
class TempDir {
 public:
  static Result<TempDir> Create(const std::string& parent, const std::string& prefix);
  ~TempDir();
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

struct MachineInfo {
  unsigned nproc = 0;
  std::string cpu_model;
  int64_t mem_total_bytes = 0;
  std::string kernel;
  std::string compiler;
  std::string build_type;  // "release" (NDEBUG, optimised) or "debug"
  std::string sqlite_version;
  std::string git_commit;  // "" when git or the repository is unavailable
  bool git_dirty = false;
};

MachineInfo CollectMachineInfo(const std::string& repo_root);

// "2026-11-21T20:33:46Z" or, with `compact`, "20261121T203346Z" (file names).
std::string UtcTimestamp(bool compact);

// "1,234,567".
std::string WithCommas(int64_t n);

}  // namespace memex::bench
