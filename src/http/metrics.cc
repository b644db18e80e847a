#include "http/metrics.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/search.h"

namespace memex::http {
namespace {

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string Escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// %g keeps bucket bounds as written ("0.0005", not "0.00050000000000000001").
std::string Number(double v) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.9g", v);
  return buf.data();
}

}  // namespace

void Metrics::Histogram::Observe(double seconds) {
  const auto* it =
      std::lower_bound(kLatencyBucketsSeconds.begin(), kLatencyBucketsSeconds.end(), seconds);
  if (it != kLatencyBucketsSeconds.end()) ++buckets[it - kLatencyBucketsSeconds.begin()];
  ++count;
  sum_seconds += seconds;
}

Metrics::Metrics(MemoryService* service) : service_(service) {}

void Metrics::ObserveRequest(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
  route_latency_[std::string(route)].Observe(seconds);
}

void Metrics::ObserveTool(std::string_view tool, std::string_view error, double seconds) {
  std::lock_guard lock(mu_);
  ++tool_calls_[{std::string(tool), std::string(error)}];
  tool_latency_[std::string(tool)].Observe(seconds);
}

mcp::CallObserver Metrics::ToolObserver() {
  return [this](const mcp::CallRecord& r) {
    ObserveTool(r.tool, r.error != nullptr ? std::string_view(r.error->code) : "",
                r.duration_ms / 1000.0);
  };
}

std::string Metrics::Render() const {
  std::string out;
  auto histogram = [&out](std::string_view name, std::string_view label,
                          const std::map<std::string, Histogram>& hs) {
    for (const auto& [key, h] : hs) {
      std::string l = std::string(label) + "=\"" + Escape(key) + "\"";
      uint64_t cumulative = 0;
      for (size_t i = 0; i < h.buckets.size(); ++i) {
        cumulative += h.buckets[i];
        out += std::string(name) + "_bucket{" + l + ",le=\"" + Number(kLatencyBucketsSeconds[i]) +
               "\"} " + std::to_string(cumulative) + "\n";
      }
      out += std::string(name) + "_bucket{" + l + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
      out += std::string(name) + "_sum{" + l + "} " + Number(h.sum_seconds) + "\n";
      out += std::string(name) + "_count{" + l + "} " + std::to_string(h.count) + "\n";
    }
  };
  {
    std::lock_guard lock(mu_);
    out += "# HELP memex_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE memex_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      out += "memex_http_requests_total{route=\"" + Escape(key.first) + "\",status=\"" +
             std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP memex_http_request_duration_seconds HTTP request latency by route.\n";
    out += "# TYPE memex_http_request_duration_seconds histogram\n";
    histogram("memex_http_request_duration_seconds", "route", route_latency_);
    out += "# HELP memex_tool_calls_total Tool calls (MCP, REST, CLI) by tool and error code.\n";
    out += "# TYPE memex_tool_calls_total counter\n";
    for (const auto& [key, n] : tool_calls_) {
      out += "memex_tool_calls_total{tool=\"" + Escape(key.first) + "\",error=\"" +
             Escape(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP memex_tool_call_duration_seconds Tool call latency by tool.\n";
    out += "# TYPE memex_tool_call_duration_seconds histogram\n";
    histogram("memex_tool_call_duration_seconds", "tool", tool_latency_);
  }
  // Outside the lock: Stats reads the store and must not hold up request accounting.
  if (service_ != nullptr) {
    SearchFilter all;
    all.all_scopes = true;
    Result<StoreStats> stats = service_->Stats(all);
    out += "# HELP memex_store_up Whether the store answered the stats probe.\n";
    out += "# TYPE memex_store_up gauge\n";
    out += std::string("memex_store_up ") + (stats.ok() ? "1" : "0") + "\n";
    if (stats.ok()) {
      out += "# HELP memex_store_memories Memories in the store by state, over all scopes.\n";
      out += "# TYPE memex_store_memories gauge\n";
      out += "memex_store_memories{state=\"live\"} " + std::to_string(stats.value().live) + "\n";
      out += "memex_store_memories{state=\"superseded\"} " +
             std::to_string(stats.value().superseded) + "\n";
      out += "memex_store_memories{state=\"forgotten\"} " +
             std::to_string(stats.value().forgotten) + "\n";
      out += "# HELP memex_store_bytes On-disk size of the store including its WAL.\n";
      out += "# TYPE memex_store_bytes gauge\n";
      out += "memex_store_bytes " + std::to_string(stats.value().db_bytes) + "\n";
    }
  }
  return out;
}

}  // namespace memex::http
