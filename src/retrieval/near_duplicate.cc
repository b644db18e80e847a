#include "retrieval/near_duplicate.h"

#include <algorithm>
#include <iterator>

#include "core/tokens.h"

namespace memex {

std::string_view DuplicateReasonName(DuplicateReason r) {
  switch (r) {
    case DuplicateReason::kNone:
      return "none";
    case DuplicateReason::kSameWords:
      return "same_words";
    case DuplicateReason::kContained:
      return "contained";
    case DuplicateReason::kWordOverlap:
      return "word_overlap";
    case DuplicateReason::kVector:
      return "vector";
  }
  return "none";
}

WordFingerprint Fingerprint(std::string_view text) {
  WordFingerprint f;
  f.words = SplitWords(text);
  f.distinct = f.words;
  std::sort(f.distinct.begin(), f.distinct.end());
  f.distinct.erase(std::unique(f.distinct.begin(), f.distinct.end()), f.distinct.end());
  return f;
}

double Jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t common = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

bool ContainsRun(const std::vector<std::string>& haystack, const std::vector<std::string>& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

namespace {

double Ratio(size_t small, size_t large) {
  return large == 0 ? 0 : static_cast<double>(small) / static_cast<double>(large);
}

}  // namespace

bool LexicallyTooDifferent(const WordFingerprint& a, const WordFingerprint& b,
                           const NearDuplicateRules& rules) {
  const size_t wa = a.words.size(), wb = b.words.size();
  if (wa == 0 || wb == 0) return true;
  if (wa == wb) return false;  // same_words is possible
  if (Ratio(std::min(wa, wb), std::max(wa, wb)) >= rules.min_contained_ratio &&
      std::min(wa, wb) >= static_cast<size_t>(rules.min_contained_words)) {
    return false;
  }
  const size_t da = a.distinct.size(), db = b.distinct.size();
  // Jaccard <= |smaller set| / |larger set|.
  return std::min(da, db) < static_cast<size_t>(rules.min_jaccard_words) ||
         Ratio(std::min(da, db), std::max(da, db)) < rules.min_jaccard;
}

DuplicateScore LexicalDuplicate(const WordFingerprint& a, const WordFingerprint& b,
                                const NearDuplicateRules& rules) {
  if (LexicallyTooDifferent(a, b, rules)) return {};
  if (a.words == b.words) return {1.0, DuplicateReason::kSameWords};
  const WordFingerprint& shorter = a.words.size() <= b.words.size() ? a : b;
  const WordFingerprint& longer = &shorter == &a ? b : a;
  const double ratio = Ratio(shorter.words.size(), longer.words.size());
  if (shorter.words.size() >= static_cast<size_t>(rules.min_contained_words) &&
      ratio >= rules.min_contained_ratio && ContainsRun(longer.words, shorter.words)) {
    return {ratio, DuplicateReason::kContained};
  }
  if (std::min(a.distinct.size(), b.distinct.size()) >=
      static_cast<size_t>(rules.min_jaccard_words)) {
    const double j = Jaccard(a.distinct, b.distinct);
    if (j >= rules.min_jaccard) return {j, DuplicateReason::kWordOverlap};
  }
  return {};
}

DuplicateScore LexicalDuplicate(std::string_view a, std::string_view b,
                                const NearDuplicateRules& rules) {
  return LexicalDuplicate(Fingerprint(a), Fingerprint(b), rules);
}

DuplicateScore VectorDuplicate(double cosine, const NearDuplicateRules& rules) {
  if (cosine >= rules.min_cosine) return {std::min(cosine, 1.0), DuplicateReason::kVector};
  return {};
}

}  // namespace memex
