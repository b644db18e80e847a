// The server benchmark (issue 3 "Bars"): a real `memex` child, found next to memex_bench, driven
// from this process.
//   1. MCP over stdio (`memex mcp`): round trips of ping, tools/call pf_maps and tools/call
//      pf_scan over a small store filled through pf_poke.
//   2. The same over streamable HTTP (`memex serve`, POST /mcp with a session, keep-alive).
//   3. Throughput: a 100k-memory database built in-process, then `memex serve` on it and closed-
//      loop client threads (8, 16, 32) posting /api/pf_scan and /v1/recall for a fixed time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "results.h"

namespace memex::bench {

struct ServerOptions {
  int calls = 2000;  // measured round trips per request kind (stdio and HTTP)
  int warmup = 200;  // unmeasured round trips before each kind
  int fill = 1000;   // memories stored through pf_poke before the round trips
  int64_t load_size = 100000;
  std::vector<int> clients = {8, 16, 32};
  double load_seconds = 5;  // per (route, clients) run
  uint64_t seed = 42;
  std::string tmp_parent;
};

Result<ServerResult> RunServer(const ServerOptions& opts);

}  // namespace memex::bench
