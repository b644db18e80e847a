#include "retrieval/chunker.h"

#include <algorithm>
#include <utility>

namespace memex {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Byte ranges [begin, end) of the whitespace-separated words of `text`.
std::vector<std::pair<size_t, size_t>> Words(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i >= text.size()) break;
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    out.emplace_back(start, i);
  }
  return out;
}

}  // namespace

std::vector<std::string> ChunkText(std::string_view text, const ChunkOptions& options) {
  const int max_words = std::max(1, options.max_words);
  const int overlap = std::clamp(options.overlap, 0, max_words - 1);
  const int max_chunks = std::max(1, options.max_chunks);
  std::vector<std::pair<size_t, size_t>> words = Words(text);
  if (static_cast<int>(words.size()) <= max_words) return {std::string(text)};
  std::vector<std::string> out;
  const size_t step = static_cast<size_t>(max_words - overlap);
  for (size_t first = 0; first < words.size() && static_cast<int>(out.size()) < max_chunks;
       first += step) {
    size_t last = std::min(words.size(), first + static_cast<size_t>(max_words)) - 1;
    out.emplace_back(text.substr(words[first].first, words[last].second - words[first].first));
    if (last + 1 == words.size()) break;
  }
  return out;
}

}  // namespace memex
