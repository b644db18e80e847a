// The shape of an answer, read from text alone: whether a question asks for a time, whether a
// memory states one, and whether a memory only asks. Ranking uses them as small adjustments
// (docs/retrieval.md §8): "when did we ship the parser?" is answered by a memory that says
// "last week" or "on 3 May", and a memory that ends by asking ("did the migration run?") is
// seldom the answer, though the memory after it often is (the reply weight). Pure; no I/O.
#pragma once

#include <string_view>

namespace memex {

// True when `query` asks for a point in time: it starts with "when", "since when", "how long
// ago", or "what"/"which" followed by time, date, day, week, month, year or season; or it has
// "when" followed by did/do/does/was/were/is/are/will/has/have/had anywhere ("and when did").
// Also when it asks for a span of time, anywhere: "how long" followed by one of those words but
// "is" ("how long has ...", "for how long did ..."), or "how many days/weeks/months/years".
bool AsksWhen(std::string_view query);

// True when `text` states a time: a date or year (1900-2099), a weekday or month name (a month
// that is also a word, "may" or "march", needs a number next to it), or a relative phrase
// ("yesterday", "last night", "two days ago", "next Saturday", "recently", "this weekend") or a
// unit of time ("a week", "for months").
bool StatesTime(std::string_view text);

// True when `text`'s last sentence is a question: its final run of sentence punctuation holds a
// '?'. Text in square brackets ("[image: ...]") is ignored, and so is trailing text without a
// letter or digit (an emoji, a closing quote).
bool EndsAsking(std::string_view text);

}  // namespace memex
