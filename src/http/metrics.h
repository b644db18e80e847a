// Prometheus metrics for `memex serve` (issue 3 item 5), rendered as text exposition format 0.0.4
// at GET /metrics: request counts by route and status, a latency histogram per route and per
// tool (fixed buckets, 0.5 ms .. 5 s), and store sizes (live / superseded / forgotten over all
// scopes, read from MemoryService::Stats at scrape time).
//
// Thread-safety: Metrics is safe for concurrent use; observations and Render serialize on one
// internal mutex (a handful of map updates per request).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "mcp/tool.h"
#include "service/memory_service.h"

namespace memex::http {

// Histogram upper bounds in seconds (the +Inf bucket is implicit).
inline constexpr std::array<double, 13> kLatencyBucketsSeconds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

class Metrics {
 public:
  // Borrows `service` (may be null: no store gauges), which must outlive the metrics.
  explicit Metrics(MemoryService* service);

  // One finished HTTP request: `route` is the route table's label (e.g. "POST /api/pf_{tool}"),
  // never a raw path, so the label set stays bounded.
  void ObserveRequest(std::string_view route, int status, double seconds);
  // One finished tool call (any interface); `error` is the ToolError code or "".
  void ObserveTool(std::string_view tool, std::string_view error, double seconds);
  // A ToolRegistry observer that feeds ObserveTool; `this` must outlive the registry's calls.
  mcp::CallObserver ToolObserver();

  // The text exposition, ending in a newline.
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBucketsSeconds.size()> buckets{};  // non-cumulative
    uint64_t count = 0;
    double sum_seconds = 0;
    void Observe(double seconds);
  };

  MemoryService* const service_;  // not owned; may be null
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;            // guarded by mu_
  std::map<std::string, Histogram> route_latency_;                      // guarded by mu_
  std::map<std::pair<std::string, std::string>, uint64_t> tool_calls_;  // guarded by mu_
  std::map<std::string, Histogram> tool_latency_;                       // guarded by mu_
};

}  // namespace memex::http
