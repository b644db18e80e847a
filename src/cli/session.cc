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
                   LoadConfig(ConfigOverrides{globals_.config_path, globals_.data_dir,
                                              globals_.server, globals_.token},
                              deps_.env));
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
  if (dynamic_cast<EmbeddingStore*>(store_.get()) != nullptr) {
    service_->SetSemanticOpener([this]() -> Result<SemanticParts> {
      ASSIGN_OR_RETURN(SemanticStack * stack, GetSemantic());
      if (stack == nullptr) return SemanticParts{};
      // A one-shot command has no background worker: it embeds what is pending first, up to
      // a bound (the server, or `memex reindex`, does the rest).
      constexpr int64_t kCatchUp = 256;
      if (Result<int64_t> ran = stack->worker->RunOnce(kCatchUp); !ran.ok()) {
        LogWarn("embeddings: " + ran.status().ToString() + " (pending memories stay lexical)");
      }
      return stack->parts();
    });
  }
  return service_.get();
}

Result<SemanticStack*> Session::GetSemantic() {
  if (semantic_opened_) return semantic_.get();
  ASSIGN_OR_RETURN(EmbeddingStore * vectors, GetEmbeddingStore());
  ASSIGN_OR_RETURN(semantic_, OpenSemantic(*config_, *vectors, 1));
  semantic_opened_ = true;
  return semantic_.get();
}

void Session::StopSemantic() {
  if (semantic_ == nullptr || semantic_->index == nullptr) return;
  if (service_ != nullptr) service_->SetSemantic(SemanticParts{});
  semantic_->worker.reset();  // stops its thread: nothing is added while the files are written
  if (Status st = semantic_->index->Persist(SemanticIndex::SaveWhen::kChanged); !st.ok()) {
    LogWarn("vector index not saved: " + st.ToString());
  }
}

Result<EmbeddingStore*> Session::GetEmbeddingStore() {
  RETURN_IF_ERROR(GetService().status());
  auto* vectors = dynamic_cast<EmbeddingStore*>(store_.get());
  if (vectors == nullptr) {
    return FailedPrecondition("the '" + config_->storage.engine +
                              "' storage engine does not store vectors");
  }
  return vectors;
}

Status Session::StartSemantic() {
  ASSIGN_OR_RETURN(MemoryService * service, GetService());
  Result<SemanticStack*> stack = GetSemantic();
  if (!stack.ok()) {
    LogWarn("semantic recall is off: " + stack.status().ToString() + " (recall is lexical only)");
    service->SetSemantic(SemanticParts{});
    return Status::Ok();
  }
  if (*stack == nullptr) {
    service->SetSemantic(SemanticParts{});
    return Status::Ok();
  }
  service->SetSemantic((*stack)->parts());
  (*stack)->worker->Start();
  return Status::Ok();
}

Result<CaptureService*> Session::GetCapture() {
  if (capture_) return capture_.get();
  ASSIGN_OR_RETURN(MemoryService * service, GetService());
  auto* store = dynamic_cast<CaptureStore*>(store_.get());
  if (store == nullptr) {
    return FailedPrecondition("the '" + config_->storage.engine +
                              "' storage engine does not store hook events");
  }
  capture_ = std::make_unique<CaptureService>(*service, *store, *config_, deps_.clock, *redactor_);
  return capture_.get();
}

Result<CaptureApi*> Session::GetCaptureApi() {
  ASSIGN_OR_RETURN(http::RemoteMemoryApi * remote, GetRemote());
  if (remote != nullptr) {
    if (!remote_capture_) remote_capture_ = std::make_unique<http::RemoteCaptureApi>(*remote);
    return static_cast<CaptureApi*>(remote_capture_.get());
  }
  ASSIGN_OR_RETURN(CaptureService * capture, GetCapture());
  return static_cast<CaptureApi*>(capture);
}

Result<TokenService*> Session::GetTokens() {
  if (tokens_) return tokens_.get();
  RETURN_IF_ERROR(GetService().status());
  tokens_ = std::make_unique<TokenService>(*store_, deps_.clock);
  return tokens_.get();
}

Result<DecaySweep*> Session::GetDecay() {
  if (decay_) return decay_.get();
  RETURN_IF_ERROR(GetService().status());
  decay_ = std::make_unique<DecaySweep>(*store_, config_->decay, deps_.clock);
  return decay_.get();
}

Result<http::RemoteMemoryApi*> Session::GetRemote() {
  if (remote_) return remote_.get();
  ASSIGN_OR_RETURN(const Config* config, GetConfig());
  if (config->client.server_url.empty()) return static_cast<http::RemoteMemoryApi*>(nullptr);
  Result<std::unique_ptr<http::RemoteMemoryApi>> remote = http::RemoteMemoryApi::Create(
      http::RemoteOptions{.url = config->client.server_url, .token = config->client.token});
  if (!remote.ok()) {
    return remote.status().WithContext(globals_.server.empty() ? "$MEMEX_SERVER" : "--server");
  }
  remote_ = std::move(remote).value();
  return remote_.get();
}

Result<MemoryApi*> Session::GetApi() {
  ASSIGN_OR_RETURN(http::RemoteMemoryApi * remote, GetRemote());
  if (remote != nullptr) return static_cast<MemoryApi*>(remote);
  ASSIGN_OR_RETURN(MemoryService * service, GetService());
  return static_cast<MemoryApi*>(service);
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
