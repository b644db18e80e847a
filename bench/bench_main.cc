// memex_bench: the benchmark suite (issue 2, SPEC §11). A composition root like main.cc: it
// builds the product's stack (SqliteStore + MemoryService with default Config) over temporary
// databases and measures ingest throughput, recall latency, footprint, LoCoMo retrieval and our
// own coding-memory evaluation (bench/coding_eval.h), and semantic recall and ingest with the
// built-in embedding model (bench/semantic_scale_bench.h).
//
// Output: a table on stdout, progress on stderr, JSON under bench/results/ (or --out).
// Exit status: 0 when every part ran (bars may fail; the table says which), 1 on an error,
// 2 on a usage error.

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "base/text.h"
#include "child_process.h"
#include "coding_eval.h"
#include "hook_bench.h"
#include "locomo_bench.h"
#include "measure.h"
#include "report.h"
#include "results.h"
#include "scale_bench.h"
#include "semantic_scale_bench.h"
#include "server_bench.h"

namespace memex::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] = R"(usage: memex_bench [options]

Measures memex on this machine (build with the release preset: `make bench`).
  --sizes LIST     database sizes for ingest/recall/footprint (default 10000,100000,1000000)
  --quick          sizes 10000,100000 only
  --only PART      ingest | recall | semantic | locomo | coding | server | hook (default:
                   everything)
  --semantic-sizes LIST  database sizes for the semantic part: ingest with the embedding worker,
                   index build, recall with the query embedded (default 10000,100000)
  --semantic-batch N  memories per RememberBatch in the semantic part (default 100)
  --locomo PATH    LoCoMo data (default ../shared/data/locomo/locomo10.json from the repo root)
  --coding PATH    coding-memory eval data (default bench/data/coding_eval.jsonl in the repo)
  --out DIR        JSON output directory (default <repo>/bench/results)
  --queries N      measured recall queries per query class (default 500)
  --warmup N       unmeasured warm-up queries before each size (default 200)
  --batch N        memories per RememberBatch (default 5000)
  --single N       single Remember writes per size (default 2000)
  --seed N         seed of the synthetic data and queries (default 42)
  --tmp DIR        where temporary databases go (default: the system temp directory)
  --server-calls N measured MCP round trips per request kind, stdio and HTTP (default 2000)
  --server-seconds N  seconds per throughput run (route x clients; default 5)
  --set S.K=V      a configuration setting for the semantic part and the LoCoMo and coding
                   evaluations, as in memex.toml (--set recall.fusion=rrf
                   --set recall.min_relevance=0.8)
  --dump DIR       write every candidate's channels per query to DIR/locomo.jsonl and
                   DIR/coding.jsonl (relevance gate off), for offline tuning (bench/tune.py)
  --breakdown      also time each recall stage (store search, fusion, hydrate, access update)
  --no-json        print the table only
  -h, --help       this text
)";

struct Options {
  std::vector<int64_t> sizes = {10000, 100000, 1000000};
  std::vector<int64_t> semantic_sizes = {10000, 100000};
  int semantic_batch = 100;
  std::string only;  // "" = all
  std::string locomo_path;
  std::string coding_path;
  std::string out_dir;
  int queries = 500;
  int warmup = 200;
  int batch = 5000;
  int64_t single = 2000;
  uint64_t seed = 42;
  std::string tmp;
  bool json = true;
  bool breakdown = false;
  int server_calls = 2000;
  int server_seconds = 5;
  std::vector<std::string> settings;  // --set
  std::string dump_dir;
};

template <typename T>
Result<T> ParseNumber(std::string_view flag, std::string_view text, T min) {
  T value{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size() || value < min) {
    return InvalidArgument(std::string(flag) + ": '" + std::string(text) +
                           "' is not a number >= " + std::to_string(min));
  }
  return value;
}

