#include "embed/use_lite_model.h"

#include <cblas.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

namespace memex {
namespace {

namespace fs = std::filesystem;

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

// Rows of all sequences that one pass handles; bounds scratch memory (~20 KB per row) while
// keeping the matrix products large enough to run at full speed.
constexpr size_t kRowsPerPass = 512;

// y[rows, n] = x[rows, k] · w[k, n] + bias[n], or y += x · w + bias when `accumulate`.
void Dense(const float* x, int rows, int k, const float* w, int n, const float* bias, float* y,
           bool accumulate) {
  for (int r = 0; r < rows; ++r) {
    ArrayMap yr(y + static_cast<size_t>(r) * n, n);
    if (accumulate) {
      yr += ConstArrayMap(bias, n);
    } else {
      yr = ConstArrayMap(bias, n);
    }
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0f, x, k, w, n, 1.0f, y, n);
}

// y = (x - mean) * (scale / sqrt(var + eps)) + bias, row by row, as the graph's layer_norm.
void LayerNorm(const float* x, int rows, int width, const float* scale, const float* bias,
               float eps, float* y) {
  ConstArrayMap g(scale, width);
  ConstArrayMap b(bias, width);
  for (int r = 0; r < rows; ++r) {
    ConstArrayMap xr(x + static_cast<size_t>(r) * width, width);
    ArrayMap yr(y + static_cast<size_t>(r) * width, width);
    float mean = xr.mean();
    yr = xr - mean;
    float inv = 1.0f / std::sqrt(yr.square().mean() + eps);
    yr = (g * inv) * yr + b;
  }
}

void SoftmaxRows(float* s, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    ArrayMap row(s + static_cast<size_t>(r) * cols, cols);
    row = (row - row.maxCoeff()).exp();
    row /= row.sum();
  }
}

// Multi-head self-attention of one sequence over its own n tokens (all valid: the graph masks
// only padding). qkv holds n rows of [q | k | v], each `width` wide; ctx gets n rows of `width`.
void Attention(const float* qkv, int n, int width, int heads, float query_scale, float* scores,
               float* ctx) {
  const int head = width / heads;
  const int ld = 3 * width;
  for (int h = 0; h < heads; ++h) {
    const float* q = qkv + h * head;
    const float* k = q + width;
    const float* v = q + 2 * width;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, head, query_scale, q, ld, k, ld,
                0.0f, scores, n);
    SoftmaxRows(scores, n, n);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, head, n, 1.0f, scores, n, v, ld, 0.0f,
                ctx + h * head, width);
  }
}

