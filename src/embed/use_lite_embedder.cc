#include "embed/use_lite_embedder.h"

#include <algorithm>
#include <span>
#include <thread>
#include <utility>

namespace memex {
namespace {

// Below this many tokens a batch runs on the calling thread: starting a thread costs more than
// the work it would take over.
constexpr size_t kMinTokensPerThread = 256;

}  // namespace

Result<std::unique_ptr<UseLiteEmbedder>> UseLiteEmbedder::Open(const std::string& model_dir,
                                                               Options options) {
  ASSIGN_OR_RETURN(std::unique_ptr<UseLiteModel> model, UseLiteModel::Load(model_dir));
  options.threads = std::max(1, options.threads);
  return std::unique_ptr<UseLiteEmbedder>(new UseLiteEmbedder(std::move(model), options));
}

Result<Embeddings> UseLiteEmbedder::Embed(const std::vector<std::string>& texts) {
  std::vector<std::vector<int32_t>> sequences;
  sequences.reserve(texts.size());
  size_t tokens = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<std::vector<int32_t>> ids = model_->tokenizer().Encode(texts[i]);
    if (!ids.ok()) return ids.status().WithContext("texts[" + std::to_string(i) + "]");
    tokens += ids->size();
    sequences.push_back(std::move(ids).value());
  }
  Embeddings out;
  out.dim = UseLiteModel::kDim;
  out.data.assign(texts.size() * static_cast<size_t>(UseLiteModel::kDim), 0.0f);

  // Contiguous parts of about equal token counts, one per worker; part 0 runs here.
  const size_t parts = std::min<size_t>({static_cast<size_t>(options_.threads),
                                         std::max<size_t>(1, tokens / kMinTokensPerThread),
                                         std::max<size_t>(1, sequences.size())});
  std::vector<size_t> bounds = {0};
  size_t seen = 0;
  for (size_t i = 0; i < sequences.size() && bounds.size() < parts; ++i) {
    seen += sequences[i].size();
    if (seen * parts >= tokens * bounds.size()) bounds.push_back(i + 1);
  }
  bounds.push_back(sequences.size());

  std::span<const std::vector<int32_t>> all(sequences);
  std::vector<Status> results(bounds.size() - 1);
  auto run = [&](size_t part) {
    results[part] = model_->Forward(all.subspan(bounds[part], bounds[part + 1] - bounds[part]),
                                    out.data.data() + bounds[part] * UseLiteModel::kDim);
  };
  {
    std::vector<std::jthread> workers;
    for (size_t part = 1; part + 1 < bounds.size(); ++part) workers.emplace_back(run, part);
    run(0);
  }  // joins the workers
  for (const Status& st : results) RETURN_IF_ERROR(st);
  return out;
}

}  // namespace memex
