#include "embed/use_lite_weights.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace memex {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the TF.js shards are little-endian float32");

namespace fs = std::filesystem;

constexpr std::string_view kFix = "; run scripts/fetch-model to fetch the model again";

Status Damaged(const std::string& path, const std::string& why) {
  return FailedPrecondition(path + ": " + why + std::string(kFix));
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Damaged(path, "missing or unreadable");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Damaged(path, "read error");
  return data;
}

// Where one tensor of the manifest sits in the blob.
struct TensorInfo {
  std::vector<int64_t> shape;
  std::string dtype;
  size_t offset_floats = 0;
};

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// The manifest: tensor name -> place, and the shard files in order with the byte count each
// group needs.
struct Manifest {
  std::unordered_map<std::string, TensorInfo> tensors;
  struct Group {
    std::vector<std::string> paths;
    size_t bytes = 0;
  };
  std::vector<Group> groups;
  size_t total_bytes = 0;
};

Result<Manifest> ParseManifest(const std::string& model_json_path, const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Damaged(model_json_path, "not valid JSON");
  if (!doc.is_object() || !doc.contains("weightsManifest") || !doc["weightsManifest"].is_array()) {
    return Damaged(model_json_path, "no weightsManifest array");
  }
  Manifest m;
  for (const nlohmann::json& group : doc["weightsManifest"]) {
    if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array() ||
        !group.contains("weights") || !group["weights"].is_array()) {
      return Damaged(model_json_path, "a weightsManifest group lacks paths or weights");
    }
    Manifest::Group g;
    for (const nlohmann::json& p : group["paths"]) {
      if (!p.is_string()) return Damaged(model_json_path, "a shard path is not a string");
      std::string name = p.get<std::string>();
      if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') {
        return Damaged(model_json_path, "unexpected shard path '" + name + "'");
      }
      g.paths.push_back(std::move(name));
    }
    for (const nlohmann::json& w : group["weights"]) {
      if (!w.is_object() || !w.contains("name") || !w["name"].is_string() || !w.contains("shape") ||
          !w["shape"].is_array() || !w.contains("dtype") || !w["dtype"].is_string()) {
        return Damaged(model_json_path, "a weight entry lacks name, shape or dtype");
      }
      if (w.contains("quantization")) {
        return Damaged(model_json_path, "quantized weights are not supported");
      }
      TensorInfo t;
      t.dtype = w["dtype"].get<std::string>();
      if (t.dtype != "float32" && t.dtype != "int32") {
        return Damaged(model_json_path, "unsupported dtype " + t.dtype);
      }
      size_t count = 1;
      for (const nlohmann::json& d : w["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > (1 << 24)) {
          return Damaged(model_json_path, "bad shape of " + w["name"].get<std::string>());
        }
        t.shape.push_back(d.get<int64_t>());
        count *= static_cast<size_t>(d.get<int64_t>());
      }
      t.offset_floats = (m.total_bytes + g.bytes) / 4;
      g.bytes += count * 4;
      m.tensors[w["name"].get<std::string>()] = std::move(t);
    }
    if (g.paths.empty() && g.bytes > 0) return Damaged(model_json_path, "a group has no shards");
    m.total_bytes += g.bytes;
    m.groups.push_back(std::move(g));
  }
  return m;
}

// Reads every group's shards, back to back, into `blob`.
Status ReadShards(const std::string& dir, const Manifest& m, std::vector<float>& blob) {
  blob.assign(m.total_bytes / 4, 0.0f);
  char* out = reinterpret_cast<char*>(blob.data());
  for (const Manifest::Group& g : m.groups) {
    std::vector<uintmax_t> sizes;
    uintmax_t sum = 0;
    for (const std::string& name : g.paths) {
      std::string path = (fs::path(dir) / name).string();
      std::error_code ec;
      uintmax_t size = fs::file_size(path, ec);
      if (ec) return Damaged(path, "missing or unreadable");
      sizes.push_back(size);
      sum += size;
    }
    if (sum != g.bytes) {
      // The converter cuts a group into equal shards but the last: the first shard that breaks
      // that pattern is the damaged one, else the last.
      size_t bad = g.paths.size() - 1;
      for (size_t i = 0; i + 1 < sizes.size(); ++i) {
        if (sizes[i] != sizes[0]) {
          bad = i;
          break;
        }
      }
      return Damaged((fs::path(dir) / g.paths[bad]).string(),
                     std::string(sum < g.bytes ? "truncated" : "too large") + ": the shards hold " +
                         std::to_string(sum) + " bytes, model.json describes " +
                         std::to_string(g.bytes));
    }
    for (size_t i = 0; i < g.paths.size(); ++i) {
      std::string path = (fs::path(dir) / g.paths[i]).string();
      std::ifstream in(path, std::ios::binary);
      if (!in || !in.read(out, static_cast<std::streamsize>(sizes[i]))) {
        return Damaged(path, "read error");
      }
      out += sizes[i];
    }
  }
  return Status::Ok();
}

