// The composition of semantic recall for the CLI and the server: the embedder [embedding]
// names, the in-memory vector index over the store's vectors, and the embedding worker.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "embed/embedder.h"
#include "service/embedding_worker.h"
#include "service/memory_service.h"
#include "service/semantic_index.h"
#include "store/embedding_store.h"

namespace memex::cli {

// Owns what MemoryService::SetSemantic borrows. Destroy it after the service's last call.
struct SemanticStack {
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<SemanticIndex> index;
  std::unique_ptr<EmbeddingWorker> worker;  // destroyed first (declared last): stops its thread

  SemanticParts parts() { return SemanticParts{embedder.get(), index.get(), worker.get()}; }
};

// The embedder [embedding] configures: the local USE-Lite model (found on
// config.embedding.model_search, then beside the executable in ../share/memex/models), an
// OpenAI-compatible endpoint, or nullptr for provider "none".
// Errors: kNotFound (no model files: names where it looked), kFailedPrecondition (damaged model
// files), kInvalidArgument (a bad endpoint URL).
Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbeddingConfig& config, int threads);

// Builds the stack over `store` (nullptr for provider "none") and loads the index from the
// stored vectors. `threads`: embedder threads for large batches.
Result<std::unique_ptr<SemanticStack>> OpenSemantic(const Config& config, EmbeddingStore& store,
                                                    int threads);

}  // namespace memex::cli
