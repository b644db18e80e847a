// Session: the per-invocation state a command runs against — the global options, the loaded
// config, the resolved scope and, opened on first use, the store and the MemoryService. It owns
// what it opens; everything in Deps is borrowed from main().
//
// Thread-safety: not thread-safe; one Session per invocation.
#pragma once

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/semantic_setup.h"
#include "config/config.h"
#include "config/config_loader.h"
#include "config/scope_resolver.h"
#include "http/remote_capture_api.h"
#include "http/remote_memory_api.h"
#include "redact/redactor.h"
#include "service/capture_service.h"
#include "service/decay_sweep.h"
#include "service/memory_api.h"
#include "service/memory_service.h"
#include "service/token_service.h"
#include "store/store.h"

namespace memex::cli {

// Opens (creating if missing) the database at `db_path` with the given config. Supplied by the
// composition root so that cli/ never names a concrete store.
using StoreOpener =
    std::function<Result<std::unique_ptr<Store>>(const Config& config, const std::string& db_path)>;

// What the CLI needs from the process; main() builds it.
struct Deps {
  std::string version;
  StoreOpener open_store;
  const Clock& clock;
  EnvFn env;
  std::string cwd;  // absolute working directory (scope resolution)
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool stdin_is_tty = false;
  bool stderr_is_tty = false;
};

// Options accepted before or after any subcommand.
struct GlobalOptions {
  std::string config_path;
  std::string data_dir;
  std::string scope;
  std::string log_level;
  std::string server;  // --server URL: talk to a running `memex serve` (else $MEMEX_SERVER)
  std::string token;   // --token: bearer token for --server (else $MEMEX_TOKEN)
  bool json = false;
  bool progress = false;
  bool no_progress = false;
  bool version = false;
};

// The database file inside the data directory.
inline constexpr std::string_view kDatabaseFile = "memex.db";

class Session {
 public:
  // Borrows `deps`, which must outlive the session.
  Session(const Deps& deps, GlobalOptions globals);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const Deps& deps() const { return deps_; }
  const GlobalOptions& globals() const { return globals_; }
  Output& output() { return output_; }
  int64_t NowMs() const { return deps_.clock.NowMs(); }

  // Loads the config once (defaults, file, --config/--data-dir overrides) and applies its log
  // level unless --log-level was given. Errors: LoadConfig's (bad file: kInvalidArgument; a
  // missing explicit file: kNotFound).
  Result<const Config*> GetConfig();
  // Resolves the scope once: --scope, else from the working directory. Errors: ResolveScope's.
  Result<ResolvedScope> GetScope();
  // <data_dir>/memex.db for the loaded config.
  static std::string DatabasePath(const Config& config);
  // Creates the data directory (0700) if needed and opens the store and the service, once.
  // Errors: kFailedPrecondition (read-only or unusable data dir), the store's open errors
  // (kDataLoss for a corrupt file, kFailedPrecondition for a newer schema, kUnavailable).
  // The redactor the service stores through (opens the service first). Errors: GetService's.
  Result<const Redactor*> GetRedactor();
  Result<MemoryService*> GetService();
  // Capture (hook events, sessions, lessons, handoffs) on the local store (opens the service
  // first). Errors: GetService's; kFailedPrecondition when the storage engine has no capture.
  Result<CaptureService*> GetCapture();
  // The capture records: the remote server's when one is configured, else GetCapture's.
  Result<CaptureApi*> GetCaptureApi();
  // The bearer tokens of the local store (opens the service first). Errors: GetService's.
  Result<TokenService*> GetTokens();
  // Archiving and decay on the local store with the config's [decay] (opens the service
  // first). Errors: GetService's.
  Result<DecaySweep*> GetDecay();
  // The memory operations: the remote server when one is configured (--server or
  // $MEMEX_SERVER), else the local service (GetService, with its errors). Errors: GetConfig's,
  // RemoteMemoryApi::Create's (kInvalidArgument for a bad URL).
  Result<MemoryApi*> GetApi();
  // The thin client, or nullptr when no server is configured. Errors: as GetApi.
  Result<http::RemoteMemoryApi*> GetRemote();

  // Whether long operations should draw a progress bar (TTY stderr, --progress/--no-progress).
  bool ProgressEnabled() const;

  // Opens semantic recall now and starts its background embedding worker (`memex serve`).
  // When it cannot be opened (no model files, a bad endpoint URL) the reason is logged and
  // recall stays lexical. Errors: GetService's.
  Status StartSemantic();
  // The end of `memex serve` or `memex mcp`: stops the embedding worker and saves the vector
  // index if vectors arrived since it was last saved (a restart then loads it instead of
  // rebuilding it). Failures are logged, never returned.
  void StopSemantic();
  // The semantic stack, opened now if it was not (nullptr for provider "none"). For `memex
  // reindex` and `memex status`. Errors: GetService's, OpenSemantic's.
  Result<SemanticStack*> GetSemantic();
  // The local store's vectors (opens the service first). Errors: GetService's,
  // kFailedPrecondition when the storage engine keeps no vectors.
  Result<EmbeddingStore*> GetEmbeddingStore();

  // Lets a command that printed its own result still end with a non-zero code (doctor).
  void set_exit_code(ExitCode code) { exit_code_ = code; }
  ExitCode exit_code() const { return exit_code_; }

  // True when this run opened the local data directory's store (and so its calls are audited
  // here, as interface "cli"; a remote server audits its own).
  bool opened_local_store() const { return store_ != nullptr; }

 private:
  const Deps& deps_;
  GlobalOptions globals_;
  Output output_;
  ExitCode exit_code_ = ExitCode::kOk;
  // Declared in dependency order so that destruction runs service -> store -> redactor -> config.
  std::optional<Config> config_;
  std::optional<ResolvedScope> scope_;
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TokenService> tokens_;     // borrows store_
  std::unique_ptr<DecaySweep> decay_;        // borrows store_ and config_
  std::unique_ptr<SemanticStack> semantic_;  // borrows store_
  bool semantic_opened_ = false;
  std::unique_ptr<MemoryService> service_;   // borrows semantic_
  std::unique_ptr<CaptureService> capture_;  // borrows service_ and store_
  std::unique_ptr<http::RemoteMemoryApi> remote_;
  std::unique_ptr<http::RemoteCaptureApi> remote_capture_;  // borrows remote_
};

}  // namespace memex::cli
