#include "cli/progress.h"

#include <algorithm>
#include <cstdio>

#include "cli/format.h"

namespace memex::cli {

std::string RenderProgressLine(std::string_view label, int64_t done, int64_t total, int width) {
  std::string line(label);
  if (total <= 0) return line + " " + FormatCount(done);
  int64_t clamped = std::clamp<int64_t>(done, 0, total);
  int filled = static_cast<int>(clamped * width / total);
  line += " [";
  line.append(static_cast<size_t>(filled), '#');
  line.append(static_cast<size_t>(width - filled), '.');
  char pct[16];
  std::snprintf(pct, sizeof pct, "] %3d%%  ", static_cast<int>(clamped * 100 / total));
  return line + pct + FormatCount(done) + "/" + FormatCount(total);
}

ProgressBar::ProgressBar(std::ostream& err, std::string label, const Clock& clock, bool enabled,
                         int64_t min_interval_ms)
    : err_(err),
      label_(std::move(label)),
      clock_(clock),
      enabled_(enabled),
      min_interval_ms_(min_interval_ms) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(int64_t done, int64_t total) {
  done_ = done;
  total_ = total;
  if (!enabled_ || finished_) return;
  int64_t now = clock_.NowMs();
  bool final = total > 0 && done >= total;
  if (drawn_ && !final && now - last_draw_ms_ < min_interval_ms_) {
    dirty_ = true;
    return;
  }
  last_draw_ms_ = now;
  Draw();
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!drawn_) return;
  if (dirty_) Draw();
  err_ << '\n';
  err_.flush();
}

std::function<void(int64_t, int64_t)> ProgressBar::Callback() {
  return [this](int64_t done, int64_t total) { Update(done, total); };
}

void ProgressBar::Draw() {
  std::string line = RenderProgressLine(label_, done_, total_);
  size_t width = line.size();
  // Pad over the remains of a longer previous line.
  if (width < last_width_) line.append(last_width_ - width, ' ');
  last_width_ = width;
  err_ << '\r' << line;
  err_.flush();
  drawn_ = true;
  dirty_ = false;
}

}  // namespace memex::cli
