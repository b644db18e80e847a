// FtsBaseline: the plain full-text comparison point for LoCoMo — one in-memory SQLite FTS5 table
// per conversation (tokenizer unicode61, default bm25 rank), each question's words OR-ed as
// quoted terms, ORDER BY rank LIMIT n. No stop words, no identifiers, no recency, no tuning.
//
// Thread-safety: none; one instance per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace memex::bench {

class FtsBaseline {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Errors: kInternal when SQLite cannot open an in-memory database or lacks FTS5.
  static Result<std::unique_ptr<FtsBaseline>> Create();
  FtsBaseline(Key, sqlite3* db);  // use Create(); takes ownership of `db`
  ~FtsBaseline();
  FtsBaseline(const FtsBaseline&) = delete;
  FtsBaseline& operator=(const FtsBaseline&) = delete;

  // Indexes `docs` as conversation `conv` (a new table); document i gets row id i.
  Status AddConversation(int conv, const std::vector<std::string>& docs);

  // Row ids of conversation `conv`, best first, at most `limit`.
  Result<std::vector<int64_t>> Search(int conv, std::string_view question, int limit);

  // The MATCH expression for a question: its words (unicode61-style: runs of ASCII letters and
  // digits and non-ASCII bytes, lowercased), de-duplicated, quoted and joined with OR.
  static std::string MatchExpression(std::string_view question);

 private:
  sqlite3* db_;  // owned
};

}  // namespace memex::bench
