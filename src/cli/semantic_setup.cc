#include "cli/semantic_setup.h"

#include <filesystem>
#include <vector>

#include "embed/model_dir.h"
#include "embed/use_lite_embedder.h"
#include "http/openai_embedder.h"
#include "install/file_ops.h"

namespace memex::cli {
namespace {

// <prefix>/share/memex/models/use-lite-v1 for memex installed in <prefix>/bin.
std::string InstalledModelDir() {
  Result<std::string> self = install::SelfMemexPath();
  if (!self.ok()) return "";
  std::filesystem::path bin = std::filesystem::path(*self).parent_path();
  return (bin.parent_path() / "share/memex/models/use-lite-v1").string();
}

}  // namespace

Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbeddingConfig& config, int threads) {
  if (config.provider == "none") return std::unique_ptr<Embedder>();
  if (config.provider == "openai") {
    ASSIGN_OR_RETURN(std::unique_ptr<http::OpenAiEmbedder> e, http::OpenAiEmbedder::Make(config));
    return std::unique_ptr<Embedder>(std::move(e));
  }
  std::vector<std::string> candidates = config.model_search;
  if (config.model_dir.empty()) candidates.push_back(InstalledModelDir());
  ASSIGN_OR_RETURN(std::string dir, FindModelDir(candidates));
  UseLiteEmbedder::Options options;
  options.threads = std::max(1, threads);
  ASSIGN_OR_RETURN(std::unique_ptr<UseLiteEmbedder> e, UseLiteEmbedder::Open(dir, options));
  return std::unique_ptr<Embedder>(std::move(e));
}

Result<std::unique_ptr<SemanticStack>> OpenSemantic(const Config& config, EmbeddingStore& store,
                                                    int threads) {
  ASSIGN_OR_RETURN(std::unique_ptr<Embedder> embedder, MakeEmbedder(config.embedding, threads));
  if (embedder == nullptr) return std::unique_ptr<SemanticStack>();
  auto stack = std::make_unique<SemanticStack>();
  stack->embedder = std::move(embedder);
  stack->index = std::make_unique<SemanticIndex>(store, stack->embedder->model_id(), config.vector,
                                                 config.data_dir + "/vectors");
  EmbeddingWorker::Options options;
  options.batch_size = config.embedding.batch_size;
  stack->worker =
      std::make_unique<EmbeddingWorker>(store, *stack->embedder, *stack->index, options);
  RETURN_IF_ERROR(stack->index->CatchUp());
  return stack;
}

}  // namespace memex::cli
