// Text analysis shared by indexing (store) and querying (retrieval), so both sides agree on what
// a word and an identifier are. Pure functions; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memex {

// Lowercased words: maximal runs of ASCII letters/digits and non-ASCII bytes. Matches how the
// full-text index splits text (unicode61), so each word can be passed to the index as a term.
std::vector<std::string> SplitWords(std::string_view text);

// Identifier-like tokens, lowercased and de-duplicated in order of appearance: paths
// (src/a.cc, /etc/hosts, a::b), snake_case, kebab-case, CamelCase/camelCase, dotted names
// (os.path.join, config.toml, v1.2.3), error codes (E0432, ERR_X, ENOENT, 0x1f) and URLs.
// Surrounding quotes, brackets and sentence punctuation are stripped. Plain words and plain
// numbers are not identifiers.
std::vector<std::string> ExtractIdentifiers(std::string_view text);

// Extra words that make identifiers findable by their parts where the index tokenizer would not
// split them: CamelCase humps and letter/digit boundaries ("HttpServer2" -> "http server 2").
// Space-separated; "" when nothing to add. Deterministic (the index relies on it for deletes).
std::string IdentifierExpansion(std::string_view text);

// True for common English function words and question words ("the", "what", "did", ...).
bool IsStopWord(std::string_view lower_word);

}  // namespace memex
