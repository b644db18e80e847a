// Composition root of the front binary `memex` (docs/capture.md, "Speed"):
// wires the process (streams, environment, working directory, clock) into front::RunFront,
// which answers `memex hook` and hands every other command to memex-core. Linked with
// --as-needed and without httplib, OpenSSL or SQLite so that it starts in about 1.5 ms.
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "base/clock.h"
#include "config/config_loader.h"
#include "front/front.h"

#ifndef MEMEX_VERSION
#define MEMEX_VERSION "0.0.0-dev"
#endif

int main(int argc, char** argv) {
  // A hook whose agent closed the pipe must not die of SIGPIPE before it spooled the event.
  signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(false);
  memex::SystemClock clock;
  char buf[4096];
  std::string cwd = getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
  memex::front::FrontDeps deps{
      .version = MEMEX_VERSION,
      .clock = clock,
      .env = memex::ProcessEnv(),
      .cwd = cwd,
      .in = std::cin,
      .out = std::cout,
      .err = std::cerr,
      .self_exe = memex::front::SelfExePath(),
      .exec_core = memex::front::ExecCoreBesideSelf,
      .spawn_detached = memex::front::SpawnDetachedProcess,
  };
  int code = memex::front::RunFront(argc, argv, deps);
  std::cout.flush();
  return code;
}