Result<Options> ParseOptions(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return InvalidArgument(a + " needs a value");
      return args[++i];
    };
    if (a == "--quick") {
      o.sizes = {10000, 100000};
    } else if (a == "--breakdown") {
      o.breakdown = true;
    } else if (a == "--no-json") {
      o.json = false;
    } else if (a == "--sizes" || a == "--semantic-sizes") {
      ASSIGN_OR_RETURN(std::string v, value());
      std::vector<int64_t>& sizes = a == "--sizes" ? o.sizes : o.semantic_sizes;
      sizes.clear();
      for (const auto& part : Split(v, ',')) {
        ASSIGN_OR_RETURN(int64_t n, ParseNumber<int64_t>(a, Trim(part), 1));
        sizes.push_back(n);
      }
      if (sizes.empty()) return InvalidArgument(a + ": no size given");
    } else if (a == "--semantic-batch") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.semantic_batch, ParseNumber<int>(a, v, 1));
    } else if (a == "--only") {
      ASSIGN_OR_RETURN(o.only, value());
      if (o.only != "ingest" && o.only != "recall" && o.only != "semantic" && o.only != "locomo" &&
          o.only != "coding" && o.only != "server" && o.only != "hook") {
        return InvalidArgument(
            "--only: expected ingest, recall, semantic, locomo, coding, server or hook, got '" +
            o.only + "'");
      }
    } else if (a == "--locomo") {
      ASSIGN_OR_RETURN(o.locomo_path, value());
    } else if (a == "--coding") {
      ASSIGN_OR_RETURN(o.coding_path, value());
    } else if (a == "--out") {
      ASSIGN_OR_RETURN(o.out_dir, value());
    } else if (a == "--tmp") {
      ASSIGN_OR_RETURN(o.tmp, value());
    } else if (a == "--queries") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.queries, ParseNumber<int>(a, v, 1));
    } else if (a == "--warmup") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.warmup, ParseNumber<int>(a, v, 0));
    } else if (a == "--batch") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.batch, ParseNumber<int>(a, v, 1));
    } else if (a == "--single") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.single, ParseNumber<int64_t>(a, v, 0));
    } else if (a == "--server-calls") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.server_calls, ParseNumber<int>(a, v, 1));
    } else if (a == "--server-seconds") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.server_seconds, ParseNumber<int>(a, v, 1));
    } else if (a == "--set") {
      ASSIGN_OR_RETURN(std::string v, value());
      o.settings.push_back(std::move(v));
    } else if (a == "--dump") {
      ASSIGN_OR_RETURN(o.dump_dir, value());
    } else if (a == "--seed") {
      ASSIGN_OR_RETURN(std::string v, value());
      ASSIGN_OR_RETURN(o.seed, ParseNumber<uint64_t>(a, v, 0));
    } else {
      return InvalidArgument("unknown option '" + a + "'");
    }
  }
  return o;
}

bool LooksLikeRepoRoot(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "CMakeLists.txt", ec) && fs::is_directory(dir / "bench", ec) &&
         fs::is_regular_file(dir / "src" / "service" / "memory_service.h", ec);
}

