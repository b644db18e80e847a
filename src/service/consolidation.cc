#include "service/consolidation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <utility>

#include "retrieval/near_duplicate.h"
#include "service/near_duplicates.h"
#include "service/semantic_index.h"

namespace memex {
namespace {

// Neighbours asked of the vector index per examined memory: a group larger than this is still
// found whole, since union-find joins overlapping neighbourhoods.
constexpr int kVectorNeighbours = 8;

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t Find(size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void Join(size_t a, size_t b) { parent_[Find(a)] = Find(b); }

 private:
  std::vector<size_t> parent_;
};

bool Live(const Memory& m) {
  return !m.forgotten() && m.superseded_by.empty() &&
         (m.status == MemoryStatus::kActive || m.status == MemoryStatus::kCandidate);
}

// Which of two memories a group keeps: newest, then more confident, then more accessed.
bool Better(const Memory& a, const Memory& b) {
  if (a.created_ms != b.created_ms) return a.created_ms > b.created_ms;
  if (a.confidence != b.confidence) return a.confidence > b.confidence;
  if (a.access_count != b.access_count) return a.access_count > b.access_count;
  return a.id > b.id;
}

// Pair similarities, by (i, j) with i < j; the best one per pair.
using Pairs = std::map<std::pair<size_t, size_t>, double>;

void AddPair(Pairs& pairs, size_t a, size_t b, double similarity) {
  if (a == b) return;
  auto key = std::minmax(a, b);
  auto [it, inserted] = pairs.try_emplace({key.first, key.second}, similarity);
  if (!inserted) it->second = std::max(it->second, similarity);
}

}  // namespace

Consolidator::Consolidator(Store& store, const HygieneConfig& config, SemanticIndex* index)
    : store_(store), config_(config), index_(index) {}

Result<ConsolidateResult> Consolidator::Run(const ConsolidateRequest& req) const {
  ConsolidateResult result;
  result.threshold = req.threshold == 0 ? config_.consolidate_threshold : req.threshold;
  const double threshold = result.threshold;
  if (!(threshold > 0 && threshold <= 1)) {
    return InvalidArgument("threshold must be greater than 0 and at most 1");
  }
  if (req.max_groups < 1) return InvalidArgument("max groups must be at least 1");

  // The newest live memories of the filter.
  const size_t max_memories = static_cast<size_t>(std::max(2, config_.consolidate_max_memories));
  ListQuery list;
  list.filter = req.filter;
  list.filter.include_history = false;
  list.filter.include_archived = false;
  list.limit = static_cast<int>(max_memories) + 1;
  ASSIGN_OR_RETURN(std::vector<Memory> listed, store_.List(list));
  std::vector<Memory> mems;
  for (Memory& m : listed) {
    if (Live(m)) mems.push_back(std::move(m));
  }
  if (mems.size() > max_memories) {
    result.capped = true;
    mems.resize(max_memories);
  }
  result.examined = static_cast<int64_t>(mems.size());
  std::unordered_map<std::string, size_t> pos;
  for (size_t i = 0; i < mems.size(); ++i) pos.emplace(mems[i].id, i);

  Pairs pairs;
  // 1. Links recorded on store.
  for (size_t i = 0; i < mems.size(); ++i) {
    ASSIGN_OR_RETURN(std::vector<MemoryLink> links, store_.Links(mems[i].id));
    for (const MemoryLink& l : links) {
      if (l.kind != LinkKind::kNearDuplicate || l.score < threshold) continue;
      auto from = pos.find(l.from_id);
      auto to = pos.find(l.to_id);
      if (from == pos.end() || to == pos.end()) continue;
      if (mems[from->second].scope != mems[to->second].scope) continue;
      AddPair(pairs, from->second, to->second, l.score);
    }
  }

  // 2. The lexical rules over every pair of a scope (the size pre-filter skips most pairs).
  const NearDuplicateRules rules = RulesFrom(config_);
  std::vector<WordFingerprint> prints;
  prints.reserve(mems.size());
  for (const Memory& m : mems) prints.push_back(Fingerprint(m.content));
  for (size_t i = 0; i < mems.size(); ++i) {
    for (size_t j = i + 1; j < mems.size(); ++j) {
      if (mems[i].scope != mems[j].scope) continue;
      if (LexicallyTooDifferent(prints[i], prints[j], rules)) continue;
      DuplicateScore s = LexicalDuplicate(prints[i], prints[j], rules);
      if (s.duplicate() && s.similarity >= threshold) AddPair(pairs, i, j, s.similarity);
    }
  }

  // 3. The vector index: each examined memory's nearest neighbours.
  if (index_ != nullptr) {
    std::vector<DocId> docs = index_->IndexedDocs(req.filter, 4 * max_memories);
    ASSIGN_OR_RETURN(std::vector<Memory> rows, store_.Hydrate(docs));
    if (rows.size() != docs.size()) {  // a row vanished meanwhile: map them one by one
      rows.clear();
      std::vector<DocId> kept;
      for (DocId d : docs) {
        ASSIGN_OR_RETURN(std::vector<Memory> one, store_.Hydrate({d}));
        if (one.size() == 1) {
          rows.push_back(std::move(one.front()));
          kept.push_back(d);
        }
      }
      docs = std::move(kept);
    }
    std::unordered_map<DocId, size_t> doc_pos;
    for (size_t k = 0; k < docs.size(); ++k) {
      if (auto it = pos.find(rows[k].id); it != pos.end()) doc_pos.emplace(docs[k], it->second);
    }
    for (const auto& [doc, i] : doc_pos) {
      SearchFilter scope_filter = req.filter;
      scope_filter.all_scopes = false;
      scope_filter.scopes = {mems[i].scope};
      std::optional<std::vector<float>> vec = index_->VectorOf(doc, scope_filter);
      if (!vec) continue;
      result.semantic = true;
      ASSIGN_OR_RETURN(std::vector<SemanticHit> hits,
                       index_->Search(*vec, scope_filter, kVectorNeighbours + 1));
      for (const SemanticHit& h : hits) {
        auto other = doc_pos.find(h.doc);
        if (other == doc_pos.end() || h.doc == doc || h.similarity < threshold) continue;
        AddPair(pairs, i, other->second, std::min(1.0, static_cast<double>(h.similarity)));
      }
    }
  }

  // Groups: union-find over the pairs.
  UnionFind uf(mems.size());
  for (const auto& [p, s] : pairs) uf.Join(p.first, p.second);
  std::map<size_t, std::vector<size_t>> members;
  for (const auto& [p, s] : pairs) {
    members[uf.Find(p.first)];  // every root with a pair
  }
  for (size_t i = 0; i < mems.size(); ++i) {
    if (auto it = members.find(uf.Find(i)); it != members.end()) it->second.push_back(i);
  }
  std::map<size_t, std::pair<double, int>> sims;  // root -> (sum, count)
  std::vector<double> best(mems.size(), 0);       // each member's strongest pair
  for (const auto& [p, s] : pairs) {
    auto& [sum, n] = sims[uf.Find(p.first)];
    sum += s;
    ++n;
    best[p.first] = std::max(best[p.first], s);
    best[p.second] = std::max(best[p.second], s);
  }

  for (auto& [root, idx] : members) {
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return Better(mems[a], mems[b]); });
    ConsolidationGroup g;
    g.kept = mems[idx.front()];
    g.kept_id = g.kept.id;
    std::vector<std::string> all_tags = g.kept.tags;
    for (size_t k = 1; k < idx.size(); ++k) {
      g.merged.push_back(mems[idx[k]]);
      all_tags.insert(all_tags.end(), mems[idx[k]].tags.begin(), mems[idx[k]].tags.end());
    }
    for (const std::string& t : NormalizeTags(all_tags)) {
      if (!std::binary_search(g.kept.tags.begin(), g.kept.tags.end(), t)) g.tags_added.push_back(t);
    }
    const auto& [sum, n] = sims[root];
    g.avg_similarity = n > 0 ? sum / n : 0;
    result.groups.push_back(std::move(g));
  }
  std::sort(result.groups.begin(), result.groups.end(),
            [](const ConsolidationGroup& a, const ConsolidationGroup& b) {
              if (a.merged.size() != b.merged.size()) return a.merged.size() > b.merged.size();
              return Better(a.kept, b.kept);
            });
  if (result.groups.size() > static_cast<size_t>(req.max_groups)) {
    result.more_groups = true;
    result.groups.resize(static_cast<size_t>(req.max_groups));
  }
  for (const ConsolidationGroup& g : result.groups) {
    result.total_merged += static_cast<int64_t>(g.merged.size());
  }
  if (!req.apply) return result;

  result.applied = true;
  for (ConsolidationGroup& g : result.groups) {
    if (!g.tags_added.empty()) {
      std::vector<std::string> tags = g.kept.tags;
      tags.insert(tags.end(), g.tags_added.begin(), g.tags_added.end());
      MemoryPatch patch;
      patch.tags = NormalizeTags(tags);
      ASSIGN_OR_RETURN(PutResult put, store_.Update(g.kept.id, patch));
      g.kept_id = put.id;
    }
    std::vector<std::string> ids;
    std::vector<MemoryLink> links;
    for (const Memory& m : g.merged) {
      ids.push_back(m.id);
      const double score = best[pos.at(m.id)];
      links.push_back({m.id, g.kept_id, LinkKind::kMergedInto, std::clamp(score, 0.0, 1.0), 0});
    }
    ASSIGN_OR_RETURN(std::vector<std::string> archived, store_.SetArchived(ids, true));
    RETURN_IF_ERROR(store_.AddLinks(links));
  }
  return result;
}

}  // namespace memex
