// OpenAiEmbedder: an Embedder backed by any OpenAI-compatible embeddings endpoint —
// POST {embedding.url}/embeddings as OpenAI documents it (https://platform.openai.com/docs/
// api-reference/embeddings/create). OpenAI, Ollama, LM Studio, llama.cpp server and vLLM all
// serve it under their /v1 base URL (Ollama: http://127.0.0.1:11434/v1); docs/retrieval.md,
// "Embeddings".
//
// Each request carries {"model", "input": [texts], "encoding_format": "float"} plus
// "dimensions" when embedding.dimensions is set, and "Authorization: Bearer <key>" when
// embedding.api_key is set. Texts go in batches of embedding.batch_size; embedding.timeout_ms
// bounds each request as a whole (connecting, sending, the complete answer). The vector length is
// learned from the first answer (or is embedding.dimensions) and every later answer must match.
// Error messages name the endpoint and never contain the API key.
//
// Thread-safety: thread-safe; Embed may run on several threads at once (each request takes a
// keep-alive connection from a small pool).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "embed/embedder.h"

namespace memex::http {

class OpenAiEmbedder : public Embedder {
 public:
  // Checks the settings; does not connect (the first Embed does).
  // Errors: kInvalidArgument naming the setting: embedding.url not http(s)://host[:port][/path]
  // (no query, fragment or user info; https only in builds with TLS), embedding.model empty,
  // embedding.dimensions < 0, embedding.batch_size < 1, embedding.timeout_ms < 1, an
  // embedding.api_key with control characters.
  static Result<std::unique_ptr<OpenAiEmbedder>> Make(const EmbeddingConfig& config);
  ~OpenAiEmbedder() override;
  OpenAiEmbedder(const OpenAiEmbedder&) = delete;
  OpenAiEmbedder& operator=(const OpenAiEmbedder&) = delete;

  // "openai:<model>", plus "@<dimensions>" when embedding.dimensions is set.
  std::string model_id() const override;
  // embedding.dimensions when set; else 0 until the first answer, then its vector length.
  int dim() const override { return dim_.load(); }
  // 0: the endpoint does not say (servers clip or reject over-long input themselves).
  int max_tokens() const override { return 0; }

  // Embedder::Embed. No request is sent for an empty `texts` or when a text is not UTF-8.
  // Errors:
  //  kInvalidArgument: a text is not valid UTF-8 (names its index).
  //  kUnavailable: connection refused, timeout, HTTP 408/429/5xx.
  //  kPermissionDenied: HTTP 401/403 (check embedding.api_key).
  //  kFailedPrecondition: HTTP 404 (wrong embedding.url or model), 400/422 and other 4xx (the
  //    server's message, e.g. an unknown model), TLS verification failed, or a bad answer: not
  //    JSON, no "data", not one vector per text, a non-finite or non-number component, vectors
  //    of unequal length, an all-zero vector, or a length other than dim() ("embedding
  //    endpoint returned N dimensions, expected M").
  Result<Embeddings> Embed(const std::vector<std::string>& texts) override;

 private:
  struct Impl;
  OpenAiEmbedder(const EmbeddingConfig& config, std::unique_ptr<Impl> impl);

  // One request for texts[begin, end): their vectors, row-major, appended to `out`.
  Status EmbedBatch(const std::vector<std::string>& texts, size_t begin, size_t end,
                    std::vector<float>& out);
  // Accepts a vector length from an answer: the first one fixes dim_, later ones must equal it.
  Status CheckDim(int got);

  std::string model_;
  int dimensions_;
  int batch_size_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> dim_;
};

}  // namespace memex::http
