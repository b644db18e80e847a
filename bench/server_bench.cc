#include "server_bench.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/clock.h"
#include "child_process.h"
#include "config/config.h"
#include "ingest_bench.h"
#include "measure.h"
#include "queries.h"
#include "redact/redactor.h"
#include "service/memory_service.h"
#include "store/sqlite/sqlite_store.h"
#include "synthetic.h"

namespace memex::bench {
namespace {

using json = nlohmann::json;

constexpr int kReadTimeoutMs = 10000;
constexpr char kProtocol[] = "2025-06-18";

// One JSON-RPC peer: Call sends one request line and returns the raw answer text.
class RpcClient {
 public:
  virtual ~RpcClient() = default;
  virtual Result<std::string> Call(const std::string& request) = 0;
  virtual Status Notify(const std::string& notification) = 0;
};

class StdioClient : public RpcClient {
 public:
  explicit StdioClient(ChildProcess& child) : child_(child) {}
  Result<std::string> Call(const std::string& request) override {
    RETURN_IF_ERROR(child_.WriteLine(request));
    return child_.ReadLine(kReadTimeoutMs);  // requests are sequential: the next line answers
  }
  Status Notify(const std::string& notification) override { return child_.WriteLine(notification); }

 private:
  ChildProcess& child_;
};

class HttpMcpClient : public RpcClient {
 public:
  explicit HttpMcpClient(int port) : cli_("127.0.0.1", port) {
    cli_.set_keep_alive(true);
    cli_.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms per request
    cli_.set_read_timeout(kReadTimeoutMs / 1000, 0);
  }
  Result<std::string> Call(const std::string& request) override {
    auto res = cli_.Post("/mcp", headers_, request, "application/json");
    if (!res) return Unavailable("POST /mcp: " + httplib::to_string(res.error()));
    if (res->status != 200) {
      return Unavailable("POST /mcp: HTTP " + std::to_string(res->status) + " " + res->body);
    }
    if (session_.empty() && res->has_header("Mcp-Session-Id")) {
      session_ = res->get_header_value("Mcp-Session-Id");
      headers_.emplace("Mcp-Session-Id", session_);
      headers_.emplace("MCP-Protocol-Version", kProtocol);
    }
    return std::move(res->body);
  }
  Status Notify(const std::string& notification) override {
    auto res = cli_.Post("/mcp", headers_, notification, "application/json");
    if (!res) return Unavailable("POST /mcp: " + httplib::to_string(res.error()));
    if (res->status >= 300) return Unavailable("notify: HTTP " + std::to_string(res->status));
    return Status::Ok();
  }

