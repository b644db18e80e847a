#include "hook_bench.h"

#include <fcntl.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "child_process.h"

namespace memex::bench {
namespace {

using json = nlohmann::json;

// A Claude Code 2.1.330 PostToolUse for a Bash call (shape of the recorded fixtures), with a
// couple of KB of command output: what a hook sees most often.
std::string RealisticPayload(int i) {
  std::string out;
  for (int line = 0; line < 40; ++line) {
    out += "src/module_" + std::to_string(line) + "/file_" + std::to_string(i % 97) +
           ".cc: 42 lines, ok\n";
  }
  json j = {{"session_id", "23e79ef3-cae2-4a36-be6f-e8803e9e97fd"},
            {"transcript_path",
             "/home/user/.claude/projects/-home-user-project/"
             "23e79ef3-cae2-4a36-be6f-e8803e9e97fd.jsonl"},
            {"cwd", "/tmp"},
            {"prompt_id", "9ad697e2-1a98-46d3-b32f-bb800dc63801"},
            {"permission_mode", "default"},
            {"hook_event_name", "PostToolUse"},
            {"tool_name", "Bash"},
            {"tool_input", {{"command", "ls -R src | head -40"}, {"description", "List sources"}}},
            {"tool_response",
             {{"stdout", out}, {"stderr", ""}, {"interrupted", false}, {"isImage", false}}},
            {"tool_use_id", "toolu_bench_" + std::to_string(i)},
            {"duration_ms", 75}};
  return j.dump();
}

struct RunOutput {
  double ms = 0;
  int status = -1;
  std::string out;
  std::string err;
};

std::string Drain(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

// fork + exec of `argv` with `input` on stdin; wall time from fork to reaping. The payload
// (a few KB) fits the pipe, so it is written before waiting; stdout/stderr go to pipes read
// after the child exits (the outputs are tiny).
Result<RunOutput> RunTimed(const std::vector<std::string>& argv, const std::string& input) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    return Unavailable("pipe failed");
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Stopwatch sw;
  pid_t pid = fork();
  if (pid < 0) return Unavailable("fork failed");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  size_t off = 0;
  while (off < input.size()) {
    ssize_t n = write(in_pipe[1], input.data() + off, input.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  close(in_pipe[1]);
  RunOutput r;
  int status = 0;
  waitpid(pid, &status, 0);
  r.ms = sw.ElapsedMs();
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Drain(out_pipe[0]);
  r.err = Drain(err_pipe[0]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  return r;
}

Result<HookCase> RunHooks(const std::string& memex, const std::string& data_dir,
                          const std::string& server, int n) {
  HookCase c;
  std::vector<double> ms;
  for (int i = 0; i < n + 10; ++i) {  // 10 unmeasured warm-up runs (page cache, server threads)
    std::vector<std::string> argv = {memex,      "hook", "post-tool-use", "--agent", "claude-code",
                                     "--server", server, "--data-dir",    data_dir};
    ASSIGN_OR_RETURN(RunOutput r, RunTimed(argv, RealisticPayload(i)));
    if (i == 0) c.first_stderr = r.err;
    if (i < 10) continue;
    ms.push_back(r.ms);
    ++c.runs;
    if (r.status != 0 || r.out != "{}\n") ++c.unexpected_output;
  }
  c.latency = Summarize(std::move(ms));
  return c;
}

// Lines waiting in a spool directory: hooks.jsonl and any draining-*.jsonl a drain left.
int64_t CountSpooled(const std::string& spool_dir) {
  int64_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(spool_dir, ec)) {
    if (e.path().extension() != ".jsonl") continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) ++n;
  }
  return n;
}

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

bool RouteExists(int port, const std::string& path, const std::string& body) {
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Post(path, body, "application/json");
  return res && res->status != 404;
}

void PrintCase(std::ostream& out, const char* name, const HookCase& c, double bar) {
  const LatencySummary& l = c.latency;
  out << "  " << std::left << std::setw(22) << name << std::right << std::fixed
      << std::setprecision(2) << "p50 " << std::setw(6) << l.p50_ms << " ms  p95 " << std::setw(6)
      << l.p95_ms << " ms  p99 " << std::setw(6) << l.p99_ms << " ms  max " << std::setw(6)
      << l.max_ms << " ms  (n=" << c.runs << ", bar p99 <= " << bar
      << " ms: " << (l.p99_ms <= bar ? "PASS" : "FAIL") << ")\n";
  if (c.unexpected_output > 0) {
    out << "    " << c.unexpected_output << " runs printed something other than {}\n";
  }
}

}  // namespace

Result<HookBenchResult> RunHookBench(const HookBenchOptions& opts) {
  HookBenchResult r;
  r.memex_binary = FindMemexBinary();
  if (r.memex_binary.empty()) {
    return FailedPrecondition("no memex executable next to memex_bench (build target memex)");
  }
  const std::string& memex = r.memex_binary;
  ASSIGN_OR_RETURN(TempDir server_dir, TempDir::Create(opts.tmp_parent, "memex-bench-hook-srv-"));
  ASSIGN_OR_RETURN(TempDir client_dir, TempDir::Create(opts.tmp_parent, "memex-bench-hook-cli-"));

  ASSIGN_OR_RETURN(int port, PickFreePort());
  std::cerr << "hook: memex serve on port " << port << "\n";
  ASSIGN_OR_RETURN(ChildProcess serve,
                   ChildProcess::Spawn({memex, "--data-dir", server_dir.path(), "serve", "--port",
                                        std::to_string(port)},
                                       server_dir.path() + "/serve.log"));
  RETURN_IF_ERROR(WaitHealthy(port));
  const std::string server = "http://127.0.0.1:" + std::to_string(port);
  r.hook_route = RouteExists(port,
                             "/hook?event=stop&agent=bench&workspace=default&project=b"
                             "&cwd=%2Ftmp&ingest_key=probe1&ts_ms=1",
                             "{}");
  r.batch_route = RouteExists(port, "/hook/batch", R"({"events":[]})");

  std::cerr << "hook: " << opts.events << " events with the server up\n";
  ASSIGN_OR_RETURN(r.server_up, RunHooks(memex, client_dir.path(), server, opts.events));
  // Events the server could not take (none when /hook exists) must not count as spooled below.
  std::filesystem::remove(client_dir.path() + "/spool/hooks.jsonl");

  ASSIGN_OR_RETURN(int dead_port, PickFreePort());
  std::cerr << "hook: " << opts.events << " events with nothing listening (spooling)\n";
  ASSIGN_OR_RETURN(r.spooling,
                   RunHooks(memex, client_dir.path(),
                            "http://127.0.0.1:" + std::to_string(dead_port), opts.events));
  const std::string spool_dir = client_dir.path() + "/spool";
  r.spooled_lines = CountSpooled(spool_dir);

  std::cerr << "hook: draining " << r.spooled_lines << " spooled events\n";
  ASSIGN_OR_RETURN(
      RunOutput drain,
      RunTimed({memex, "--data-dir", client_dir.path(), "--server", server, "hook", "drain"}, ""));
  r.drain_ms = drain.ms;
  r.drain_output = drain.out;
  while (!r.drain_output.empty() && r.drain_output.back() == '\n') r.drain_output.pop_back();
  r.spool_left = CountSpooled(spool_dir);
  return r;
}

void PrintHookBench(const HookBenchResult& r, std::ostream& out) {
  out << "memex hook (" << r.memex_binary << "), wall time per event from fork to exit\n";
  if (!r.hook_route) {
    out << "  note: the server has no POST /hook yet (404): the server-up runs measure a post\n"
        << "        whose answer is dropped; the numbers still cover start, post and exit\n";
  }
  PrintCase(out, "server up", r.server_up, kHookBarUpP99Ms);
  PrintCase(out, "spooling (no server)", r.spooling, kHookBarSpoolP99Ms);
  if (!r.server_up.first_stderr.empty()) {
    out << "  first server-up run's stderr: " << r.server_up.first_stderr;
  }
  out << "  spooled " << r.spooled_lines << " events; `memex hook drain`: " << std::fixed
      << std::setprecision(1) << r.drain_ms << " ms -> " << r.drain_output << " (" << r.spool_left
      << " left" << (r.batch_route ? "" : "; no POST /hook/batch yet") << ")\n";
}

bool HookPasses(const HookBenchResult& r) {
  return r.server_up.latency.p99_ms <= kHookBarUpP99Ms &&
         r.spooling.latency.p99_ms <= kHookBarSpoolP99Ms && r.server_up.unexpected_output == 0 &&
         r.spooling.unexpected_output == 0 && r.spool_left == 0;
}

}  // namespace memex::bench