// Resolves named tensors against the manifest, checking shape and dtype.
class TensorMap {
 public:
  TensorMap(const std::string& model_json_path, const Manifest& m, const std::vector<float>& blob)
      : path_(model_json_path), m_(m), blob_(blob) {}

  Status Get(const std::string& name, const std::vector<int64_t>& shape, const float** out) {
    auto it = m_.tensors.find(name);
    if (it == m_.tensors.end()) return Damaged(path_, "no tensor " + name);
    const TensorInfo& t = it->second;
    if (t.dtype != "float32") return Damaged(path_, name + " is " + t.dtype + ", not float32");
    if (t.shape != shape) {
      return Damaged(
          path_, name + " has shape " + ShapeString(t.shape) + ", expected " + ShapeString(shape));
    }
    if (blob_.empty()) {  // the first pass, before the shards are read: shapes only
      *out = nullptr;
      return Status::Ok();
    }
    size_t count = 1;
    for (int64_t d : shape) count *= static_cast<size_t>(d);
    const float* p = blob_.data() + t.offset_floats;
    for (size_t i = 0; i < count; ++i) {
      if (!std::isfinite(p[i])) return Damaged(path_, name + " holds a non-finite value");
    }
    *out = p;
    return Status::Ok();
  }

  Status Scalar(const std::string& name, float* out) {
    const float* p = nullptr;
    RETURN_IF_ERROR(Get(name, {}, &p));
    *out = p ? *p : 0.0f;
    return Status::Ok();
  }

 private:
  const std::string& path_;
  const Manifest& m_;
  const std::vector<float>& blob_;
};

const std::string kEncode = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
const std::string kKernels = "module/Encoder_en/KonaTransformer/Encode/";

Status MapLayer(TensorMap& map, int index, UseLiteLayerWeights& l) {
  const int64_t in = index == 0 ? UseLiteWeights::kEmbeddingWidth : UseLiteWeights::kWidth;
  const int64_t out = UseLiteWeights::kWidth;
  const int64_t ffn = UseLiteWeights::kFfnWidth;
  const std::string layer = "Layer_" + std::to_string(index) + "/TransformerLayer/";
  const std::string vars = kEncode + layer;                         // biases, norms
  const std::string stack = kEncode + "TransformerStack/" + layer;  // folded constants
  const std::string mha = "MultiheadAttention/";
  l.input_width = static_cast<int>(in);
  l.heads = 4;
  RETURN_IF_ERROR(map.Scalar(stack + mha + "mul/y", &l.query_scale));
  const std::string norm = "layer_prepostprocess/layer_norm/layer_norm_";
  RETURN_IF_ERROR(
      map.Get(vars + norm + "scale/ConcatPartitions/concat", {in}, &l.attention_norm_scale));
  RETURN_IF_ERROR(
      map.Get(vars + norm + "bias/ConcatPartitions/concat", {in}, &l.attention_norm_bias));
  RETURN_IF_ERROR(map.Get(kKernels + layer + mha + "qkv_transform_single/kernel/part_0",
                          {1, 1, in, 3 * in}, &l.qkv_kernel));
  RETURN_IF_ERROR(map.Get(vars + mha + "qkv_transform_single/bias/ConcatPartitions/concat",
                          {3 * in}, &l.qkv_bias));
  RETURN_IF_ERROR(map.Get(kKernels + layer + mha + "output_transform_single/kernel/part_0",
                          {1, 1, in, out}, &l.output_kernel));
  RETURN_IF_ERROR(map.Get(vars + mha + "output_transform_single/bias/ConcatPartitions/concat",
                          {out}, &l.output_bias));
  if (index == 0) {
    RETURN_IF_ERROR(
        map.Get(vars + "dense/kernel/ConcatPartitions/concat", {in, out}, &l.residual_kernel));
    RETURN_IF_ERROR(map.Get(vars + "dense/bias/ConcatPartitions/concat", {out}, &l.residual_bias));
  }
  RETURN_IF_ERROR(
      map.Get(vars + "FFN/" + norm + "scale/ConcatPartitions/concat", {out}, &l.ffn_norm_scale));
  RETURN_IF_ERROR(
      map.Get(vars + "FFN/" + norm + "bias/ConcatPartitions/concat", {out}, &l.ffn_norm_bias));
  RETURN_IF_ERROR(map.Get(stack + "FFN/conv1/Tensordot/Reshape_1", {out, ffn}, &l.ffn1_kernel));
  RETURN_IF_ERROR(map.Get(vars + "FFN/conv1/bias/ConcatPartitions/concat", {ffn}, &l.ffn1_bias));
  RETURN_IF_ERROR(map.Get(stack + "FFN/conv2/Tensordot/Reshape_1", {ffn, out}, &l.ffn2_kernel));
  RETURN_IF_ERROR(map.Get(vars + "FFN/conv2/bias/ConcatPartitions/concat", {out}, &l.ffn2_bias));
  return Status::Ok();
}

