// The hook benchmark (issue 4 "Bars": `memex hook` wall time per event, process start to exit,
// p99 <= 5 ms with the server up, <= 10 ms when spooling). Part of the full run (`make bench`)
// when a memex executable is found; alone with `memex_bench --only hook`.
//   1. Server up: a release `memex serve` on a temp data directory and a free port; N runs of
//      `memex hook post-tool-use --agent claude-code --server http://127.0.0.1:P` with a
//      realistic Claude Code PostToolUse payload on stdin, each timed from fork to reaping.
//   2. Spooling: the same N runs against a port nothing listens on (each event is fsynced into
//      the client's spool).
//   3. Drain: one `memex hook drain` of those N events into the running server.
//
// Thread-safety: single-threaded.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "base/status.h"
#include "measure.h"

namespace memex::bench {

struct HookBenchOptions {
  int events = 300;  // hook runs per case
  std::string tmp_parent;
};

struct HookCase {
  LatencySummary latency;
  int64_t runs = 0;
  int64_t unexpected_output = 0;  // stdout other than "{}" (or a failed exit)
  std::string first_stderr;       // the first run's stderr, for the report
};

struct HookBenchResult {
  std::string memex_binary;
  bool hook_route = false;   // POST /hook answered something other than 404
  bool batch_route = false;  // POST /hook/batch likewise
  HookCase server_up;
  HookCase spooling;
  int64_t spooled_lines = 0;  // lines in the client's spool after case 2
  double drain_ms = 0;
  std::string drain_output;  // `memex hook drain`'s JSON report
  int64_t spool_left = 0;    // lines still spooled after the drain
};

inline constexpr double kHookBarUpP99Ms = 5.0;
inline constexpr double kHookBarSpoolP99Ms = 10.0;

Result<HookBenchResult> RunHookBench(const HookBenchOptions& opts);
void PrintHookBench(const HookBenchResult& r, std::ostream& out);
// Both p99 bars, and every run printed {} and exited 0.
bool HookPasses(const HookBenchResult& r);

}  // namespace memex::bench
