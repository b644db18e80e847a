#include "retrieval/time_expr.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <utility>
#include <vector>

#include "base/time_util.h"

namespace memex {
namespace {

constexpr int64_t kDayMs = 86400000;

// Lowercased runs of letters or digits.
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      if (!cur.empty() && std::isdigit(u) != std::isdigit(static_cast<unsigned char>(cur.back()))) {
        flush();  // "19th" -> "19", "th"
      }
      cur += static_cast<char>(std::tolower(u));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

int Month(const std::string& w) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (w == kNames[i] ||
        (w.size() >= 3 && kNames[i].substr(0, w.size()) == w && (w.size() == 3 || w == "sept"))) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

// A month's full name ("mar" is also a word, and "jun" a typo as often as a month).
bool IsMonthName(const std::string& w) {
  const int m = Month(w);
  return m != 0 && (w.size() > 4 || w == "may" || w == "june" || w == "july");
}

int Number(const std::string& w, int lo, int hi) {
  int v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || p != w.data() + w.size() || v < lo || v > hi) return 0;
  return v;
}

int Year(const std::string& w) { return w.size() == 4 ? Number(w, 1970, 2999) : 0; }
int Day(const std::string& w) { return w.size() <= 2 ? Number(w, 1, 31) : 0; }
bool Ordinal(const std::string& w) { return w == "st" || w == "nd" || w == "rd" || w == "th"; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[static_cast<size_t>(m - 1)];
}

std::optional<int64_t> DayStart(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  auto ms = ParseTimestampMs(buf);
  if (!ms.ok()) return std::nullopt;  // 31 February and the like
  return *ms;
}

std::optional<TimeWindow> Days(int y, int m, int d, std::string phrase) {
  auto start = DayStart(y, m, d);
  if (!start) return std::nullopt;
  return TimeWindow{*start, *start + kDayMs - 1, std::move(phrase)};
}

std::optional<TimeWindow> MonthOf(int y, int m, std::string phrase) {
  auto start = DayStart(y, m, 1);
  auto next = m == 12 ? DayStart(y + 1, 1, 1) : DayStart(y, m + 1, 1);
  if (!start || !next) return std::nullopt;
  return TimeWindow{*start, *next - 1, std::move(phrase)};
}

// The UTC year and month (1-12) of `epoch_ms`.
std::pair<int, int> YearMonth(int64_t epoch_ms) {
  const std::string t = FormatRfc3339Ms(epoch_ms);  // "2026-11-22T15:30:00.000Z"
  return {Number(t.substr(0, 4), 1, 9999), Number(t.substr(5, 2), 1, 12)};
}

// Month `m` of the year it last had, seen from `now_ms`: this year's when it is the current month
// and `current_counts` ("in november" asked in November), or an earlier one; else last year's.
std::optional<TimeWindow> LatestMonth(int m, int64_t now_ms, bool current_counts,
                                      std::string phrase) {
  const auto [year, month] = YearMonth(now_ms);
  const bool this_year = m < month || (current_counts && m == month);
  return MonthOf(this_year ? year : year - 1, m, std::move(phrase));
}

std::optional<TimeWindow> YearOf(int y, std::string phrase) {
  auto start = DayStart(y, 1, 1);
  auto next = DayStart(y + 1, 1, 1);
  if (!start || !next) return std::nullopt;
  return TimeWindow{*start, *next - 1, std::move(phrase)};
}

}  // namespace

std::optional<TimeWindow> FindTimeWindow(std::string_view query, int64_t now_ms) {
  const std::vector<std::string> w = Words(query);
  auto at = [&](size_t i) -> const std::string& {
    static const std::string kNone;
    return i < w.size() ? w[i] : kNone;
  };
  const int64_t today = now_ms - ((now_ms % kDayMs) + kDayMs) % kDayMs;
  for (size_t i = 0; i < w.size(); ++i) {
    // 19 august 2023, 19th of august 2023
    if (int d = Day(w[i])) {
      size_t j = i + 1;
      if (Ordinal(at(j))) ++j;
      if (at(j) == "of") ++j;
      if (int m = Month(at(j)); m != 0) {
        if (int y = Year(at(j + 1))) {
          if (auto t = Days(y, m, d, w[i] + " " + w[j] + " " + w[j + 1])) return t;
        }
      }
    }
    if (int m = Month(w[i])) {
      // august 19 2023, august 19th 2023
      if (int d = Day(at(i + 1))) {
        size_t j = i + 2;
        if (Ordinal(at(j))) ++j;
        if (int y = Year(at(j))) {
          if (auto t = Days(y, m, d, w[i] + " " + w[i + 1] + " " + w[j])) return t;
        }
      }
      // august 2023, august of 2023
      size_t j = i + 1;
      if (at(j) == "of") ++j;
      if (int y = Year(at(j))) {
        if (auto t = MonthOf(y, m, w[i] + " " + w[j])) return t;
      }
    }
    const std::string& p = w[i];
    if ((p == "in" || p == "during" || p == "since" || p == "from" || p == "of") &&
        Year(at(i + 1)) != 0) {
      if (auto t = YearOf(Year(at(i + 1)), p + " " + at(i + 1))) return t;
    }
    // in june, during march: the latest such month that has begun. A day or year after the
    // month is read by the rules above when the loop reaches it.
    if ((p == "in" || p == "during") && IsMonthName(at(i + 1)) && Day(at(i + 2)) == 0 &&
        Year(at(i + 2)) == 0 && !(at(i + 2) == "of" && Year(at(i + 3)) != 0)) {
      if (auto t = LatestMonth(Month(at(i + 1)), now_ms, true, p + " " + at(i + 1))) return t;
    }
    if (p == "yesterday") return TimeWindow{today - kDayMs, today - 1, p};
    if (p == "today") return TimeWindow{today, today + kDayMs - 1, p};
    if (p == "last" || p == "past") {
      const std::string& unit = at(i + 1);
      const std::string phrase = p + " " + unit;
      if (unit == "week") return TimeWindow{today - 7 * kDayMs, now_ms, phrase};
      if (unit == "month") return TimeWindow{today - 31 * kDayMs, now_ms, phrase};
      if (unit == "year") return TimeWindow{today - 366 * kDayMs, now_ms, phrase};
      // last june: the latest June before this month.
      if (p == "last" && IsMonthName(unit)) {
        if (auto t = LatestMonth(Month(unit), now_ms, false, phrase)) return t;
      }
    }
    if (p == "this") {
      const std::string& unit = at(i + 1);
      const std::string phrase = p + " " + unit;
      if (unit == "week") return TimeWindow{today - 6 * kDayMs, now_ms, phrase};
      if (unit == "month" || unit == "year") {
        const auto [year, month] = YearMonth(now_ms);
        if (auto first = DayStart(year, unit == "month" ? month : 1, 1)) {
          return TimeWindow{*first, now_ms, phrase};
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace memex
