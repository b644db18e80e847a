// SyntheticCorpus: a deterministic stream of realistic coding-agent memories (decisions,
// conventions, gotchas, fixes, procedures ...) of roughly 100-300 bytes for the scale benchmarks.
//
// Text mixes a Zipf-distributed vocabulary (a few hundred real words at the head, so words like
// "use", "test", "build" and "server" appear in 20-50% of memories, and tens of thousands of
// pronounceable pseudo-words in the long tail, so rare terms exist at every size) with
// identifiers: snake_case functions, CamelCase types, paths, error codes and dotted names, whose
// parts are themselves Zipf-distributed so that some identifiers recur often and most are rare.
//
// The generator counts, per vocabulary word, how many memories contain it (document frequency),
// which is what the rare- and common-term queries are chosen from.
//
// Thread-safety: none; use one corpus per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/memory.h"
#include "core/scope.h"
#include "rng.h"

namespace memex::bench {

class SyntheticCorpus {
 public:
  // Same seed and scope = same sequence of memories.
  SyntheticCorpus(uint64_t seed, Scope scope);
  // Not copyable or movable: the word index points into the vocabulary.
  SyntheticCorpus(const SyntheticCorpus&) = delete;
  SyntheticCorpus& operator=(const SyntheticCorpus&) = delete;

  // The next memory of the sequence. Generating 1M takes a few seconds at most.
  NewMemory Next();

  int64_t generated() const { return generated_; }
  size_t vocab_size() const { return vocab_.size(); }
  const std::string& word(size_t rank) const { return vocab_[rank]; }
  // Ranks >= tail_begin() are pseudo-words that only ever appear as filler text.
  size_t tail_begin() const { return tail_begin_; }
  // Memories generated so far that contain word(rank) as a token (split like the unicode61
  // index: runs of letters and digits). Exact for tail words; a lower bound for head words when
  // the store also indexes CamelCase parts of identifiers.
  int64_t df(size_t rank) const { return df_[rank]; }
  // A Zipf-distributed vocabulary word, as used in the filler text.
  const std::string& ZipfWord(Rng& rng) const;
  // A Zipf-distributed word from the head of the vocabulary, skipping the first `skip` ranks
  // and function words ("the", "to", "when" ...).
  const std::string& MidWord(Rng& rng, size_t skip) const;
  // A uniform sample (reservoir) of identifiers that generated memories contained.
  const std::vector<std::string>& identifier_sample() const { return ident_sample_; }
  // A fresh identifier built the same way as those in the memories (it may or may not occur).
  std::string MakeIdentifier(Rng& rng) const;

 private:
  std::string Fill(std::string_view tmpl);
  void AppendWords(std::string& out, int n);
  // Appends the vocabulary ranks of `text`'s words to counted_.
  void CountText(std::string_view text);
  void BuildAlias(const std::vector<double>& weights);
  size_t PickRank(Rng& rng) const;
  void RecordIdentifier(const std::string& ident);
  std::string MakeShapedIdentifier(Rng& rng, int shape) const;

  Rng rng_;
  Rng sample_rng_;
  Scope scope_;
  std::vector<std::string> vocab_;
  std::vector<double> alias_prob_;  // Zipf draws by the alias method
  std::vector<uint32_t> alias_;
  std::vector<std::vector<uint32_t>> template_words_;  // ranks of each template's literal words
  size_t tail_begin_ = 0;
  std::vector<char> function_word_;                            // per head rank
  std::unordered_map<std::string_view, uint32_t> word_index_;  // views into vocab_ -> rank
  std::vector<uint32_t> df_;
  std::vector<uint32_t> counted_;  // ranks of the words in the memory being generated
  std::string lowered_;            // scratch for CountText
  std::vector<std::string> ident_sample_;
  int64_t idents_seen_ = 0;
  int64_t generated_ = 0;
};

}  // namespace memex::bench
