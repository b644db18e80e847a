#include "retrieval/time_expr.h"

#include <gtest/gtest.h>

#include <optional>
#include <tuple>

#include "base/time_util.h"

namespace memex {
namespace {

int64_t Ms(const char* rfc3339) { return ParseTimestampMs(rfc3339).value(); }
constexpr int64_t kDay = 86400000;
const int64_t kNow = Ms("2026-11-22T15:30:00Z");

void ExpectWindow(const char* query, const char* from, const char* to, const char* phrase) {
  std::optional<TimeWindow> w = FindTimeWindow(query, kNow);
  ASSERT_TRUE(w.has_value()) << query;
  EXPECT_EQ(w->start_ms, Ms(from)) << query;
  EXPECT_EQ(w->end_ms, Ms(to) - 1) << query;
  EXPECT_EQ(w->phrase, phrase) << query;
}

TEST(FindTimeWindow, AbsoluteDaysMonthsAndYears) {
  ExpectWindow("What food did Sam share a photo of on 19 August, 2023?", "2023-08-19", "2023-08-20",
               "19 august 2023");
  ExpectWindow("What did they do on October 13, 2023?", "2023-10-13", "2023-10-14",
               "october 13 2023");
  ExpectWindow("the 3rd of Feb 2024 outage", "2024-02-03", "2024-02-04", "3 feb 2024");
  ExpectWindow("What setback did Melanie face in October 2023?", "2023-10-01", "2023-11-01",
               "october 2023");
  ExpectWindow("decisions made in December 2023", "2023-12-01", "2024-01-01", "december 2023");
  ExpectWindow("How many times has she gone to the beach in 2023?", "2023-01-01", "2024-01-01",
               "in 2023");
  // No such day: the month still counts.
  ExpectWindow("31 February 2023 happened", "2023-02-01", "2023-03-01", "february 2023");
}

TEST(FindTimeWindow, RelativePhrasesCountBackFromNow) {
  ExpectWindow("what broke yesterday", "2026-11-21", "2026-11-22", "yesterday");
  std::optional<TimeWindow> w = FindTimeWindow("what did we decide last week", kNow);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start_ms, Ms("2026-11-15"));
  EXPECT_EQ(w->end_ms, kNow);
  EXPECT_EQ(w->phrase, "last week");
  EXPECT_EQ(FindTimeWindow("past month", kNow)->start_ms, Ms("2026-11-22") - 31 * kDay);
}

TEST(FindTimeWindow, AMonthAloneIsTheLatestThatHasBegun) {
  ExpectWindow("what did we decide in June?", "2026-06-01", "2026-07-01", "in june");
  ExpectWindow("the outage during November", "2026-11-01", "2026-12-01", "during november");
  ExpectWindow("what did we ship in May", "2026-05-01", "2026-06-01", "in may");
  // December has not begun in November 2026: last year's.
  ExpectWindow("When did Melanie go camping in December?", "2025-12-01", "2026-01-01",
               "in december");
  // A day or a year after the month is the more specific period.
  ExpectWindow("what shipped in June 2024", "2024-06-01", "2024-07-01", "june 2024");
  ExpectWindow("in March of 2024", "2024-03-01", "2024-04-01", "march 2024");
  ExpectWindow("in june 3 2025", "2025-06-03", "2025-06-04", "june 3 2025");
}

TEST(FindTimeWindow, LastJuneAndThisWeekMonthYear) {
  // Now is 22 November 2026.
  ExpectWindow("what did we ship last June", "2026-06-01", "2026-07-01", "last june");
  ExpectWindow("the outage last November", "2025-11-01", "2025-12-01", "last november");
  ExpectWindow("last December's release", "2025-12-01", "2026-01-01", "last december");
  for (auto [query, from, phrase] :
       {std::tuple{"what changed this week", "2026-11-16", "this week"},
        std::tuple{"decisions this month", "2026-11-01", "this month"},
        std::tuple{"what did we learn this year", "2026-01-01", "this year"}}) {
    std::optional<TimeWindow> w = FindTimeWindow(query, kNow);
    ASSERT_TRUE(w.has_value()) << query;
    EXPECT_EQ(w->start_ms, Ms(from)) << query;
    EXPECT_EQ(w->end_ms, kNow) << query;
    EXPECT_EQ(w->phrase, phrase) << query;
  }
}

TEST(FindTimeWindow, NothingWhereNoPeriodIsNamed) {
  for (const char* q : {"we may switch to postgres", "upgrade to 2023.1 of the sdk",
                        "error 2023 in the parser", "release 31 of the app", "", "august",
                        "the last build", "we met in mar", "shipped in sept"}) {
    EXPECT_FALSE(FindTimeWindow(q, kNow).has_value()) << q;
  }
}

}  // namespace
}  // namespace memex