 private:
  httplib::Client cli_;
  httplib::Headers headers_ = {{"Accept", "application/json, text/event-stream"}};
  std::string session_;
};

std::string Request(int64_t id, std::string_view method, const json& params) {
  json j = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) j["params"] = params;
  return j.dump();
}

std::string ToolCall(int64_t id, std::string_view tool, const json& args) {
  return Request(id, "tools/call", {{"name", tool}, {"arguments", args}});
}

// "" when `answer` is a successful JSON-RPC result (and not a tool error), else why not.
std::string AnswerError(const std::string& answer) {
  json j = json::parse(answer, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "not JSON: " + answer.substr(0, 200);
  if (j.contains("error")) return j["error"].dump().substr(0, 300);
  if (!j.contains("result")) return "no result: " + answer.substr(0, 200);
  const json& r = j["result"];
  if (r.is_object() && r.value("isError", false)) return "tool error: " + r.dump().substr(0, 300);
  return "";
}

Status Initialize(RpcClient& client) {
  json params = {{"protocolVersion", kProtocol},
                 {"capabilities", json::object()},
                 {"clientInfo", {{"name", "memex_bench"}, {"version", "1"}}}};
  ASSIGN_OR_RETURN(std::string answer, client.Call(Request(0, "initialize", params)));
  std::string err = AnswerError(answer);
  if (!err.empty()) return Internal("initialize: " + err);
  return client.Notify(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
}

// Round trips of `requests` (cycled): `warmup` unmeasured, then `calls` measured. Only the write
// and the read of the answer are timed; checking the answer happens after the clock stops.
Result<RpcLatency> Measure(RpcClient& client, std::string name,
                           const std::vector<std::string>& requests, int warmup, int calls) {
  RpcLatency out;
  out.name = std::move(name);
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(calls));
  for (int i = 0; i < warmup + calls; ++i) {
    const std::string& req = requests[static_cast<size_t>(i) % requests.size()];
    Stopwatch sw;
    auto answer = client.Call(req);
    const double elapsed = sw.ElapsedMs();
    if (!answer.ok()) return answer.status().WithContext(out.name);
    if (i < warmup) continue;
    ms.push_back(elapsed);
    std::string err = AnswerError(*answer);
    if (!err.empty() && out.errors++ == 0) out.first_error = err;
  }
  out.latency = Summarize(std::move(ms));
  return out;
}

// Requests with ids from `first_id`, cycling through `args` for `tool`.
std::vector<std::string> ToolRequests(int64_t first_id, std::string_view tool,
                                      const std::vector<json>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    out.push_back(ToolCall(first_id + static_cast<int64_t>(i), tool, args[i]));
  }
  return out;
}

// rare, common, question and identifier queries, interleaved; hostile ones too when asked.
std::vector<std::string> MixedQueries(const SyntheticCorpus& corpus, int per_class, uint64_t seed,
                                      bool hostile) {
  std::vector<QuerySet> sets;
  for (QueryClass c : kAllQueryClasses) {
    if (c == QueryClass::kHostile && !hostile) continue;
    sets.push_back(MakeQueries(corpus, c, per_class, seed));
  }
  std::vector<std::string> out;
  for (int i = 0; i < per_class; ++i) {
    for (const auto& s : sets) {
      if (static_cast<size_t>(i) < s.queries.size()) out.push_back(s.queries[i]);
    }
  }
  return out;
}

// Fills the server through pf_poke, then measures ping, pf_maps and pf_scan.
Result<TransportResult> RunTransport(RpcClient& client, std::string transport,
                                     const ServerOptions& opts) {
  TransportResult out;
  out.transport = std::move(transport);
  RETURN_IF_ERROR(Initialize(client));
  SyntheticCorpus corpus(opts.seed, Scope{"bench", "mcp"});
  for (int i = 0; i < opts.fill; ++i) {
    NewMemory m = corpus.Next();
    ASSIGN_OR_RETURN(std::string answer,
                     client.Call(ToolCall(1000000 + i, "pf_poke",
                                          {{"mode", "memory"}, {"content", m.content}})));
    std::string err = AnswerError(answer);
    if (!err.empty()) return Internal("pf_poke #" + std::to_string(i) + ": " + err);
    ++out.memories;
  }
  std::vector<std::string> pings;
  for (int i = 0; i < 64; ++i) pings.push_back(Request(i + 1, "ping", nullptr));
  ASSIGN_OR_RETURN(RpcLatency ping, Measure(client, "ping", pings, opts.warmup, opts.calls));
  out.calls.push_back(std::move(ping));
  auto maps = ToolRequests(2000000, "pf_maps", std::vector<json>(64, json::object()));
  ASSIGN_OR_RETURN(RpcLatency m,
                   Measure(client, "tools/call pf_maps", maps, opts.warmup, opts.calls));
  out.calls.push_back(std::move(m));
  std::vector<json> scan_args;
  for (auto& q : MixedQueries(corpus, 100, opts.seed, false)) {
    scan_args.push_back({{"query", std::move(q)}, {"limit", 10}});
  }
  auto scans = ToolRequests(3000000, "pf_scan", scan_args);
  ASSIGN_OR_RETURN(RpcLatency s,
                   Measure(client, "tools/call pf_scan", scans, opts.warmup, opts.calls));
  out.calls.push_back(std::move(s));
  return out;
}

// Polls GET /health until 200 (at most 15 s).
Status WaitHealthy(int port) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(0, 200000);
  for (int i = 0; i < 150; ++i) {
    auto res = cli.Get("/health");
    if (res && res->status == 200) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Unavailable("memex serve on port " + std::to_string(port) + " not healthy after 15 s");
}

struct Server {
  int port = 0;
  ChildProcess child;
};

// `memex serve` on data directory `data`; `config`: a config file to pass, or "".
Result<Server> StartServe(const std::string& memex, const std::string& data,
                          const std::string& scope, const std::string& config = "") {
  ASSIGN_OR_RETURN(int port, PickFreePort());
  std::vector<std::string> argv = {memex, "--data-dir", data, "--scope", scope};
  if (!config.empty()) argv.insert(argv.end(), {"--config", config});
  argv.insert(argv.end(), {"serve", "--port", std::to_string(port)});
  ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Spawn(argv, data + "/serve.log"));
  Server s{port, std::move(child)};
  RETURN_IF_ERROR(WaitHealthy(port));
  return s;
}

// Builds `size` memories of scope bench/srv into <dir>/memex.db with the product's stack, then
// closes it. Returns the query bodies' texts.
Result<std::vector<std::string>> BuildLoadDatabase(const std::string& dir, const ServerOptions& o,
                                                   IngestResult& ingest) {
  Config config;
  config.data_dir = dir;
  SystemClock clock;
  ASSIGN_OR_RETURN(auto redactor, Redactor::Create(config.redaction));
  ASSIGN_OR_RETURN(auto store, SqliteStore::Open(dir + "/memex.db", config.storage, clock));
  MemoryService service(*store, config, clock, *redactor);
  SyntheticCorpus corpus(o.seed, Scope{"bench", "srv"});
  RETURN_IF_ERROR(BuildBatched(service, corpus, o.load_size, 5000, ingest));
  return MixedQueries(corpus, 200, o.seed + 7, true);
}

