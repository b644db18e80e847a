#include "cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace memex::cli {
namespace {

TEST(RenderProgressLineTest, KnownTotal) {
  EXPECT_EQ(RenderProgressLine("Exporting", 35, 100, 20),
            "Exporting [#######.............]  35%  35/100");
  EXPECT_EQ(RenderProgressLine("Exporting", 100, 100, 4), "Exporting [####] 100%  100/100");
  EXPECT_EQ(RenderProgressLine("Exporting", 0, 10, 4), "Exporting [....]   0%  0/10");
}

TEST(RenderProgressLineTest, UnknownTotalAndOverflow) {
  EXPECT_EQ(RenderProgressLine("Importing", 4500, -1), "Importing 4,500");
  EXPECT_EQ(RenderProgressLine("X", 12, 10, 2), "X [##] 100%  12/10");
}

TEST(ProgressBarTest, DisabledDrawsNothing) {
  std::ostringstream err;
  FakeClock clock(0);
  {
    ProgressBar bar(err, "Exporting", clock, /*enabled=*/false);
    bar.Update(1, 10);
    bar.Update(10, 10);
  }
  EXPECT_EQ(err.str(), "");
}

TEST(ProgressBarTest, RateLimitedAndFinishedWithNewline) {
  std::ostringstream err;
  FakeClock clock(1000);
  ProgressBar bar(err, "Exporting", clock, /*enabled=*/true, /*min_interval_ms=*/100);
  bar.Update(1, 10);  // first update always draws
  bar.Update(2, 10);  // same instant: skipped
  clock.Advance(50);
  bar.Update(3, 10);  // 50 ms later: skipped
  clock.Advance(60);
  bar.Update(4, 10);   // 110 ms after the first draw: drawn
  bar.Update(10, 10);  // final: always drawn
  bar.Finish();
  bar.Finish();  // idempotent
  std::string s = err.str();
  int draws = 0;
  for (char c : s) draws += c == '\r';
  EXPECT_EQ(draws, 3) << s;  // 1, 4 and 10; Finish has nothing new to draw
  EXPECT_EQ(s.find("2/10"), std::string::npos);
  EXPECT_EQ(s.find("3/10"), std::string::npos);
  EXPECT_NE(s.find("4/10"), std::string::npos);
  EXPECT_EQ(s.back(), '\n');
}

TEST(ProgressBarTest, FinishDrawsASkippedUpdate) {
  std::ostringstream err;
  FakeClock clock(0);
  ProgressBar bar(err, "Importing", clock, true);
  bar.Update(1, -1);
  bar.Update(2, -1);  // skipped: too soon
  bar.Finish();
  EXPECT_EQ(err.str(), "\rImporting 1\rImporting 2\n");
}

TEST(ProgressBarTest, CallbackForwards) {
  std::ostringstream err;
  FakeClock clock(0);
  ProgressBar bar(err, "Importing", clock, true);
  bar.Callback()(1234, -1);
  EXPECT_NE(err.str().find("Importing 1,234"), std::string::npos);
}

}  // namespace
}  // namespace memex::cli
