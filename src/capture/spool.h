// The durable hook spool (docs/capture.md, "With a server"): events the server could not take,
// one JSON line each, in <dir>/hooks.jsonl (file 0600, directory 0700), sent later exactly once
// (the server stores an ingest key once, so re-sending after a crash is harmless).
//
// Files in <dir>:
//   hooks.jsonl                   appended to by hook clients
//   draining-<ms>-<pid>.jsonl     hooks.jsonl renamed by a drainer; removed once acknowledged
//   drain.lock                    held (flock) by the one drainer at work
//   dropped                       decimal count of events dropped because the spool was full
//
// Thread-safety: safe for concurrent use by threads and processes. Every call opens its own
// descriptors; appenders serialise on flock(hooks.jsonl) and re-check its inode after locking,
// so an append never lands in a file a drainer has already read. An appender that keeps losing
// that race to drainers takes drain.lock shared, so it always gets through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace memex::capture {

class Spool {
 public:
  // A spool in `dir` that holds at most `max_bytes` of pending lines in hooks.jsonl. Creates
  // `dir` (mode 0700, parents too) when missing. Errors: kFailedPrecondition when `dir` cannot
  // be created or is not a directory.
  static Result<Spool> Open(std::string dir, int64_t max_bytes);

  const std::string& dir() const { return dir_; }

  // Appends `line` and a newline with one write(2), then fdatasync: when this returns OK the
  // event survives a crash. Errors: kResourceExhausted when the line would take hooks.jsonl
  // past max_bytes (the event is dropped and the `dropped` counter incremented);
  // kInvalidArgument when `line` is empty or contains a newline; kUnavailable on I/O errors
  // (nothing partial is left behind).
  Status Append(std::string_view line);

  // True when there is anything to drain: a non-empty hooks.jsonl or a draining-* file. Cheap
  // (a stat and a directory scan); false on I/O errors.
  bool HasPending() const;

  // Events dropped so far (0 when the counter file is missing or unreadable).
  int64_t Dropped() const;

  // Receives one batch of lines (without newlines, in spool order). OK: acknowledged, the lines
  // are removed. kInvalidArgument: the receiver rejects them for good (malformed); they are
  // dropped and counted. Anything else: stop draining and keep them for the next drain.
  using SendFn = std::function<Status(const std::vector<std::string>& lines)>;

  struct DrainStats {
    bool busy = false;    // another drainer holds drain.lock: nothing was done
    int64_t sent = 0;     // lines acknowledged
    int64_t dropped = 0;  // lines rejected for good (kInvalidArgument) or unreadable
    int64_t files = 0;    // spool files finished and removed
  };

  // Sends everything pending: leftover draining-* files first (oldest first), then hooks.jsonl
  // (renamed to draining-<ms>-<pid>.jsonl, then flocked, which waits for an appender that
  // still writes to it). Batches hold at most `max_lines` lines and about `max_bytes` bytes (a
  // longer line goes alone). A file is removed only when every one of its lines was
  // acknowledged; after a failure, the lines not yet acknowledged stay in it. Returns at once
  // with `busy` when another drainer holds drain.lock. Errors: the sender's status when it
  // stopped the drain (the stats so far are lost with it), kUnavailable on I/O errors.
  Result<DrainStats> Drain(const SendFn& send, size_t max_lines = 1000, size_t max_bytes = 3 << 20);

 private:
  Spool(std::string dir, int64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

  Status DrainFile(const std::string& path, const SendFn& send, size_t max_lines, size_t max_bytes,
                   DrainStats& stats);

  std::string dir_;
  int64_t max_bytes_;
};

}  // namespace memex::capture
