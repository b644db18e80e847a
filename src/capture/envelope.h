// What a hook client adds to an agent's payload before it posts or spools it (docs/capture.md):
// the event, the agent, the scope worked out from the payload's cwd, the git branch, a fresh
// ingest key and the time. One rule for both hook clients: the front (`memex`, front/) and
// `memex-core hook` (cli/).
//
// Thread-safety: pure apart from reading the file system (scope markers, .git/HEAD).
#pragma once

#include <cstdint>
#include <string>

#include "capture/hook_payload.h"

namespace memex::capture {

struct EnvelopeInputs {
  std::string event;              // as the agent names it; unknown names become kOther
  std::string agent;              // "" = "unknown"
  std::string payload_cwd;        // the payload's cwd (PayloadHead::cwd), "" when absent
  std::string process_cwd;        // the hook process's working directory
  std::string explicit_scope;     // --scope, "" = none
  std::string default_workspace;  // config scope.default_workspace
  int64_t now_ms = 0;
};

struct Envelope {
  HookEnvelope envelope;
  std::string warning;  // a problem worth one stderr line (a bad --scope), "" when none
};

// The envelope of one event. Never fails: the cwd is the payload's when it is absolute, else the
// process's; the scope is --scope, else resolved from that cwd, else from the process's cwd,
// else <default workspace>/default; the ingest key is random (32 hex digits), or made of the
// time and pid when the kernel has no randomness to give.
Envelope MakeEnvelope(const EnvelopeInputs& in);

}  // namespace memex::capture