Result<std::string> ReadVocab(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return FailedPrecondition(
        path + ": missing or unreadable; run scripts/fetch-model to fetch the model");
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

UseLiteModel::UseLiteModel(UseLiteTokenizer tokenizer, UseLiteWeights weights)
    : tokenizer_(std::move(tokenizer)), w_(std::move(weights)) {}

Result<std::unique_ptr<UseLiteModel>> UseLiteModel::Load(const std::string& dir) {
  const std::string vocab_path = (fs::path(dir) / "vocab.json").string();
  ASSIGN_OR_RETURN(std::string vocab, ReadVocab(vocab_path));
  ASSIGN_OR_RETURN(UseLiteTokenizer tokenizer, UseLiteTokenizer::FromVocabJson(vocab, vocab_path));
  ASSIGN_OR_RETURN(UseLiteWeights weights, LoadUseLiteWeights(dir));
  if (tokenizer.vocab_size() > static_cast<size_t>(weights.vocab_rows)) {
    return FailedPrecondition(vocab_path + ": " + std::to_string(tokenizer.vocab_size()) +
                              " pieces but the embedding table has " +
                              std::to_string(weights.vocab_rows) +
                              " rows; run scripts/fetch-model to fetch the model again");
  }
  // Our callers parallelise across texts; OpenBLAS's own threads would only contend with them.
  openblas_set_num_threads(1);
  return std::unique_ptr<UseLiteModel>(new UseLiteModel(std::move(tokenizer), std::move(weights)));
}

Status UseLiteModel::Forward(std::span<const std::vector<int32_t>> sequences, float* out) const {
  for (size_t i = 0; i < sequences.size(); ++i) {
    if (sequences[i].size() > static_cast<size_t>(UseLiteTokenizer::kMaxTokens)) {
      return InvalidArgument("sequence " + std::to_string(i) + " has " +
                             std::to_string(sequences[i].size()) + " tokens, more than " +
                             std::to_string(UseLiteTokenizer::kMaxTokens));
    }
    for (int32_t id : sequences[i]) {
      if (id < 0 || id >= w_.vocab_rows) {
        return InvalidArgument("sequence " + std::to_string(i) + " holds token id " +
                               std::to_string(id) + ", outside the embedding table");
      }
    }
  }
  size_t begin = 0;
  while (begin < sequences.size()) {
    size_t end = begin;
    size_t rows = 0;
    while (end < sequences.size() &&
           (end == begin || rows + sequences[end].size() <= kRowsPerPass)) {
      rows += sequences[end].size();
      ++end;
    }
    ForwardChunk(sequences.subspan(begin, end - begin), out + begin * kDim);
    begin = end;
  }
  return Status::Ok();
}

void UseLiteModel::ForwardChunk(std::span<const std::vector<int32_t>> sequences, float* out) const {
  constexpr int kE = UseLiteWeights::kEmbeddingWidth;
  constexpr int kD = UseLiteWeights::kWidth;
  constexpr int kF = UseLiteWeights::kFfnWidth;
  const float eps = w_.layer_norm_epsilon;
  const size_t s_count = sequences.size();
  std::vector<int> offset(s_count + 1, 0);
  for (size_t s = 0; s < s_count; ++s) {
    offset[s + 1] = offset[s] + static_cast<int>(sequences[s].size());
  }
  const int n = offset[s_count];
  const size_t rows = static_cast<size_t>(n);

  std::vector<float> x(rows * kE);  // layer 0's input
  std::vector<float> h(rows * kD);  // the residual stream
  std::vector<float> t(rows * kD);  // layer-norm output
  std::vector<float> qkv(rows * 3 * kD);
  std::vector<float> ctx(rows * kD);
  std::vector<float> f(rows * kF);
  std::vector<float> scores(static_cast<size_t>(UseLiteTokenizer::kMaxTokens) *
                            UseLiteTokenizer::kMaxTokens);

  // x = emb + (emb + timing): the graph scatters the embedding and adds it to itself plus the
  // timing signal.
  for (size_t s = 0; s < s_count; ++s) {
    for (size_t p = 0; p < sequences[s].size(); ++p) {
      const size_t r = static_cast<size_t>(offset[s]) + p;
      ConstArrayMap e(w_.embeddings + static_cast<size_t>(sequences[s][p]) * kE, kE);
      ConstArrayMap timing(w_.timing.data() + p * kE, kE);
      ArrayMap(x.data() + r * kE, kE) = e + (e + timing);
    }
  }

  auto ffn = [&](const UseLiteLayerWeights& l) {
    LayerNorm(h.data(), n, kD, l.ffn_norm_scale, l.ffn_norm_bias, eps, t.data());
    Dense(t.data(), n, kD, l.ffn1_kernel, kF, l.ffn1_bias, f.data(), false);
    ArrayMap(f.data(), static_cast<Eigen::Index>(rows * kF)) =
        ArrayMap(f.data(), static_cast<Eigen::Index>(rows * kF)).max(0.0f);
    Dense(f.data(), n, kF, l.ffn2_kernel, kD, l.ffn2_bias, h.data(), true);
  };
  auto attention = [&](const UseLiteLayerWeights& l, const float* normed) {
    const int width = l.input_width;
    Dense(normed, n, width, l.qkv_kernel, 3 * width, l.qkv_bias, qkv.data(), false);
    for (size_t s = 0; s < s_count; ++s) {
      const int len = offset[s + 1] - offset[s];
      if (len == 0) continue;
      Attention(qkv.data() + static_cast<size_t>(offset[s]) * 3 * width, len, width, l.heads,
                l.query_scale, scores.data(), ctx.data() + static_cast<size_t>(offset[s]) * width);
    }
    Dense(ctx.data(), n, width, l.output_kernel, kD, l.output_bias, h.data(), true);
  };

  if (n > 0) {
    const UseLiteLayerWeights& l0 = w_.layers[0];
    Dense(x.data(), n, kE, l0.residual_kernel, kD, l0.residual_bias, h.data(), false);
    LayerNorm(x.data(), n, kE, l0.attention_norm_scale, l0.attention_norm_bias, eps, t.data());
    attention(l0, t.data());
    ffn(l0);
    const UseLiteLayerWeights& l1 = w_.layers[1];
    LayerNorm(h.data(), n, kD, l1.attention_norm_scale, l1.attention_norm_bias, eps, t.data());
    attention(l1, t.data());
    // Layer 1's FFN up to its ReLU; its second product is linear and only the mean over tokens
    // is used, so it runs once per sequence on the mean (a sixth of the work saved).
    LayerNorm(h.data(), n, kD, l1.ffn_norm_scale, l1.ffn_norm_bias, eps, t.data());
    Dense(t.data(), n, kD, l1.ffn1_kernel, kF, l1.ffn1_bias, f.data(), false);
    ArrayMap(f.data(), static_cast<Eigen::Index>(rows * kF)) =
        ArrayMap(f.data(), static_cast<Eigen::Index>(rows * kF)).max(0.0f);
  }

  // mean(h + f·W2 + b2) = mean(h) + mean(f)·W2 + b2 per sequence; an empty sequence's mean is
  // zero (the graph divides a zero sum by max(length, 1)).
  std::vector<float> pooled(s_count * kD, 0.0f);
  std::vector<float> pooled_f(s_count * kF, 0.0f);
  for (size_t s = 0; s < s_count; ++s) {
    const int len = offset[s + 1] - offset[s];
    ArrayMap sum(pooled.data() + s * kD, kD);
    ArrayMap sum_f(pooled_f.data() + s * kF, kF);
    for (int r = offset[s]; r < offset[s + 1]; ++r) {
      sum += ConstArrayMap(h.data() + static_cast<size_t>(r) * kD, kD);
      sum_f += ConstArrayMap(f.data() + static_cast<size_t>(r) * kF, kF);
    }
    sum /= static_cast<float>(std::max(len, 1));
    sum_f /= static_cast<float>(std::max(len, 1));
  }
  const UseLiteLayerWeights& l1 = w_.layers[1];
  Dense(pooled_f.data(), static_cast<int>(s_count), kF, l1.ffn2_kernel, kD, l1.ffn2_bias,
        pooled.data(), true);
  for (size_t s = 0; s < s_count; ++s) {
    if (offset[s + 1] == offset[s]) ArrayMap(pooled.data() + s * kD, kD) = 0.0f;
  }
  Dense(pooled.data(), static_cast<int>(s_count), kD, w_.tanh_kernel, kD, w_.tanh_bias, out, false);
  for (size_t s = 0; s < s_count; ++s) {
    ArrayMap v(out + s * kD, kD);
    v = v.tanh();
    v *= 1.0f / std::sqrt(std::max(v.square().sum(), w_.l2_epsilon));
  }
}

}  // namespace memex
