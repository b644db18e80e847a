// Embedder: turns texts into unit-length vectors for semantic recall (SPEC §6,
// docs/retrieval.md "Embeddings"). Implementations: the built-in USE-Lite model run in-process
// (embed/use_lite_embedder.h), any OpenAI-compatible /v1/embeddings endpoint
// (http/openai_embedder.h: the HTTP client lives with httplib in http/). The composition root
// (cli/) picks one from [embedding] and hands it to the service.
//
// Every stored vector carries model_id() and dim(): vectors of different models are never
// compared, and a change of model re-embeds (`memex reindex`).
//
// Thread-safety: Embed may be called from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace memex {

// n vectors of `dim` floats, row-major: vector i is data[i*dim, (i+1)*dim).
struct Embeddings {
  int dim = 0;
  std::vector<float> data;

  size_t size() const { return dim == 0 ? 0 : data.size() / static_cast<size_t>(dim); }
  const float* row(size_t i) const { return data.data() + i * static_cast<size_t>(dim); }
};

class Embedder {
 public:
  virtual ~Embedder() = default;

  // Stable name of the vector space, stored with every vector: "use-lite-v1" for the local
  // model, "openai:<model>[@<dimensions>]" for an endpoint (the URL is not part of it, so the
  // same model behind another server shares vectors).
  virtual std::string model_id() const = 0;

  // Vector length; 0 for a remote model until its first answer was read.
  virtual int dim() const = 0;

  // Longest input the model reads, in its own tokens (longer text is clipped by the model;
  // the caller chunks long texts). 0 = unknown.
  virtual int max_tokens() const = 0;

  // Embeds every text (batched as the implementation sees fit). Vector i belongs to texts[i],
  // L2-normalised (an all-zero answer from a remote model is an error). All or nothing.
  // Errors: kUnavailable (endpoint down, timed out, 429/5xx: worth retrying later),
  // kFailedPrecondition (wrong dimension, bad answer, model files missing or damaged: retrying
  // will not help), kInvalidArgument (a text that is not valid UTF-8).
  virtual Result<Embeddings> Embed(const std::vector<std::string>& texts) = 0;
};

}  // namespace memex
