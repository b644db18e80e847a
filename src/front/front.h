// The front binary (`memex`): the one process agents' hooks start on every event, kept small so
// it starts in about 1.5 ms of CPU (docs/capture.md, "Speed"). It answers
// `memex hook <event>` and `memex hook drain` itself when an http:// server is configured; every
// other command (and hook without a server, or with an https:// one) is execv of `memex-core`,
// the full binary, found beside it, with argv unchanged.
//
// Thread-safety: RunFront is called once, from main.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "config/config_loader.h"

namespace memex::front {

struct FrontDeps {
  std::string version;
  const Clock& clock;
  EnvFn env;
  std::string cwd;  // the process's working directory ("" when unknown)
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  // The front's own executable (what a detached `hook drain` runs).
  std::string self_exe;
  // Replaces the process with memex-core running `argv`; returns only when that failed, with
  // a one-line reason.
  std::function<std::string(char** argv)> exec_core;
  // Starts `argv` detached (new session, stdio on /dev/null, not waited for) with `extra_env`
  // added to the environment.
  std::function<void(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& extra_env)>
      spawn_detached;
};

// Runs the command. Exit code: always 0 for `hook` (its output is `{}` or what the server said
// to print; problems are one line on stderr); 1 when memex-core cannot be started for another
// command.
int RunFront(int argc, char** argv, FrontDeps& deps);

// The process implementations of FrontDeps::exec_core and spawn_detached.
std::string ExecCoreBesideSelf(char** argv);
void SpawnDetachedProcess(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& extra_env);
// readlink(/proc/self/exe); "" when unavailable.
std::string SelfExePath();

}  // namespace memex::front
