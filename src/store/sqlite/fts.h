// The FTS5 side of the SQLite store: quoting user text into FTS5 query syntax, building the
// MATCH expressions used by SearchText, and the `memex_tf` auxiliary function that reports
// per-phrase term frequencies without the full-doclist scans of the built-in bm25().
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace memex::sqlite {

// Columns that hold user text; user phrases are always restricted to them so they can never match
// the scope tokens of column `sc`.
inline constexpr std::string_view kFtsTextColumns = "{body tags}";

// Quotes raw user text as one FTS5 string: wrapped in double quotes, inner quotes doubled, NUL
// bytes turned into spaces. Every input gives a valid FTS5 phrase; text that tokenizes to nothing
// gives a phrase that matches no document.
std::string QuoteFtsPhrase(std::string_view raw);

// `{body tags} : ("a" OR "b" ...)` over already quoted phrases. Precondition: non-empty.
std::string FtsTextAny(const std::vector<std::string>& quoted);

// Registers the auxiliary function memex_tf(<fts table>, n) on `db`: a blob of n native-endian
// int32, the number of instances in columns body/tags of phrases 0..n-1 of the MATCH expression
// in the current row (phrases past the expression's count are 0). It reads only the current
// row's position lists, unlike bm25() which scans whole doclists (xQueryPhrase).
// Errors: kInternal when the library has no FTS5.
Status RegisterFtsFunctions(sqlite3* db);

// Decodes one int32 of a memex_tf() blob (0 when out of range).
int32_t TfCount(std::string_view blob, int phrase);

// The tokenizer of the full-text tables (row_codec.h FtsTableSql).
inline constexpr std::string_view kFtsTokenizer = "porter unicode61 remove_diacritics 2";

// Counts tokens exactly as the full-text tables do for a column value, so document lengths can be
// kept outside the index (the tables have columnsize=0).
// Thread-safety: not thread-safe; used under the store's write mutex.
class TokenCounter {
 public:
  // Errors: kInternal when the tokenizer is unavailable.
  static Result<std::unique_ptr<TokenCounter>> Create(sqlite3* db);
  ~TokenCounter();
  TokenCounter(const TokenCounter&) = delete;
  TokenCounter& operator=(const TokenCounter&) = delete;

  int32_t Count(std::string_view text);

 private:
  TokenCounter(fts5_tokenizer methods, Fts5Tokenizer* tokenizer)
      : methods_(methods), tokenizer_(tokenizer) {}
  fts5_tokenizer methods_;
  Fts5Tokenizer* tokenizer_;  // owned; released with methods_.xDelete
};

}  // namespace memex::sqlite