// Closed loop: `clients` threads post `bodies` (each its own offset) for `seconds`.
LoadResult RunLoad(int port, const std::string& route, const std::vector<std::string>& bodies,
                   int clients, double seconds) {
  LoadResult out;
  out.route = route;
  out.clients = clients;
  struct PerThread {
    std::vector<double> ms;
    int64_t errors = 0;
    std::string first_error;
  };
  std::vector<PerThread> per(static_cast<size_t>(clients));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  constexpr int64_t kMaxPerThread = 5000000;
  Stopwatch wall;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < clients; ++t) {
      threads.emplace_back([&, t] {
        PerThread& me = per[static_cast<size_t>(t)];
        httplib::Client cli("127.0.0.1", port);
        cli.set_keep_alive(true);
        cli.set_tcp_nodelay(true);
        cli.set_read_timeout(kReadTimeoutMs / 1000, 0);
        size_t k = static_cast<size_t>(t) * 997;
        for (int64_t n = 0; n < kMaxPerThread && std::chrono::steady_clock::now() < deadline;
             ++n, ++k) {
          const std::string& body = bodies[k % bodies.size()];
          Stopwatch sw;
          auto res = cli.Post(route, body, "application/json");
          me.ms.push_back(sw.ElapsedMs());
          if (!res || res->status != 200) {
            if (me.errors++ == 0) {
              me.first_error =
                  res ? "HTTP " + std::to_string(res->status) + " " + res->body.substr(0, 200)
                      : httplib::to_string(res.error());
            }
          }
        }
      });
    }
  }
  out.seconds = wall.ElapsedSeconds();
  std::vector<double> all;
  for (auto& p : per) {
    all.insert(all.end(), p.ms.begin(), p.ms.end());
    out.errors += p.errors;
    if (out.first_error.empty()) out.first_error = p.first_error;
  }
  out.requests = static_cast<int64_t>(all.size());
  out.per_second =
      out.seconds > 0 ? static_cast<double>(out.requests - out.errors) / out.seconds : 0;
  out.latency = Summarize(std::move(all));
  return out;
}

}  // namespace

Result<ServerResult> RunServer(const ServerOptions& opts) {
  ServerResult result;
  result.memex_binary = FindMemexBinary();
  if (result.memex_binary.empty()) {
    return FailedPrecondition("no memex executable next to memex_bench (build target memex)");
  }
  result.server_threads = Config{}.server.threads;
  const std::string& memex = result.memex_binary;

  {  // 1. stdio
    std::cerr << "server: MCP over stdio (" << memex << " mcp)\n";
    ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(opts.tmp_parent, "memex-bench-srv-"));
    ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Spawn({memex, "--data-dir", dir.path(),
                                                              "--scope", "bench/mcp", "mcp"},
                                                             dir.path() + "/mcp.log"));
    StdioClient client(child);
    ASSIGN_OR_RETURN(TransportResult t, RunTransport(client, "stdio", opts));
    result.transports.push_back(std::move(t));
  }
  {  // 2. streamable HTTP
    std::cerr << "server: MCP over streamable HTTP (memex serve, POST /mcp)\n";
    ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(opts.tmp_parent, "memex-bench-srv-"));
    ASSIGN_OR_RETURN(Server server, StartServe(memex, dir.path(), "bench/mcp"));
    HttpMcpClient client(server.port);
    ASSIGN_OR_RETURN(TransportResult t, RunTransport(client, "http", opts));
    result.transports.push_back(std::move(t));
  }
  {  // 3. throughput
    std::cerr << "server: building " << WithCommas(opts.load_size) << " memories\n";
    ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(opts.tmp_parent, "memex-bench-srv-"));
    IngestResult ingest;
    ASSIGN_OR_RETURN(std::vector<std::string> queries, BuildLoadDatabase(dir.path(), opts, ingest));
    result.load_memories = ingest.stored;
    result.load_build_seconds = ingest.seconds;
    std::vector<std::string> scan_bodies, recall_bodies;
    for (const auto& q : queries) {
      scan_bodies.push_back(json({{"query", q}, {"limit", 10}}).dump());
      recall_bodies.push_back(
          json({{"query", q}, {"limit", 10}, {"namespace", "bench/srv"}}).dump());
    }
    // The default configuration first, then the same load with the recall cache off: what
    // every request costs when no answer can be reused.
    const std::string no_cache = dir.path() + "/no-cache.toml";
    {
      std::ofstream f(no_cache);
      f << "[recall]\ncache_entries = 0\n";
      if (!f) return Unavailable("cannot write " + no_cache);
    }
    for (bool cached : {true, false}) {
      ASSIGN_OR_RETURN(Server server,
                       StartServe(memex, dir.path(), "bench/srv", cached ? "" : no_cache));
      (void)RunLoad(server.port, "/api/pf_scan", scan_bodies, 4, 1.0);  // warm-up
      for (const auto& [route, bodies] : {std::pair{std::string("/api/pf_scan"), &scan_bodies},
                                          std::pair{std::string("/v1/recall"), &recall_bodies}}) {
        for (int clients : opts.clients) {
          std::cerr << "server: " << route << " with " << clients << " clients for "
                    << opts.load_seconds << " s" << (cached ? "" : ", recall cache off") << "\n";
          LoadResult load = RunLoad(server.port, route, *bodies, clients, opts.load_seconds);
          load.cached = cached;
          result.loads.push_back(std::move(load));
        }
      }
    }
  }
  return result;
}

}  // namespace memex::bench
