// The weights of Universal Sentence Encoder Lite as TensorFlow.js stores them (model.json's
// weightsManifest plus the float32 shards group1-shard{1..7}of7, all little-endian), loaded
// into one buffer and mapped by tensor name. embed/use_lite_model.h runs the forward pass.
//
// Thread-safety: immutable after loading; any number of threads may read it.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "base/status.h"

namespace memex {

// One transformer layer. Kernels are row-major [in, out]; TF.js's 1x1 convolution kernels
// [1, 1, in, out] are the same bytes.
struct UseLiteLayerWeights {
  int input_width = 0;    // rows of the q/k/v kernel: 256 (layer 0) or 512 (layer 1)
  int heads = 4;          // attention heads; head width = input_width / heads
  float query_scale = 0;  // from the graph: 1/sqrt(head width)
  const float* attention_norm_scale = nullptr;  // [input_width]
  const float* attention_norm_bias = nullptr;   // [input_width]
  const float* qkv_kernel = nullptr;            // [input_width, 3 * input_width]: q | k | v
  const float* qkv_bias = nullptr;              // [3 * input_width]
  const float* output_kernel = nullptr;         // [input_width, 512]
  const float* output_bias = nullptr;           // [512]
  // Layer 0 only (null in layer 1): projects the 256-wide input to the 512-wide residual.
  const float* residual_kernel = nullptr;  // [256, 512]
  const float* residual_bias = nullptr;    // [512]
  const float* ffn_norm_scale = nullptr;   // [512]
  const float* ffn_norm_bias = nullptr;    // [512]
  const float* ffn1_kernel = nullptr;      // [512, 1536]
  const float* ffn1_bias = nullptr;        // [1536]
  const float* ffn2_kernel = nullptr;      // [1536, 512]
  const float* ffn2_bias = nullptr;        // [512]
};

struct UseLiteWeights {
  static constexpr int kEmbeddingWidth = 256;  // token embeddings and layer 0's input
  static constexpr int kWidth = 512;           // layer outputs and the sentence vector
  static constexpr int kFfnWidth = 1536;
  static constexpr int kMaxPositions = 128;  // the graph clips input to 128 tokens

  UseLiteWeights() = default;
  // Moving keeps the pointers valid (they point into `blob`'s heap buffer); copying would not.
  UseLiteWeights(UseLiteWeights&&) = default;
  UseLiteWeights& operator=(UseLiteWeights&&) = default;
  UseLiteWeights(const UseLiteWeights&) = delete;
  UseLiteWeights& operator=(const UseLiteWeights&) = delete;

  std::vector<float> blob;  // every tensor of the manifest, in manifest order

  int vocab_rows = 0;                 // 8002
  const float* embeddings = nullptr;  // [vocab_rows, 256]
  // The sinusoidal timing signal, [kMaxPositions, 256]: sin(p * inv_timescale[k]) for k < 128,
  // then cos; computed at load from the graph's inverse timescales.
  std::vector<float> timing;
  float layer_norm_epsilon = 0;  // 1e-6
  float l2_epsilon = 0;          // 1e-12, the floor of the squared norm
  std::array<UseLiteLayerWeights, 2> layers;
  const float* tanh_kernel = nullptr;  // [512, 512]
  const float* tanh_bias = nullptr;    // [512]
};

// Reads <dir>/model.json and the shards it names, checks that every tensor the forward pass
// needs is present with its expected shape and dtype and that the shards hold exactly the bytes
// the manifest describes, and that every float is finite. Errors: kFailedPrecondition naming
// the file that is missing, truncated, oversized or damaged (the message says to run
// scripts/fetch-model).
Result<UseLiteWeights> LoadUseLiteWeights(const std::string& dir);

}  // namespace memex
