#include "server_report.h"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>

#include "measure.h"

namespace memex::bench {
namespace {

using json = nlohmann::ordered_json;

const char* Verdict(bool pass) { return pass ? "PASS" : "FAIL"; }

std::string Line(const char* fmt, double a, double b, double c, double d) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a, b, c, d);
  return buf;
}

json LatencyJson(const LatencySummary& l) {
  return {{"n", l.n},           {"mean_ms", l.mean_ms}, {"p50_ms", l.p50_ms},
          {"p95_ms", l.p95_ms}, {"p99_ms", l.p99_ms},   {"max_ms", l.max_ms}};
}

bool OverheadPasses(const ServerResult& r) {
  const double p50 = ServerOverheadP50Ms(r);
  return p50 >= 0 && p50 <= kServerOverheadP50BarMs;
}

bool ThroughputPasses(const ServerResult& r, const std::string& route) {
  return ServerMinThroughput(r, route) >= kServerThroughputBarPerSecond;
}

}  // namespace

double ServerOverheadP50Ms(const ServerResult& r) {
  for (const auto& t : r.transports) {
    if (t.transport != "stdio") continue;
    for (const auto& c : t.calls) {
      if (c.name == "tools/call pf_maps" && c.errors == 0) return c.latency.p50_ms;
    }
  }
  return -1;
}

double ServerMinThroughput(const ServerResult& r, const std::string& route, bool cached) {
  double lowest = -1;
  for (const auto& l : r.loads) {
    if (l.route != route || l.cached != cached) continue;
    lowest = lowest < 0 ? l.per_second : std::min(lowest, l.per_second);
  }
  return lowest;
}

bool ServerPasses(const ServerResult& r) {
  return OverheadPasses(r) && ThroughputPasses(r, "/api/pf_scan") &&
         ThroughputPasses(r, "/v1/recall");
}

void PrintServer(const ServerResult& r, std::ostream& out) {
  out << "\n== Server: a real memex child (" << r.memex_binary << ") ==\n";
  for (const auto& t : r.transports) {
    out << "MCP over "
        << (t.transport == "stdio" ? "stdio (memex mcp)"
                                   : "streamable HTTP (POST /mcp, keep-alive)")
        << ", " << t.memories << " memories stored through pf_poke first; round trip ms:\n";
    char head[160];
    std::snprintf(head, sizeof head, "  %-20s %8s %8s %8s %8s %8s %7s\n", "request", "n", "p50",
                  "p95", "p99", "mean", "errors");
    out << head;
    for (const auto& c : t.calls) {
      char row[200];
      std::snprintf(row, sizeof row, "  %-20s %8lld %8.3f %8.3f %8.3f %8.3f %7lld\n",
                    c.name.c_str(), static_cast<long long>(c.latency.n), c.latency.p50_ms,
                    c.latency.p95_ms, c.latency.p99_ms, c.latency.mean_ms,
                    static_cast<long long>(c.errors));
      out << row;
      if (!c.first_error.empty()) out << "    first error: " << c.first_error << "\n";
    }
  }
  if (r.loads.empty()) return;
  out << "Throughput: " << WithCommas(r.load_memories) << " memories (scope bench/srv, built in "
      << Line("%.1f s", r.load_build_seconds, 0, 0, 0) << "), closed-loop clients, keep-alive, "
      << r.server_threads << " server threads:\n";
  char head[200];
  std::snprintf(head, sizeof head, "  %-13s %7s %7s %9s %10s %8s %8s %8s %7s\n", "route", "clients",
                "secs", "requests", "ok req/s", "p50 ms", "p95 ms", "p99 ms", "errors");
  out << head;
  for (const auto& l : r.loads) {
    char row[240];
    std::snprintf(row, sizeof row, "  %-13s %7d %7.1f %9lld %10.0f %8.3f %8.3f %8.3f %7lld%s\n",
                  l.route.c_str(), l.clients, l.seconds, static_cast<long long>(l.requests),
                  l.per_second, l.latency.p50_ms, l.latency.p95_ms, l.latency.p99_ms,
                  static_cast<long long>(l.errors), l.cached ? "" : "  no cache");
    out << row;
    if (!l.first_error.empty()) out << "    first error: " << l.first_error << "\n";
  }
}

void PrintServerBars(const ServerResult& r, std::ostream& out) {
  out << Line("  server  MCP tools/call pf_maps p50 over stdio %.3f ms  <= %.1f ms",
              ServerOverheadP50Ms(r), kServerOverheadP50BarMs, 0, 0)
      << "     " << Verdict(OverheadPasses(r)) << "\n";
  for (const char* route : {"/api/pf_scan", "/v1/recall"}) {
    out << "  server  " << route
        << Line(" lowest %.0f req/s at 8-32 clients  >= %.0f/s", ServerMinThroughput(r, route),
                kServerThroughputBarPerSecond, 0, 0)
        << "     " << Verdict(ThroughputPasses(r, route)) << "\n";
    out << "  server  " << route
        << Line(" lowest %.0f req/s with the recall cache off (no bar; every request computed)",
                ServerMinThroughput(r, route, false), 0, 0, 0)
        << "\n";
  }
}

json ServerToJson(const ServerResult& r) {
  json j;
  j["memex_binary"] = r.memex_binary;
  j["server_threads"] = r.server_threads;
  json ts = json::array();
  for (const auto& t : r.transports) {
    json calls = json::array();
    for (const auto& c : t.calls) {
      calls.push_back({{"request", c.name},
                       {"errors", c.errors},
                       {"first_error", c.first_error},
                       {"latency", LatencyJson(c.latency)}});
    }
    ts.push_back({{"transport", t.transport}, {"memories", t.memories}, {"calls", calls}});
  }
  j["transports"] = ts;
  j["load_memories"] = r.load_memories;
  j["load_build_seconds"] = r.load_build_seconds;
  json loads = json::array();
  for (const auto& l : r.loads) {
    loads.push_back({{"route", l.route},
                     {"recall_cache", l.cached},
                     {"clients", l.clients},
                     {"seconds", l.seconds},
                     {"requests", l.requests},
                     {"errors", l.errors},
                     {"first_error", l.first_error},
                     {"ok_per_second", l.per_second},
                     {"latency", LatencyJson(l.latency)}});
  }
  j["loads"] = loads;
  j["overhead_p50_ms"] = ServerOverheadP50Ms(r);
  j["overhead_pass"] = OverheadPasses(r);
  j["pf_scan_min_per_second"] = ServerMinThroughput(r, "/api/pf_scan");
  j["v1_recall_min_per_second"] = ServerMinThroughput(r, "/v1/recall");
  j["pf_scan_min_per_second_no_cache"] = ServerMinThroughput(r, "/api/pf_scan", false);
  j["v1_recall_min_per_second_no_cache"] = ServerMinThroughput(r, "/v1/recall", false);
  j["throughput_pass"] = ThroughputPasses(r, "/api/pf_scan") && ThroughputPasses(r, "/v1/recall");
  return j;
}

}  // namespace memex::bench
