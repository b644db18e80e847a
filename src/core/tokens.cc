#include "core/tokens.h"

#include <algorithm>
#include <iterator>
#include <string_view>

namespace memex {
namespace {

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsLetter(unsigned char c) { return IsUpper(c) || IsLower(c); }
char Lower(char c) {
  return IsUpper(static_cast<unsigned char>(c)) ? static_cast<char>(c + 32) : c;
}

// Length of the UTF-8 sequence starting with `c` (1 for ASCII and for stray bytes).
size_t SeqLen(unsigned char c) {
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

// Non-ASCII code points that unicode61 treats as separators and that are common in prose:
// Latin-1 punctuation, general punctuation (dashes, curly quotes, ellipsis), CJK punctuation,
// fullwidth ASCII punctuation.
bool IsUnicodeSeparator(std::string_view s, size_t i, size_t len) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (len == 2 && b(0) == 0xc2) return b(1) <= 0xbf && b(1) != 0xaa && b(1) != 0xb5 && b(1) != 0xba;
  if (len == 2 && b(0) == 0xc3) return b(1) == 0x97 || b(1) == 0xb7;            // × ÷
  if (len == 3 && b(0) == 0xe2 && (b(1) == 0x80 || b(1) == 0x81)) return true;  // U+2000–U+207F
  if (len == 3 && b(0) == 0xe3 && b(1) == 0x80) return true;                    // U+3000–U+303F
  if (len == 3 && b(0) == 0xef && b(1) == 0xbc && b(2) <= 0x8f) return true;    // U+FF00–U+FF0F
  return false;
}

// Characters that may appear inside an identifier token.
bool IsIdentChar(unsigned char c) {
  return IsAsciiAlnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == ':' || c == '@' ||
         c == '~';
}
bool IsEdgePunct(char c) {
  return c == '.' || c == '/' || c == '-' || c == ':' || c == '@' || c == '~';
}

bool HasInnerSeparator(std::string_view t, char sep) {
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] == sep && IsAsciiAlnum(static_cast<unsigned char>(t[i - 1])) &&
        IsAsciiAlnum(static_cast<unsigned char>(t[i + 1]))) {
      return true;
    }
  }
  return false;
}

bool IsCamel(std::string_view t) {
  for (size_t i = 1; i < t.size(); ++i) {
    auto p = static_cast<unsigned char>(t[i - 1]), c = static_cast<unsigned char>(t[i]);
    if (IsLower(p) && IsUpper(c)) return true;
    if (i + 1 < t.size() && IsUpper(p) && IsUpper(c) &&
        IsLower(static_cast<unsigned char>(t[i + 1]))) {
      return true;
    }
  }
  return false;
}

// Dotted names need a letter in some segment and more than single-letter segments ("e.g").
bool IsDotted(std::string_view t) {
  if (!HasInnerSeparator(t, '.')) return false;
  size_t longest = 0, run = 0;
  for (char c : t) {
    if (c == '.') {
      run = 0;
    } else {
      longest = std::max(longest, ++run);
    }
  }
  return longest >= 2;
}

bool IsIdentifier(std::string_view t) {
  if (t.size() < 3 || t.size() > 200) return false;
  int letters = 0, digits = 0, uppers = 0;
  for (char ch : t) {
    auto c = static_cast<unsigned char>(ch);
    letters += IsLetter(c);
    digits += IsDigit(c);
    uppers += IsUpper(c);
  }
  if (letters == 0) return false;
  if (t.find("://") != std::string_view::npos) return true;  // URL
  if (HasInnerSeparator(t, '_')) return true;                // snake_case, SCREAMING_CASE
  if (HasInnerSeparator(t, '/')) return true;                // paths
  if (t.find("::") != std::string_view::npos) return true;   // a::b
  if (IsDotted(t)) return true;                              // os.path, config.toml, v1.2
  if (HasInnerSeparator(t, '-')) return true;                // kebab-case
  if (IsCamel(t)) return true;                               // HttpServer, getUser
  bool alnum_only = std::all_of(t.begin(), t.end(),
                                [](char c) { return IsAsciiAlnum(static_cast<unsigned char>(c)); });
  if (!alnum_only) return false;
  if (digits > 0) return true;               // E0432, sha256, 0x1f
  return uppers == letters && letters >= 4;  // ENOENT, LGBTQ
}

