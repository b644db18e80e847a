// A small progress bar for long imports and exports, drawn on stderr with carriage returns.
// The caller decides whether it is enabled (stderr is a TTY, or --progress); redraws are rate
// limited so a fast loop costs nothing.
//
// Thread-safety: not thread-safe; update it from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace memex::cli {

// "Exporting [#######.............]  35%  3,500/10,000" when total > 0, else
// "Importing 3,500". `width` is the number of cells inside the brackets.
std::string RenderProgressLine(std::string_view label, int64_t done, int64_t total, int width = 30);

class ProgressBar {
 public:
  // Borrows `err` and `clock`. Draws nothing when `enabled` is false.
  ProgressBar(std::ostream& err, std::string label, const Clock& clock, bool enabled,
              int64_t min_interval_ms = 100);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Records progress (total < 0 = unknown); redraws at most once per interval, and always for
  // the first and the final (done == total) update.
  void Update(int64_t done, int64_t total);
  // Draws the last state (if not yet shown) and ends the line, if anything was drawn.
  // Idempotent.
  void Finish();
  // A callback that forwards to Update(), for service calls that report progress.
  std::function<void(int64_t, int64_t)> Callback();

 private:
  void Draw();

  std::ostream& err_;
  std::string label_;
  const Clock& clock_;
  bool enabled_;
  int64_t min_interval_ms_;
  int64_t done_ = 0;
  int64_t total_ = -1;
  int64_t last_draw_ms_ = 0;
  size_t last_width_ = 0;
  bool drawn_ = false;
  bool dirty_ = false;  // an update was skipped since the last draw
  bool finished_ = false;
};

}  // namespace memex::cli
