#include "service/access_recorder.h"

#include <algorithm>
#include <utility>

#include "base/log.h"

namespace memex {

AccessRecorder::AccessRecorder(Store& store, const Clock& clock, Options options)
    : store_(store), clock_(clock), options_(options) {}

AccessRecorder::~AccessRecorder() { Flush(); }

void AccessRecorder::Note(const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  const int64_t now = clock_.NowMs();
  std::unordered_map<std::string, Pending> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_.empty()) oldest_ms_ = now;
    for (const std::string& id : ids) {
      Pending& p = pending_[id];
      ++p.count;
      p.last_ms = std::max(p.last_ms, now);
    }
    if (now - oldest_ms_ < options_.max_delay_ms && pending_.size() < options_.max_pending) {
      return;
    }
    due.swap(pending_);
  }
  Write(std::move(due));
}

void AccessRecorder::Flush() {
  std::unordered_map<std::string, Pending> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    due.swap(pending_);
  }
  Write(std::move(due));
}

void AccessRecorder::Write(std::unordered_map<std::string, Pending> batch) {
  if (batch.empty()) return;
  std::vector<AccessCount> accesses;
  accesses.reserve(batch.size());
  for (auto& [id, p] : batch) accesses.push_back({id, p.count, p.last_ms});
  if (Status st = store_.RecordAccess(accesses); !st.ok()) {
    LogDebug("access statistics not recorded: " + st.ToString());
  }
}

}  // namespace memex
