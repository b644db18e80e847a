// The built-in embedder: Universal Sentence Encoder Lite run in-process (embed/use_lite_model.h),
// 512-dimensional unit vectors, model id "use-lite-v1". Texts are clipped to 128 tokens; the
// caller chunks longer texts. An empty text gets a valid vector (the model's answer to an empty
// token sequence).
//
// Thread-safety: Embed may be called from several threads at once (the model is immutable; every
// call has its own scratch memory).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "embed/embedder.h"
#include "embed/use_lite_model.h"

namespace memex {

class UseLiteEmbedder : public Embedder {
 public:
  struct Options {
    // Worker threads one Embed call may use for a large batch (the calling thread is one of
    // them); 1 runs everything on the calling thread.
    int threads = 1;
  };

  // Loads the model from `model_dir` (see FindModelDir in embed/model_dir.h). Errors:
  // kFailedPrecondition naming a missing or damaged file.
  static Result<std::unique_ptr<UseLiteEmbedder>> Open(const std::string& model_dir,
                                                       Options options);
  static Result<std::unique_ptr<UseLiteEmbedder>> Open(const std::string& model_dir) {
    return Open(model_dir, Options{});
  }

  std::string model_id() const override { return "use-lite-v1"; }
  int dim() const override { return UseLiteModel::kDim; }
  int max_tokens() const override { return UseLiteTokenizer::kMaxTokens; }

  // Errors: kInvalidArgument naming the first text that is not valid UTF-8 (nothing embedded).
  Result<Embeddings> Embed(const std::vector<std::string>& texts) override;

 private:
  UseLiteEmbedder(std::unique_ptr<UseLiteModel> model, Options options)
      : model_(std::move(model)), options_(options) {}

  const std::unique_ptr<const UseLiteModel> model_;
  const Options options_;
};

}  // namespace memex
