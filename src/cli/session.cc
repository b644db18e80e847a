#include "cli/session.h"

#include <filesystem>

#include "base/log.h"

namespace memex::cli {

Session::Session(const Deps& deps, GlobalOptions globals)
    : deps_(deps), globals_(std::move(globals)), output_(deps.out, deps.err, globals_.json) {}

Session::~Session() = default;

Result<const Config*> Session::GetConfig() {
  if (config_) return &*config_;
  ASSIGN_OR_RETURN(Config config,
                   LoadConfig(ConfigOverrides{globals_.config_path, globals_.data_dir}, deps_.env));
  LogLevel level;
  if (globals_.log_level.empty() && ParseLogLevel(config.log_level, level)) SetLogLevel(level);
  config_ = std::move(config);
  return &*config_;
}

Result<ResolvedScope> Session::GetScope() {
  if (scope_) return *scope_;
  ASSIGN_OR_RETURN(const Config* config, GetConfig());
  ASSIGN_OR_RETURN(ResolvedScope scope, ResolveScope(ScopeInputs{globals_.scope, deps_.cwd,
                                                                 config->scope.default_workspace}));
  scope_ = scope;
  return scope;
}

std::string Session::DatabasePath(const Config& config) {
  return (std::filesystem::path(config.data_dir) / kDatabaseFile).string();
}

Result<MemoryService*> Session::GetService() {
  if (service_) return service_.get();
  ASSIGN_OR_RETURN(const Config* config, GetConfig());
  RETURN_IF_ERROR(EnsureDataDir(config->data_dir));
  ASSIGN_OR_RETURN(redactor_, Redactor::Create(config->redaction));
  ASSIGN_OR_RETURN(store_, deps_.open_store(*config, DatabasePath(*config)));
  service_ = std::make_unique<MemoryService>(*store_, *config, deps_.clock, *redactor_);
  return service_.get();
}

Result<const Redactor*> Session::GetRedactor() {
  RETURN_IF_ERROR(GetService().status());
  return static_cast<const Redactor*>(redactor_.get());
}

bool Session::ProgressEnabled() const {
  if (globals_.no_progress) return false;
  return globals_.progress || deps_.stderr_is_tty;
}

}  // namespace memex::cli
