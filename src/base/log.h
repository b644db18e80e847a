// Minimal leveled logging to stderr (stdout belongs to command output and, later, MCP stdio).
// Thread-safety: safe to call from any thread; lines are written whole.
#pragma once

#include <string_view>

namespace memex {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Parses "debug|info|warn|error|off"; returns false on anything else.
bool ParseLogLevel(std::string_view text, LogLevel& out);
void Log(LogLevel level, std::string_view message);

inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace memex
