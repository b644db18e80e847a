// Chunker: splits a memory's text into the pieces that are embedded separately (SPEC §6,
// docs/retrieval.md "Chunking"). An embedding model reads a bounded number of tokens (USE-Lite:
// 128) and clips the rest, so a long memory is embedded as overlapping windows of words and is
// found by the best of them. Pure function; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memex {

struct ChunkOptions {
  int max_words = 90;   // per chunk (about 120 USE-Lite tokens of English)
  int overlap = 15;     // words repeated from the previous chunk, so no sentence is cut alone
  int max_chunks = 64;  // the rest of a longer text is not embedded (its words stay in BM25)
};

// The text itself when it has at most max_words words (the common case: one chunk, unchanged);
// otherwise windows of max_words words starting every max_words - overlap words, each the exact
// byte range of the original text it covers. Whitespace-only text gives one chunk, itself.
std::vector<std::string> ChunkText(std::string_view text, const ChunkOptions& options = {});

}  // namespace memex
