// ChildProcess: a `memex` child started with posix_spawn for the server benchmark, its stdin and
// stdout on pipes (for `memex mcp`) and its stderr appended to a log file. The destructor sends
// SIGTERM, waits up to 5 s, then SIGKILLs and reaps.
//
// Thread-safety: none; one thread drives a child.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/status.h"

namespace memex::bench {

class ChildProcess {
 public:
  // Starts `argv[0]` (a path) with `argv`; stderr goes to `stderr_log`.
  static Result<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                    const std::string& stderr_log);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Writes `line` and a newline to the child's stdin.
  Status WriteLine(const std::string& line);
  // The next line of the child's stdout (without the newline). kUnavailable after
  // `timeout_ms`, also when the child closed its stdout.
  Result<std::string> ReadLine(int timeout_ms);
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int in_fd, int out_fd) : pid_(pid), in_fd_(in_fd), out_fd_(out_fd) {}

  pid_t pid_ = -1;
  int in_fd_ = -1;   // the child's stdin (we write)
  int out_fd_ = -1;  // the child's stdout (we read)
  std::string buffer_;
};

// The `memex` executable next to this process's executable; "" when there is none.
std::string FindMemexBinary();

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
Result<int> PickFreePort();

}  // namespace memex::bench