// Calls `fn` with every candidate token: runs of identifier characters with edge punctuation
// stripped (so "./src/a.cc," and "/etc/hosts" become "src/a.cc" and "etc/hosts").
template <typename Fn>
void ForEachIdentToken(std::string_view text, Fn fn) {
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && !IsIdentChar(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < n && IsIdentChar(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view tok = text.substr(start, i - start);
    bool url = tok.find("://") != std::string_view::npos;
    while (!tok.empty() && IsEdgePunct(tok.front()) && !url) tok.remove_prefix(1);
    while (!tok.empty() && IsEdgePunct(tok.back())) tok.remove_suffix(1);
    if (!tok.empty()) fn(tok);
  }
}

constexpr std::string_view kStopWords[] = {
    "a",       "about",   "above",     "after",      "again",    "against",    "all",
    "also",    "am",      "an",        "and",        "any",      "are",        "aren",
    "as",      "at",      "be",        "because",    "been",     "before",     "being",
    "below",   "between", "both",      "but",        "by",       "can",        "cannot",
    "could",   "couldn",  "d",         "did",        "didn",     "do",         "does",
    "doesn",   "doing",   "don",       "down",       "during",   "each",       "else",
    "ever",    "every",   "few",       "for",        "from",     "further",    "get",
    "got",     "had",     "hadn",      "has",        "hasn",     "have",       "haven",
    "having",  "he",      "her",       "here",       "hers",     "herself",    "him",
    "himself", "his",     "how",       "however",    "i",        "if",         "in",
    "into",    "is",      "isn",       "it",         "its",      "itself",     "just",
    "kind",    "ll",      "m",         "many",       "may",      "me",         "might",
    "more",    "most",    "much",      "must",       "mustn",    "my",         "myself",
    "no",      "nor",     "not",       "now",        "o",        "of",         "off",
    "on",      "once",    "one",       "only",       "or",       "other",      "others",
    "our",     "ours",    "ourselves", "out",        "over",     "own",        "please",
    "re",      "s",       "same",      "shall",      "shan",     "she",        "should",
    "shouldn", "so",      "some",      "such",       "t",        "tell",       "than",
    "that",    "the",     "their",     "theirs",     "them",     "themselves", "then",
    "there",   "these",   "they",      "thing",      "things",   "this",       "those",
    "through", "to",      "too",       "under",      "until",    "up",         "upon",
    "us",      "ve",      "very",      "was",        "wasn",     "we",         "were",
    "weren",   "what",    "whatever",  "when",       "whenever", "where",      "whether",
    "which",   "while",   "who",       "whom",       "whose",    "why",        "will",
    "with",    "won",     "would",     "wouldn",     "y",        "yet",        "you",
    "your",    "yours",   "yourself",  "yourselves", "anything", "something",  "someone",
    "let",     "lets",    "per",       "via",        "within",   "without"};

}  // namespace

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  size_t i = 0, n = text.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = std::min(SeqLen(c), n - i);
    bool word_char = c < 0x80 ? IsAsciiAlnum(c) : !IsUnicodeSeparator(text, i, len);
    if (word_char) {
      if (c < 0x80) {
        cur += Lower(static_cast<char>(c));
      } else {
        cur.append(text.substr(i, len));
      }
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
    i += len;
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::vector<std::string> ExtractIdentifiers(std::string_view text) {
  std::vector<std::string> out;
  ForEachIdentToken(text, [&](std::string_view tok) {
    if (!IsIdentifier(tok)) return;
    std::string lower(tok);
    for (char& c : lower) c = Lower(c);
    if (std::find(out.begin(), out.end(), lower) == out.end()) out.push_back(std::move(lower));
  });
  return out;
}

std::string IdentifierExpansion(std::string_view text) {
  std::string out;
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && !IsAsciiAlnum(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < n && IsAsciiAlnum(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view run = text.substr(start, i - start);
    if (run.size() < 3) continue;
    // Split at lower->Upper, Upper->Upper+lower, letter<->digit.
    std::vector<std::string_view> parts;
    size_t p0 = 0;
    for (size_t k = 1; k < run.size(); ++k) {
      auto a = static_cast<unsigned char>(run[k - 1]), b = static_cast<unsigned char>(run[k]);
      bool cut = (IsLower(a) && IsUpper(b)) || (IsLetter(a) && IsDigit(b)) ||
                 (IsDigit(a) && IsLetter(b)) ||
                 (IsUpper(a) && IsUpper(b) && k + 1 < run.size() &&
                  IsLower(static_cast<unsigned char>(run[k + 1])));
      if (cut) {
        parts.push_back(run.substr(p0, k - p0));
        p0 = k;
      }
    }
    if (parts.empty()) continue;
    parts.push_back(run.substr(p0));
    for (std::string_view part : parts) {
      if (!out.empty()) out += ' ';
      for (char c : part) out += Lower(c);
    }
  }
  return out;
}

bool IsStopWord(std::string_view w) {
  static const std::vector<std::string_view> sorted = [] {
    std::vector<std::string_view> v(std::begin(kStopWords), std::end(kStopWords));
    std::sort(v.begin(), v.end());
    return v;
  }();
  return std::binary_search(sorted.begin(), sorted.end(), w);
}

}  // namespace memex
