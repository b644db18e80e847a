#include "measure.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <thread>

namespace memex::bench {
namespace fs = std::filesystem;
namespace {

// The value of "Key:   123 kB" lines in /proc files, in bytes; 0 when missing.
int64_t ProcKb(const std::string& text, std::string_view key) {
  size_t pos = text.find(key);
  if (pos == std::string::npos) return 0;
  return std::strtoll(text.c_str() + pos + key.size(), nullptr, 10) * 1024;
}

std::string ReadSmallFile(const char* path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs a shell command and returns its first output line ("" on failure).
std::string FirstLineOf(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::array<char, 256> buf{};
  std::string line;
  if (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) line = buf.data();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

LatencySummary Summarize(std::vector<double> samples_ms) {
  LatencySummary s;
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  const size_t n = samples_ms.size();
  auto rank = [&](double p) {
    auto idx = static_cast<size_t>(std::ceil(p * static_cast<double>(n)));
    return samples_ms[std::clamp<size_t>(idx, 1, n) - 1];
  };
  s.n = static_cast<int64_t>(n);
  s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) / static_cast<double>(n);
  s.p50_ms = rank(0.50);
  s.p95_ms = rank(0.95);
  s.p99_ms = rank(0.99);
  s.max_ms = samples_ms.back();
  return s;
}

ProcMemory ReadProcMemory() {
  std::string status = ReadSmallFile("/proc/self/status");
  return {ProcKb(status, "VmRSS:"), ProcKb(status, "VmHWM:")};
}

bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

DiskUsage MeasureDir(const std::string& dir) {
  DiskUsage u;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto size = static_cast<int64_t>(it->file_size(ec));
    if (ec) continue;
    std::string name = it->path().filename().string();
    u.total_bytes += size;
    ++u.files;
    if (name.ends_with("-wal")) u.wal_bytes += size;
    if (name.ends_with("-shm")) u.shm_bytes += size;
  }
  return u;
}

Result<TempDir> TempDir::Create(const std::string& parent, const std::string& prefix) {
  std::error_code ec;
  fs::path base = parent.empty() ? fs::temp_directory_path(ec) : fs::path(parent);
  if (ec) return Internal("no temporary directory: " + ec.message());
  std::string templ = (base / (prefix + "XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    return Internal("mkdtemp " + templ + " failed");
  }
  return TempDir(templ);
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

MachineInfo CollectMachineInfo(const std::string& repo_root) {
  MachineInfo m;
  m.nproc = std::thread::hardware_concurrency();
  std::string cpuinfo = ReadSmallFile("/proc/cpuinfo");
  if (size_t pos = cpuinfo.find("model name"); pos != std::string::npos) {
    size_t colon = cpuinfo.find(':', pos);
    size_t eol = cpuinfo.find('\n', pos);
    if (colon != std::string::npos && colon < eol)
      m.cpu_model = cpuinfo.substr(colon + 2, eol - colon - 2);
  }
  m.mem_total_bytes = ProcKb(ReadSmallFile("/proc/meminfo"), "MemTotal:");
  if (struct utsname u{}; uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
#if defined(__clang__)
  m.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  m.compiler = "gcc " __VERSION__;
#else
  m.compiler = "unknown";
#endif
#if defined(NDEBUG) && defined(__OPTIMIZE__)
  m.build_type = "release";
#else
  m.build_type = "debug";
#endif
  m.sqlite_version = sqlite3_libversion();
  if (!repo_root.empty()) {
    std::string git = "git -C " + ShellQuote(repo_root) + " ";
    m.git_commit = FirstLineOf(git + "rev-parse HEAD 2>/dev/null");
    if (!m.git_commit.empty()) {
      m.git_dirty =
          !FirstLineOf(git + "status --porcelain --untracked-files=no 2>/dev/null").empty();
    }
  }
  return m;
}

std::string UtcTimestamp(bool compact) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string WithCommas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace memex::bench
