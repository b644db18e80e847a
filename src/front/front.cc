#include "front/front.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ostream>

#include "front/front_args.h"
#include "front/hook_client.h"

namespace memex::front {

int RunFront(int argc, char** argv, FrontDeps& deps) {
  std::vector<std::string> args(argv + 1, argv + argc);
  FrontCommand cmd = ParseFrontArgs(args);
  if (cmd.action == FrontAction::kUsageError) {
    deps.err << "memex hook: " << cmd.error << "\n";
    deps.out << "{}\n";
    return 0;
  }
  if (cmd.action == FrontAction::kHook || cmd.action == FrontAction::kHookDrain) {
    if (std::optional<int> code = RunHookCommand(cmd, deps)) return *code;
  }
  deps.out.flush();
  deps.err.flush();
  std::string why = deps.exec_core(argv);
  deps.err << "memex: " << why << "\n";
  if (cmd.is_hook) {  // never fail the agent
    deps.out << "{}\n";
    return 0;
  }
  return 1;
}

std::string SelfExePath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<size_t>(n));
}

std::string ExecCoreBesideSelf(char** argv) {
  std::string self = SelfExePath();
  if (self.empty()) return "cannot find memex-core: /proc/self/exe is unreadable";
  std::string core = self.substr(0, self.find_last_of('/') + 1) + "memex-core";
  execv(core.c_str(), argv);
  return "cannot run " + core +
         " (the full memex binary, installed beside memex): " + std::strerror(errno);
}

void SpawnDetachedProcess(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& extra_env) {
  if (argv.empty()) return;
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return;
  if (pid == 0) {
    // Child: a new session, then a grandchild that nobody waits for (init reaps it), so the
    // agent's hook returns at once and the drain outlives it.
    setsid();
    if (fork() != 0) _exit(0);
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, STDIN_FILENO);
      dup2(null_fd, STDOUT_FILENO);
      dup2(null_fd, STDERR_FILENO);
    }
    close_range(3, ~0U, 0);  // the agent's pipes must not stay open in the drainer
    for (const auto& [name, value] : extra_env) setenv(name.c_str(), value.c_str(), 1);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace memex::front
