// Rendering of the server benchmark's ServerResult: its table section, its bar lines and its
// JSON object (report.cc puts them in the report).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "results.h"

namespace memex::bench {

// The overhead bar: p50 of `tools/call pf_maps` over stdio (a cheap tool: transport, JSON-RPC
// dispatch and tool plumbing, no search); < 0 when not measured.
double ServerOverheadP50Ms(const ServerResult& r);
// The lowest successful requests/s over the runs of `route` at 8-32 clients; < 0 when none.
// The lowest successful requests/s of `route` over the client counts, with the recall cache on
// (the default config, which the bar is about) or off; -1 when not measured.
double ServerMinThroughput(const ServerResult& r, const std::string& route, bool cached = true);
bool ServerPasses(const ServerResult& r);

void PrintServer(const ServerResult& r, std::ostream& out);
void PrintServerBars(const ServerResult& r, std::ostream& out);
nlohmann::ordered_json ServerToJson(const ServerResult& r);

}  // namespace memex::bench
