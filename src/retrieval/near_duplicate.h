// Near-duplicate rules (SPEC §6 "de-duplication on store ... near-duplicate"; docs/hygiene.md):
// when two memories say the same thing in nearly the same words, or their embeddings are almost
// identical. The rules are deliberately conservative: a false positive links (or, in
// `memex consolidate --apply`, archives) a memory that says something different.
//
// Lexical rules, over normalised words (core/tokens.h SplitWords: lowercased runs of letters and
// digits, so case, punctuation and spacing never matter), first match wins:
//   same_words    the two word sequences are equal                       similarity 1
//   contained     the shorter sequence (>= min_contained_words words) occurs contiguously in
//                 the longer, and is at least min_contained_ratio of its length
//                                                                        similarity shorter/longer
//   word_overlap  Jaccard of the two word sets >= min_jaccard, both sets having at least
//                 min_jaccard_words distinct words                       similarity = Jaccard
// Vector rule: cosine of the two embeddings >= min_cosine               similarity = cosine
//
// These follow memoryoss's structural duplicate rules (same normalised tokens; containment of
// >= 5 tokens; Jaccard >= 0.92 with >= 6 tokens) and its semantic duplicate bar (cosine >= 0.95),
// with one addition: containment also needs the shorter text to be most of the longer one, since
// "use tabs in Makefiles" is contained in a paragraph about Makefiles without duplicating it.
//
// Pure functions; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memex {

struct NearDuplicateRules {
  double min_jaccard = 0.92;
  int min_jaccard_words = 6;
  int min_contained_words = 5;
  double min_contained_ratio = 0.8;
  double min_cosine = 0.95;
};

enum class DuplicateReason { kNone, kSameWords, kContained, kWordOverlap, kVector };

// "none", "same_words", "contained", "word_overlap", "vector".
std::string_view DuplicateReasonName(DuplicateReason r);

struct DuplicateScore {
  double similarity = 0;  // 0..1; meaningful when duplicate()
  DuplicateReason reason = DuplicateReason::kNone;
  bool duplicate() const { return reason != DuplicateReason::kNone; }
};

// A text's normalised words, computed once and compared many times.
struct WordFingerprint {
  std::vector<std::string> words;     // in order
  std::vector<std::string> distinct;  // sorted, unique
};

WordFingerprint Fingerprint(std::string_view text);

// Jaccard similarity of two sorted unique word lists: |a ∩ b| / |a ∪ b| (0 when both are empty).
double Jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b);

// True when `needle` occurs as a contiguous run of `haystack` (an empty needle always does).
bool ContainsRun(const std::vector<std::string>& haystack, const std::vector<std::string>& needle);

// The lexical rules above. Symmetric.
DuplicateScore LexicalDuplicate(const WordFingerprint& a, const WordFingerprint& b,
                                const NearDuplicateRules& rules);
DuplicateScore LexicalDuplicate(std::string_view a, std::string_view b,
                                const NearDuplicateRules& rules);

// The vector rule for a cosine similarity computed elsewhere.
DuplicateScore VectorDuplicate(double cosine, const NearDuplicateRules& rules);

// A cheap pre-filter for comparing many pairs: true when the word counts alone rule out every
// lexical rule, i.e. LexicalDuplicate(a, b, rules) is certainly kNone. Never true for a pair
// that LexicalDuplicate accepts.
bool LexicallyTooDifferent(const WordFingerprint& a, const WordFingerprint& b,
                           const NearDuplicateRules& rules);

}  // namespace memex
