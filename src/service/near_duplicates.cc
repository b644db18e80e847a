#include "service/near_duplicates.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>

#include "core/tokens.h"
#include "service/semantic_index.h"

namespace memex {
namespace {

// Words sent to the store per search: a near-duplicate shares nearly all of them, and the store
// keeps the rarest that fit the candidate cap, so a handful of long words is enough.
constexpr size_t kMaxTerms = 16;

bool Live(const Memory& m) {
  return !m.forgotten() && m.superseded_by.empty() &&
         (m.status == MemoryStatus::kActive || m.status == MemoryStatus::kCandidate);
}

}  // namespace

NearDuplicateRules RulesFrom(const HygieneConfig& config) {
  NearDuplicateRules r;
  r.min_jaccard = config.min_jaccard;
  r.min_jaccard_words = config.min_jaccard_words;
  r.min_contained_words = config.min_contained_words;
  r.min_contained_ratio = config.min_contained_ratio;
  r.min_cosine = config.min_cosine;
  return r;
}

std::vector<std::string> DistinctiveTerms(const std::string& content, size_t max_terms) {
  std::vector<std::string> words = SplitWords(content);
  std::vector<std::string> kept;
  std::unordered_set<std::string> seen;
  for (const std::string& w : words) {
    if (!IsStopWord(w) && seen.insert(w).second) kept.push_back(w);
  }
  if (kept.empty()) {  // only stop words ("what is it"): search for them
    for (const std::string& w : words) {
      if (seen.insert(w).second) kept.push_back(w);
    }
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  if (kept.size() > max_terms) kept.resize(max_terms);
  return kept;
}

Result<std::vector<NearDuplicate>> FindAndLinkNearDuplicates(Store& store,
                                                             const HygieneConfig& config,
                                                             const StoredMemory& stored,
                                                             SemanticIndex* index) {
  const NearDuplicateRules rules = RulesFrom(config);
  const size_t cap = static_cast<size_t>(std::max(1, config.candidates));
  SearchFilter filter;
  filter.scopes = {stored.scope};

  // Candidates: the memories sharing the most of the new one's distinctive words. The new
  // memory matches them all, so it is among them (its DocId is what the vector route needs).
  std::vector<DocId> docs;
  std::vector<std::string> terms = DistinctiveTerms(stored.content, kMaxTerms);
  if (!terms.empty()) {
    TextQuery q{terms, filter, static_cast<int>(cap) + 1};
    ASSIGN_OR_RETURN(TextResult text, store.SearchText(q));
    if (text.pruned || text.windowed) {
      // A bounded search is driven by the rarest words, and a word only the new memory has
      // (df 1) finds nothing else: search once more without those.
      std::vector<std::string> shared;
      for (size_t i = 0; i < terms.size() && i < text.terms.size(); ++i) {
        if (text.terms[i].df > 1) shared.push_back(terms[i]);
      }
      if (!shared.empty() && shared.size() < terms.size()) {
        q.terms = std::move(shared);
        ASSIGN_OR_RETURN(text, store.SearchText(q));
      }
    }
    std::vector<std::pair<int, DocId>> ranked;
    for (const TextCandidate& c : text.candidates) {
      int matched = static_cast<int>(
          std::count_if(c.tf.begin(), c.tf.end(), [](float tf) { return tf > 0; }));
      ranked.emplace_back(matched, c.doc);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second > b.second;
    });
    if (ranked.size() > cap + 1) ranked.resize(cap + 1);
    for (const auto& [matched, doc] : ranked) docs.push_back(doc);
  }
  ASSIGN_OR_RETURN(std::vector<Memory> rows, store.Hydrate(docs));

  std::map<std::string, NearDuplicate> found;  // by id: the best reason per memory
  auto note = [&](const Memory& m, const DuplicateScore& s) {
    if (!s.duplicate() || m.id == stored.id || !Live(m) || m.scope != stored.scope) return;
    auto [it, inserted] = found.try_emplace(
        m.id, NearDuplicate{m.id, s.similarity, std::string(DuplicateReasonName(s.reason))});
    if (!inserted && s.similarity > it->second.similarity) {
      it->second.similarity = s.similarity;
      it->second.reason = std::string(DuplicateReasonName(s.reason));
    }
  };
  const WordFingerprint mine = Fingerprint(stored.content);
  std::optional<DocId> self;
  for (size_t i = 0; i < rows.size(); ++i) {
    // Hydrate skips unknown rows; positions match the DocIds only when none was skipped.
    if (rows[i].id == stored.id && rows.size() == docs.size()) self = docs[i];
    note(rows[i], LexicalDuplicate(mine, Fingerprint(rows[i].content), rules));
  }

  // The vector route: only when the new memory's vector is already indexed (never waits).
  if (index != nullptr && self) {
    if (std::optional<std::vector<float>> vec = index->VectorOf(*self, filter)) {
      ASSIGN_OR_RETURN(std::vector<SemanticHit> hits,
                       index->Search(*vec, filter, static_cast<int>(cap) + 1));
      std::vector<DocId> close;
      std::vector<double> sims;
      for (const SemanticHit& h : hits) {
        if (h.doc != *self && VectorDuplicate(h.similarity, rules).duplicate()) {
          close.push_back(h.doc);
          sims.push_back(h.similarity);
        }
      }
      ASSIGN_OR_RETURN(std::vector<Memory> near, store.Hydrate(close));
      if (near.size() == close.size()) {
        for (size_t i = 0; i < near.size(); ++i) note(near[i], VectorDuplicate(sims[i], rules));
      }
    }
  }

  std::vector<NearDuplicate> out;
  for (auto& [id, d] : found) out.push_back(std::move(d));
  std::sort(out.begin(), out.end(), [](const NearDuplicate& a, const NearDuplicate& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
  });
  if (out.size() > cap) out.resize(cap);
  if (out.empty()) return out;
  std::vector<MemoryLink> links;
  for (const NearDuplicate& d : out) {
    links.push_back({stored.id, d.id, LinkKind::kNearDuplicate, std::min(1.0, d.similarity), 0});
  }
  RETURN_IF_ERROR(store.AddLinks(links));
  return out;
}

}  // namespace memex