// Points `w` at every tensor the forward pass needs; `inv_timescales` gets the timing signal's.
Status MapAll(TensorMap& map, const Manifest& manifest, const std::string& model_json,
              UseLiteWeights& w, const float** inv_timescales) {
  auto emb = manifest.tensors.find("module/Embeddings_en");
  if (emb == manifest.tensors.end()) return Damaged(model_json, "no tensor module/Embeddings_en");
  if (emb->second.shape.size() != 2 || emb->second.shape[0] < 8000) {
    return Damaged(model_json, "module/Embeddings_en has shape " + ShapeString(emb->second.shape) +
                                   ", expected [8002,256]");
  }
  w.vocab_rows = static_cast<int>(emb->second.shape[0]);
  RETURN_IF_ERROR(map.Get("module/Embeddings_en", {w.vocab_rows, UseLiteWeights::kEmbeddingWidth},
                          &w.embeddings));
  RETURN_IF_ERROR(
      map.Get(kEncode + "TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1",
              {1, UseLiteWeights::kEmbeddingWidth / 2}, inv_timescales));
  RETURN_IF_ERROR(map.Scalar(
      kEncode + "TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/"
                "Cast/x",
      &w.layer_norm_epsilon));
  RETURN_IF_ERROR(map.Scalar("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y",
                             &w.l2_epsilon));
  for (int i = 0; i < 2; ++i) RETURN_IF_ERROR(MapLayer(map, i, w.layers[static_cast<size_t>(i)]));
  RETURN_IF_ERROR(map.Get("module/Encoder_en/hidden_layers/tanh_layer_0/weights",
                          {UseLiteWeights::kWidth, UseLiteWeights::kWidth}, &w.tanh_kernel));
  RETURN_IF_ERROR(map.Get("module/Encoder_en/hidden_layers/tanh_layer_0/bias",
                          {UseLiteWeights::kWidth}, &w.tanh_bias));
  return Status::Ok();
}

}  // namespace

Result<UseLiteWeights> LoadUseLiteWeights(const std::string& dir) {
  const std::string model_json = (fs::path(dir) / "model.json").string();
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(model_json));
  ASSIGN_OR_RETURN(Manifest manifest, ParseManifest(model_json, text));

  UseLiteWeights w;
  const float* inv_timescales = nullptr;
  {
    // Shapes first: a wrong model.json is reported as such, not as shards of the wrong size.
    TensorMap shapes(model_json, manifest, w.blob);
    RETURN_IF_ERROR(MapAll(shapes, manifest, model_json, w, &inv_timescales));
  }
  RETURN_IF_ERROR(ReadShards(dir, manifest, w.blob));
  TensorMap map(model_json, manifest, w.blob);
  RETURN_IF_ERROR(MapAll(map, manifest, model_json, w, &inv_timescales));

  // The graph multiplies position and inverse timescale in float32, then takes sin and cos.
  constexpr int kHalf = UseLiteWeights::kEmbeddingWidth / 2;
  w.timing.resize(static_cast<size_t>(UseLiteWeights::kMaxPositions) *
                  UseLiteWeights::kEmbeddingWidth);
  for (int p = 0; p < UseLiteWeights::kMaxPositions; ++p) {
    float* row = w.timing.data() + static_cast<size_t>(p) * UseLiteWeights::kEmbeddingWidth;
    for (int k = 0; k < kHalf; ++k) {
      float t = static_cast<float>(p) * inv_timescales[k];
      row[k] = std::sin(t);
      row[kHalf + k] = std::cos(t);
    }
  }
  return w;
}

}  // namespace memex
