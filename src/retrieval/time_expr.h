// The period a query names, for the time channel: "on 19 August, 2023", "August 19 2023",
// "in June 2023", "in 2022", "in June" (the latest June that has begun), "last June" (the latest
// before this month), "yesterday", "last week", "last month", "last year", "this week" (the
// last seven days), "this month", "this year" (from their first day). Pure; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memex {

struct TimeWindow {
  int64_t start_ms = 0;  // first millisecond of the period (UTC)
  int64_t end_ms = 0;    // last millisecond of the period
  std::string phrase;    // the words that named it, lowercased ("19 august 2023")
};

// The first period `query` names, or nullopt. A month needs a day or a year next to it, or "in"
// or "during" before its full name ("may" alone is a verb, "mar" a word); without a year it is
// the latest such month that has begun at `now_ms` (in November, "in December" is last year's).
// A year alone needs "in", "during", "since", "from" or "of" before it (a bare number may be a
// version or a count). Relative phrases count back from `now_ms`.
std::optional<TimeWindow> FindTimeWindow(std::string_view query, int64_t now_ms);

}  // namespace memex
