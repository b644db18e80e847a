// Composition root: the only file that names concrete implementations. It wires the process
// (streams, environment, working directory, clock) and the SQLite store into the CLI.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "base/clock.h"
#include "cli/app.h"
#include "config/config_loader.h"
#include "store/sqlite/sqlite_store.h"

#ifndef MEMEX_VERSION
#define MEMEX_VERSION "0.0.0-dev"
#endif

int main(int argc, char** argv) {
  // A reader that goes away (a closed pipe, an MCP client that exits) must show up as a failed
  // write the code can report, not as a silent SIGPIPE death.
  signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(false);
  memex::SystemClock clock;
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  memex::cli::Deps deps{
      .version = MEMEX_VERSION,
      .open_store = [&clock](const memex::Config& config, const std::string& db_path)
          -> memex::Result<std::unique_ptr<memex::Store>> {
        ASSIGN_OR_RETURN(std::unique_ptr<memex::SqliteStore> store,
                         memex::SqliteStore::Open(db_path, config.storage, clock));
        return std::unique_ptr<memex::Store>(std::move(store));
      },
      .clock = clock,
      .env = memex::ProcessEnv(),
      .cwd = ec ? std::string() : cwd,
      .in = std::cin,
      .out = std::cout,
      .err = std::cerr,
      .stdin_is_tty = isatty(STDIN_FILENO) == 1,
      .stderr_is_tty = isatty(STDERR_FILENO) == 1,
  };
  int code = memex::cli::RunCli(argc, argv, deps);
  std::cout.flush();
  return code;
}
