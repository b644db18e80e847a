// `memex hook <event>` and `memex hook drain` against an http:// server (docs/capture.md,
// "The hook command", "Wire: POST /hook", "Spool").
//
// hook: reads the payload on stdin (at most kMaxInputBytes), caps it (capture.max_event_bytes),
// resolves the scope (--scope, else the payload's cwd, else the process cwd), the git branch and
// a fresh ingest key, and posts it to <server>/hook within capture.hook_timeout_ms:
//   200 {"stdout": s}  -> prints s verbatim        202 / other 2xx -> prints {}
//   unreachable, timeout, 429, 5xx -> appends the event to <data_dir>/spool/hooks.jsonl, {}
//   other 4xx (bad input, auth) -> one line on stderr, {} (retrying would not help)
// After a successful post with a non-empty spool, it starts a detached `memex hook drain`.
//
// drain: sends the spool to <server>/hook/batch ({"events":[line, ...]}, 200 = acknowledged),
// prints {"sent":N,"dropped":M,"busy":B} (and "error" when it stopped early).
//
// Thread-safety: called once per process.
#pragma once

#include <cstddef>
#include <optional>

#include "front/front.h"
#include "front/front_args.h"

namespace memex::front {

inline constexpr size_t kMaxInputBytes = 32 << 20;  // stdin beyond this is read and discarded
inline constexpr int kDrainBatchTimeoutMs = 30000;  // per POST /hook/batch

// Runs a kHook or kHookDrain command. std::nullopt when memex-core must run it instead: no
// server is configured, or it is not http://. Otherwise the exit code (0).
std::optional<int> RunHookCommand(const FrontCommand& cmd, FrontDeps& deps);

}  // namespace memex::front