// The repository: the current directory or an ancestor, else an ancestor of the executable
// (build/<preset>/memex_bench); "" when neither is inside the repository.
std::string FindRepoRoot() {
  std::error_code ec;
  for (fs::path start : {fs::current_path(ec), fs::read_symlink("/proc/self/exe", ec)}) {
    if (start.empty()) continue;
    for (fs::path p = start; !p.empty(); p = p.parent_path()) {
      if (LooksLikeRepoRoot(p)) return p.string();
      if (p == p.root_path()) break;
    }
  }
  return "";
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    }
  }
  auto parsed = ParseOptions(args);
  if (!parsed.ok()) {
    std::cerr << "memex_bench: " << parsed.status().message() << "\n" << kUsage;
    return 2;
  }
  Options opts = std::move(parsed).value();
  EvalSettings eval;
  eval.dump_dir = opts.dump_dir;
  if (auto config = ConfigWithSettings(opts.settings); config.ok()) {
    eval.config = std::move(config).value();
  } else {
    std::cerr << "memex_bench: " << config.status().message() << "\n";
    return 2;
  }
  const std::string root = FindRepoRoot();
  const fs::path base = root.empty() ? fs::current_path() : fs::path(root);
  if (opts.locomo_path.empty()) {
    opts.locomo_path =
        (base / ".." / "shared" / "data" / "locomo" / "locomo10.json").lexically_normal().string();
  }
  if (opts.coding_path.empty()) {
    opts.coding_path = (base / "bench" / "data" / "coding_eval.jsonl").string();
  }
  if (opts.out_dir.empty()) opts.out_dir = (base / "bench" / "results").string();

  BenchReport report;
  report.started_utc = UtcTimestamp(false);
  report.file_stamp = UtcTimestamp(true);
  report.machine = CollectMachineInfo(root);
  report.args = args;
  report.seed = opts.seed;
  Stopwatch total;

  const bool scales = opts.only.empty() || opts.only == "ingest" || opts.only == "recall";
  if (scales) {
    ScaleOptions so;
    so.recall = opts.only != "ingest";
    so.single_writes = opts.only != "recall";
    so.batch_size = opts.batch;
    so.single_writes_n = opts.single;
    so.queries_per_class = opts.queries;
    so.warmup = opts.warmup;
    so.breakdown = opts.breakdown;
    so.seed = opts.seed;
    so.tmp_parent = opts.tmp;
    for (int64_t size : opts.sizes) {
      auto r = RunScale(size, so);
      if (!r.ok()) {
        std::cerr << "memex_bench: size " << size << ": " << r.status().ToString() << "\n";
        return 1;
      }
      report.scales.push_back(std::move(r).value());
    }
  }
  if (opts.only.empty() || opts.only == "semantic") {
    SemanticScaleOptions so;
    so.batch_size = opts.semantic_batch;
    so.queries_per_class = opts.queries;
    so.warmup = opts.warmup;
    so.seed = opts.seed;
    so.tmp_parent = opts.tmp;
    so.config = eval.config;
    for (int64_t size : opts.semantic_sizes) {
      auto r = RunSemanticScale(size, so);
      if (!r.ok()) {
        std::cerr << "memex_bench: semantic, size " << size << ": " << r.status().ToString()
                  << "\n";
        return 1;
      }
      report.semantic.push_back(std::move(r).value());
    }
  }
  if (opts.only.empty() || opts.only == "locomo") {
    auto r = RunLocomo(opts.locomo_path, opts.tmp, eval);
    if (!r.ok()) {
      std::cerr << "memex_bench: locomo: " << r.status().ToString() << "\n";
      return 1;
    }
    if (!r->ran) std::cerr << "memex_bench: " << r->skipped << "; skipping LoCoMo\n";
    report.locomo = std::move(r).value();
  }
  if (opts.only.empty() || opts.only == "coding") {
    auto r = RunCoding(opts.coding_path, opts.tmp, eval);
    if (!r.ok()) {
      std::cerr << "memex_bench: coding: " << r.status().ToString() << "\n";
      return 1;
    }
    if (!r->ran) {
      std::cerr << "memex_bench: " << r->skipped << (opts.only.empty() ? "; skipping it\n" : "\n");
      if (!opts.only.empty()) return 1;
    }
    report.coding = std::move(r).value();
  }
  // The full suite skips the server part when there is no memex executable to start (make bench
  // builds only memex_bench); --only server makes that an error.
  const bool have_memex = !FindMemexBinary().empty();
  if (opts.only.empty() && !have_memex) {
    std::cerr << "memex_bench: no memex executable next to memex_bench; skipping the server part\n";
  }
  if (opts.only == "server" || (opts.only.empty() && have_memex)) {
    ServerOptions so;
    so.calls = opts.server_calls;
    so.load_seconds = opts.server_seconds;
    so.seed = opts.seed;
    so.tmp_parent = opts.tmp;
    auto r = RunServer(so);
    if (!r.ok()) {
      std::cerr << "memex_bench: server: " << r.status().ToString() << "\n";
      return 1;
    }
    report.server = std::move(r).value();
  }
  if (opts.only == "hook" || (opts.only.empty() && have_memex)) {
    HookBenchOptions ho;
    ho.tmp_parent = opts.tmp;
    auto r = RunHookBench(ho);
    if (!r.ok()) {
      std::cerr << "memex_bench: hook: " << r.status().ToString() << "\n";
      return 1;
    }
    report.hook = std::move(r).value();
  }
  report.total_seconds = total.ElapsedSeconds();

  PrintReport(report, std::cout);
  if (opts.json) {
    auto path = WriteReportJson(report, opts.out_dir);
    if (!path.ok()) {
      std::cerr << "memex_bench: " << path.status().ToString() << "\n";
      return 1;
    }
    std::cout << "JSON: " << *path << " (and latest.json)\n";
  }
  return 0;
}

}  // namespace
}  // namespace memex::bench

int main(int argc, char** argv) { return memex::bench::Main(argc, argv); }
