#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace memex {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kWarn)};
std::mutex g_mu;

}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

bool ParseLogLevel(std::string_view t, LogLevel& out) {
  if (t == "debug")
    out = LogLevel::kDebug;
  else if (t == "info")
    out = LogLevel::kInfo;
  else if (t == "warn" || t == "warning")
    out = LogLevel::kWarn;
  else if (t == "error")
    out = LogLevel::kError;
  else if (t == "off")
    out = LogLevel::kOff;
  else
    return false;
  return true;
}

void Log(LogLevel level, std::string_view message) {
  if (static_cast<int>(level) < g_level.load() || level == LogLevel::kOff) return;
  static constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
  std::string line = "memex ";
  line += kNames[static_cast<int>(level)];
  line += ": ";
  line += message;
  line += '\n';
  std::lock_guard<std::mutex> lock(g_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace memex
