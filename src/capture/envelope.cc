#include "capture/envelope.h"

#include <unistd.h>

#include "config/scope_resolver.h"

namespace memex::capture {

Envelope MakeEnvelope(const EnvelopeInputs& in) {
  Envelope out;
  HookEnvelope& env = out.envelope;
  Result<EventKind> kind = ParseEventKind(in.event);
  env.kind = kind.ok() ? *kind : EventKind::kOther;  // never refuse an agent's new event
  env.agent = in.agent.empty() ? "unknown" : in.agent;
  env.cwd =
      !in.payload_cwd.empty() && in.payload_cwd.front() == '/' ? in.payload_cwd : in.process_cwd;
  const std::string& ws = in.default_workspace;
  bool resolved = false;
  if (!in.explicit_scope.empty()) {
    Result<ResolvedScope> r = ResolveScope({in.explicit_scope, in.process_cwd, ws});
    if (r.ok()) {
      env.scope = r->scope;
      resolved = true;
    } else {
      out.warning = r.status().message() + " (resolving from the working directory)";
    }
  }
  // A cwd the hook cannot name (deleted, odd characters) falls back to the process's.
  for (const std::string& cwd : {env.cwd, in.process_cwd}) {
    if (resolved || cwd.empty()) continue;
    Result<ResolvedScope> r = ResolveScope({"", cwd, ws});
    if (r.ok()) {
      env.scope = r->scope;
      resolved = true;
    }
  }
  if (!resolved) env.scope = Scope{ws, "default"};
  env.git_branch = ReadGitBranch(env.cwd);
  env.ts_ms = in.now_ms;
  if (Result<std::string> key = NewIngestKey(); key.ok()) {
    env.ingest_key = *key;
  } else {  // no kernel randomness: time and pid still make retries of this event unique
    env.ingest_key = "t" + std::to_string(env.ts_ms) + "-" + std::to_string(getpid());
  }
  return out;
}

}  // namespace memex::capture
