#include "retrieval/answer_shape.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "core/tokens.h"

namespace memex {
namespace {

template <size_t N>
bool OneOf(std::string_view word, const std::array<std::string_view, N>& words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

constexpr std::array<std::string_view, 5> kTimeUnitsAfterWhat = {"time", "date", "day", "month",
                                                                 "year"};
constexpr std::array<std::string_view, 12> kAuxiliaries = {
    "did", "do", "does", "was", "were", "is", "are", "will", "has", "have", "had", "would"};
// Spans a "how many ..." question counts in: "how many weeks passed between ...".
constexpr std::array<std::string_view, 4> kSpanUnits = {"days", "weeks", "months", "years"};

bool IsYear(std::string_view w) {
  return w.size() == 4 && (w.starts_with("19") || w.starts_with("20")) &&
         std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsNumber(std::string_view w) {
  return !w.empty() && w.size() <= 4 &&
         std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Digits followed by an ordinal suffix: "3rd", "21st".
bool IsOrdinal(std::string_view w) {
  size_t digits = 0;
  while (digits < w.size() && w[digits] >= '0' && w[digits] <= '9') ++digits;
  if (digits == 0 || digits > 2) return false;
  std::string_view rest = w.substr(digits);
  return rest == "st" || rest == "nd" || rest == "rd" || rest == "th";
}

}  // namespace

bool AsksWhen(std::string_view query) {
  const std::vector<std::string> w = SplitWords(query);
  if (w.empty()) return false;
  if (w[0] == "when") return true;
  if (w.size() >= 2 && w[0] == "since" && w[1] == "when") return true;
  if (w.size() >= 3 && w[0] == "how" && w[1] == "long" && w[2] == "ago") return true;
  // A span of time: "how long has she had them?", "for how long did ...", "how many months
  // passed ...". Not "how long is": that is as often a length ("how long is the cable?").
  for (size_t i = 0; i + 2 < w.size(); ++i) {
    if (w[i] != "how") continue;
    if (w[i + 1] == "long" && w[i + 2] != "is" && OneOf(w[i + 2], kAuxiliaries)) return true;
    if (w[i + 1] == "many" && OneOf(w[i + 2], kSpanUnits)) return true;
  }
  if (w.size() >= 2 && (w[0] == "what" || w[0] == "which") &&
      (OneOf(w[1], kTimeUnitsAfterWhat) || w[1] == "week" || w[1] == "season" || w[1] == "dates" ||
       w[1] == "days" || w[1] == "months" || w[1] == "years")) {
    return true;
  }
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i] == "when" && OneOf(w[i + 1], kAuxiliaries)) return true;
  }
  return false;
}

bool StatesTime(std::string_view text) {
  static constexpr std::array<std::string_view, 21> kAlone = {
      "yesterday", "today",    "tonight", "tomorrow", "recently",  "lately",   "ago",
      "weekend",   "weekends", "monday",  "tuesday",  "wednesday", "thursday", "friday",
      "saturday",  "sunday",   "january", "february", "april",     "june",     "july"};
  static constexpr std::array<std::string_view, 5> kAloneMore = {"august", "september", "october",
                                                                 "november", "december"};
  static constexpr std::array<std::string_view, 3> kMonthWords = {"may", "march", "sept"};
  static constexpr std::array<std::string_view, 6> kAfterShift = {"night",  "summer", "winter",
                                                                  "spring", "fall",   "autumn"};
  static constexpr std::array<std::string_view, 3> kShifts = {"last", "next", "this"};
  // Units of time alone ("a week", "for months", "two years back"), as a span or a moment.
  static constexpr std::array<std::string_view, 7> kUnits = {"week", "weeks", "month", "months",
                                                             "year", "years", "days"};
  const std::vector<std::string> w = SplitWords(text);
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& x = w[i];
    if (OneOf(x, kAlone) || OneOf(x, kAloneMore) || IsYear(x)) return true;
    const bool number_before = i > 0 && (IsNumber(w[i - 1]) || IsOrdinal(w[i - 1]));
    const bool number_after = i + 1 < w.size() && (IsNumber(w[i + 1]) || IsOrdinal(w[i + 1]));
    if (OneOf(x, kMonthWords) && (number_before || number_after)) return true;
    if (OneOf(x, kShifts) && i + 1 < w.size() && OneOf(w[i + 1], kAfterShift)) return true;
    if (OneOf(x, kUnits)) return true;
  }
  return false;
}

bool EndsAsking(std::string_view text) {
  // The text with bracketed parts removed (unbalanced '[' hides the rest: a caption cut short).
  std::string kept;
  kept.reserve(text.size());
  int depth = 0;
  for (char c : text) {
    if (c == '[') {
      ++depth;
    } else if (c == ']' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      kept += c;
    }
  }
  // Walk back over trailing text with no letter or digit, then read the punctuation run.
  size_t end = kept.size();
  while (end > 0) {
    const auto c = static_cast<unsigned char>(kept[end - 1]);
    if (std::isalnum(c) != 0 || c == '.' || c == '!' || c == '?') break;
    --end;
  }
  bool asks = false;
  while (end > 0) {
    const char c = kept[end - 1];
    if (c != '.' && c != '!' && c != '?') break;
    asks = asks || c == '?';
    --end;
  }
  return asks;
}

}  // namespace memex
