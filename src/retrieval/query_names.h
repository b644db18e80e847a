// Names in a query: the words written with a capital initial in mid-sentence ("When did
// Caroline go to Paris?" names caroline and paris). A name is the most specific thing a question
// can say about where its answer lives: a query whose names all appear nowhere in the searched
// scopes is about something else, and one whose names do appear needs less other evidence. The
// relevance gate uses both (docs/retrieval.md §8). Pure functions; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memex {

// Lowercased names, in order, without repeats. A word counts when it starts with an ASCII
// capital, has a lowercase letter after it (acronyms such as "API" are identifiers, not names),
// has at least two letters, does not start the query or a sentence (after . ? ! or :), and is
// not a month or weekday. A possessive's "'s" is dropped ("Caroline's" names caroline).
std::vector<std::string> NamesInQuery(std::string_view query);

// True when `agent`'s words ("claude-code" -> claude, code) appear consecutively among
// `query_words` (lowercased words of the query, core/tokens.h SplitWords). An empty agent
// never matches.
bool QueryNamesAgent(const std::vector<std::string>& query_words, std::string_view agent);

}  // namespace memex
