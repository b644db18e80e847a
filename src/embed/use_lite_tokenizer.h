// The SentencePiece-style tokenizer of Universal Sentence Encoder Lite, a faithful port of the
// TensorFlow.js one (@energetic-ai/embeddings 0.2.0, lib/tokenizer.ts) that produced the model's
// reference outputs (embed/testdata/use_lite_golden.json):
//
//   1. NFKC-normalise; a non-empty result gets a "▁" (U+2581) prefix and every ASCII space
//      becomes "▁" (no lower-casing; other whitespace is kept as it is after NFKC).
//   2. Viterbi over the pieces' scores, code point by code point. Pieces 0..5 are reserved and
//      never matched; a null score counts 0; a code point that starts no piece becomes id 0 with
//      score 0. Ties follow the reference exactly: candidates are visited by ascending start,
//      and one whose score is >= the best so far (or any one while the best is exactly 0)
//      replaces it. The path is walked back by the UTF-16 length of each chosen piece, as the
//      reference does.
//   3. Consecutive id-0 tokens merge into one; the result is clipped to the first max_tokens.
//
// Thread-safety: immutable after construction; Encode may run on many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace memex {

class UseLiteTokenizer {
 public:
  // The model reads at most this many tokens of a text.
  static constexpr int kMaxTokens = 128;
  // Ids below this are reserved (unknown, <s>, </s>, three extras) and never matched.
  static constexpr int kReservedIds = 6;

  struct Piece {
    std::string text;  // UTF-8
    double score = 0;  // log-probability-like; null in vocab.json reads as 0
  };

  // Builds the tokenizer from vocab.json's content: a JSON array of [piece, score|null].
  // `path` only names the file in errors. Errors: kFailedPrecondition when the JSON is not such
  // an array or holds fewer than kReservedIds + 1 pieces.
  static Result<UseLiteTokenizer> FromVocabJson(std::string_view json, const std::string& path);

  // Token ids of `text`, at most `max_tokens` of them (the first ones; negative: all). An empty
  // text (or one that NFKC makes empty) gives no tokens. Errors: kInvalidArgument when `text` is
  // not valid UTF-8.
  Result<std::vector<int32_t>> Encode(std::string_view text, int max_tokens = kMaxTokens) const;

  size_t vocab_size() const { return pieces_.size(); }

 private:
  explicit UseLiteTokenizer(std::vector<Piece> pieces);

  struct Node {
    int32_t piece = -1;  // id of the piece ending here, or -1
  };
  // Child of trie node `node` for code point `cp`, or -1.
  int32_t Child(int32_t node, char32_t cp) const;

  std::vector<Piece> pieces_;
  std::vector<int32_t> utf16_length_;               // per piece: how far the reference walks back
  std::vector<Node> nodes_;                         // nodes_[0] is the root
  std::unordered_map<uint64_t, int32_t> children_;  // (node << 32 | code point) -> node
};

}  // namespace memex
