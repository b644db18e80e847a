#include "service_stack.h"

#include <cstdlib>

#include "embed/model_dir.h"
#include "embed/use_lite_embedder.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::bench {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

ServiceStack::ServiceStack(Key, TempDir dir) : dir_(std::move(dir)) {}

ServiceStack::~ServiceStack() {
  service_.reset();
  worker_.reset();
  index_.reset();
  embedder_.reset();
  store_.reset();
}

Result<std::unique_ptr<ServiceStack>> ServiceStack::Open(const std::string& tmp_parent,
                                                         const Config& config, bool semantic,
                                                         int threads) {
  ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(tmp_parent, "memex-bench-"));
  auto stack = std::make_unique<ServiceStack>(Key{}, std::move(dir));
  stack->config_ = config;
  stack->config_.data_dir = stack->dir_.path();
  ASSIGN_OR_RETURN(stack->redactor_, Redactor::Create(stack->config_.redaction));
  auto store = SqliteStore::Open(stack->config_.data_dir + "/memex.db", stack->config_.storage,
                                 stack->clock_);
  if (!store.ok()) return store.status();
  SqliteStore* sqlite = store->get();
  stack->store_ = std::move(store).value();
  stack->embedding_store_ = sqlite;
  stack->service_ = std::make_unique<MemoryService>(*stack->store_, stack->config_, stack->clock_,
                                                    *stack->redactor_);
  if (semantic) {
    ASSIGN_OR_RETURN(std::string model_dir,
                     FindModelDir({Env("MEMEX_MODEL_DIR"),
                                   DefaultModelCacheDir(Env("HOME"), Env("XDG_CACHE_HOME"))}));
    UseLiteEmbedder::Options options;
    options.threads = threads;
    ASSIGN_OR_RETURN(std::unique_ptr<UseLiteEmbedder> embedder,
                     UseLiteEmbedder::Open(model_dir, options));
    stack->embedder_ = std::move(embedder);
    stack->index_ = std::make_unique<SemanticIndex>(*sqlite, stack->embedder_->model_id(),
                                                    stack->config_.vector);
    EmbeddingWorker::Options wo;
    wo.batch_size = 256;
    stack->worker_ =
        std::make_unique<EmbeddingWorker>(*sqlite, *stack->embedder_, *stack->index_, wo);
    stack->service_->SetSemantic(
        SemanticParts{stack->embedder_.get(), stack->index_.get(), stack->worker_.get()});
  }
  return stack;
}

Result<int64_t> ServiceStack::EmbedPending() {
  if (worker_ == nullptr) return int64_t{0};
  return worker_->RunOnce();
}

}  // namespace memex::bench
