#include "retrieval/query_names.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/tokens.h"

namespace memex {
namespace {

bool IsCalendarWord(std::string_view lower) {
  static constexpr std::array<std::string_view, 19> kWords = {
      "january",   "february",  "march",   "april",    "may",      "june",   "july",
      "august",    "september", "october", "november", "december", "monday", "tuesday",
      "wednesday", "thursday",  "friday",  "saturday", "sunday"};
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

// Non-ASCII bytes count as letters, as in SplitWords ("Zürich" is one word).
bool IsLetter(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalpha(u) != 0;
}

}  // namespace

std::vector<std::string> NamesInQuery(std::string_view query) {
  std::vector<std::string> out;
  bool sentence_start = true;
  size_t i = 0;
  while (i < query.size()) {
    const char c = query[i];
    if (c == '.' || c == '?' || c == '!' || c == ':') {
      sentence_start = true;
      ++i;
      continue;
    }
    if (!IsLetter(c)) {
      // Digits and other non-letters end a word; they don't start a sentence.
      if (std::isalnum(static_cast<unsigned char>(c)) != 0) sentence_start = false;
      ++i;
      continue;
    }
    size_t end = i;
    while (end < query.size() &&
           (IsLetter(query[end]) || std::isdigit(static_cast<unsigned char>(query[end])) != 0)) {
      ++end;
    }
    std::string_view word = query.substr(i, end - i);
    const bool capital = std::isupper(static_cast<unsigned char>(word[0])) != 0;
    const bool has_lower = std::any_of(word.begin() + 1, word.end(), [](char ch) {
      return std::islower(static_cast<unsigned char>(ch)) != 0;
    });
    if (!sentence_start && capital && has_lower && word.size() >= 2) {
      std::string lower;
      for (char ch : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!IsCalendarWord(lower) && std::find(out.begin(), out.end(), lower) == out.end()) {
        out.push_back(std::move(lower));
      }
    }
    sentence_start = false;
    i = end;
  }
  return out;
}

bool QueryNamesAgent(const std::vector<std::string>& query_words, std::string_view agent) {
  const std::vector<std::string> parts = SplitWords(agent);
  if (parts.empty() || parts.size() > query_words.size()) return false;
  return std::search(query_words.begin(), query_words.end(), parts.begin(), parts.end()) !=
         query_words.end();
}

}  // namespace memex
