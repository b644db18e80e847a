#include "service/hook_queue.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/log.h"
#include "capture/event_json.h"
#include "capture/spool.h"

namespace memex {
namespace {

constexpr size_t kBatch = 64;
constexpr int kMinBackoffMs = 50;
constexpr int kMaxBackoffMs = 2000;

}  // namespace

HookQueue::HookQueue(CaptureService& capture, std::string journal_path, int capacity)
    : capture_(capture),
      journal_path_(std::move(journal_path)),
      capacity_(static_cast<size_t>(capacity < 1 ? 1 : capacity)) {}

HookQueue::~HookQueue() {
  Stop();
  std::lock_guard lock(mu_);
  if (journal_fd_ >= 0) ::close(journal_fd_);
}

Status HookQueue::Start() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::path(journal_path_).parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  // Replay what a crashed server had accepted but not stored. Lines are whole (one write each);
  // a torn last line from a crash mid-write is skipped with a warning.
  std::vector<Event> replay;
  if (std::ifstream in(journal_path_); in) {
    std::string line;
    int64_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      Result<Event> e = capture::EventFromJsonLine(line);
      if (!e.ok()) {
        LogWarn("hook queue: journal line " + std::to_string(n) +
                " skipped: " + e.status().message());
        continue;
      }
      replay.push_back(std::move(*e));
    }
  }
  int fd = ::open(journal_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return FailedPrecondition("cannot open the hook journal " + journal_path_ + ": " +
                              strerror(errno));
  }
  {
    std::lock_guard lock(mu_);
    journal_fd_ = fd;
    // Replayed events are already in the journal: queue them without appending again.
    for (Event& e : replay) queue_.push_back(std::move(e));
    if (!replay.empty()) {
      LogInfo("hook queue: replaying " + std::to_string(replay.size()) + " journaled events");
    }
  }
  worker_ = std::jthread([this](std::stop_token st) { Run(st); });
  return Status::Ok();
}

Status HookQueue::AppendJournal(const std::vector<Event>& events) {
  std::string lines;
  for (const Event& e : events) lines += capture::EventToJsonLine(e) + "\n";
  size_t off = 0;
  while (off < lines.size()) {
    ssize_t n = ::write(journal_fd_, lines.data() + off, lines.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Internal(std::string("hook journal write failed: ") + strerror(errno));
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

void HookQueue::TruncateJournalIfIdle() {
  if (queue_.empty() && !busy_ && journal_fd_ >= 0) {
    if (::ftruncate(journal_fd_, 0) != 0) {
      LogWarn(std::string("hook queue: cannot truncate the journal: ") + strerror(errno));
    }
  }
}

Status HookQueue::Submit(const std::vector<Event>& events) {
  if (events.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  if (stopped_ || journal_fd_ < 0) return FailedPrecondition("the hook queue is not running");
  if (queue_.size() + events.size() > capacity_) {
    stats_.rejected += static_cast<int64_t>(events.size());
    return ResourceExhausted("hook queue full (" + std::to_string(queue_.size()) + " of " +
                             std::to_string(capacity_) + " events waiting)");
  }
  RETURN_IF_ERROR(AppendJournal(events));
  for (const Event& e : events) queue_.push_back(e);
  stats_.accepted += static_cast<int64_t>(events.size());
  cv_.notify_one();
  return Status::Ok();
}

void HookQueue::Run(std::stop_token stop) {
  int backoff_ms = kMinBackoffMs;
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, stop, [&] { return !queue_.empty(); });
    if (queue_.empty()) break;  // stop requested and nothing left
    std::vector<Event> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(
                                                                  std::min(kBatch, queue_.size())));
    busy_ = true;
    lock.unlock();
    Result<IngestSummary> r = capture_.Ingest(batch);
    lock.lock();
    busy_ = false;
    if (r.ok()) {
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
      stats_.stored += r->stored;
      stats_.duplicates += r->duplicates;
      backoff_ms = kMinBackoffMs;
      TruncateJournalIfIdle();
      if (queue_.empty()) idle_cv_.notify_all();
      continue;
    }
    // Busy database or similar: keep the batch at the front and retry. A batch that can never
    // be stored (a bug) would block the queue, so invalid events are dropped one by one.
    ++stats_.retries;
    LogWarn("hook queue: storing " + std::to_string(batch.size()) +
            " events failed, retrying: " + r.status().ToString());
    if (r.status().code() == StatusCode::kInvalidArgument) {
      LogError("hook queue: dropping event " + queue_.front().ingest_key + ": " +
               r.status().message());
      queue_.pop_front();
      continue;
    }
    if (stop.stop_requested()) break;  // Stop's deadline passed while failing: keep journal
    cv_.wait_for(lock, stop, std::chrono::milliseconds(backoff_ms), [] { return false; });
    backoff_ms = std::min(backoff_ms * 2, kMaxBackoffMs);
  }
  idle_cv_.notify_all();
}

void HookQueue::WatchSpool(std::string spool_dir, int64_t max_bytes, int interval_ms) {
  pump_ = std::jthread([this, dir = std::move(spool_dir), max_bytes, interval_ms](
                           std::stop_token st) { Pump(st, dir, max_bytes, interval_ms); });
}

void HookQueue::Pump(std::stop_token stop, std::string dir, int64_t max_bytes, int interval_ms) {
  std::mutex m;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    Result<capture::Spool> spool = capture::Spool::Open(dir, max_bytes);
    if (spool.ok() && spool->HasPending()) {
      Result<capture::Spool::DrainStats> r = spool->Drain(
          [this](const std::vector<std::string>& lines) -> Status {
            std::vector<Event> events;
            for (const std::string& line : lines) {
              Result<Event> e = capture_.PrepareSpooled(line);
              if (!e.ok()) {  // one bad line must not hold back the others
                LogWarn("hook spool: line dropped: " + e.status().message());
                continue;
              }
              events.push_back(std::move(*e));
            }
            return Submit(events);
          },
          std::clamp<size_t>(capacity_ / 4, 1, 256));
      if (r.ok() && r->sent > 0) {
        LogInfo("hook spool: " + std::to_string(r->sent) + " events taken from " + dir);
      } else if (!r.ok() && r.status().code() != StatusCode::kResourceExhausted) {
        LogWarn("hook spool: " + r.status().ToString());
      }
    }
    std::unique_lock lock(m);
    wake.wait_for(lock, stop, std::chrono::milliseconds(interval_ms), [] { return false; });
  }
}

void HookQueue::Stop(int drain_ms) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (pump_.joinable()) {
    pump_.request_stop();
    pump_.join();
  }
  if (worker_.joinable()) {
    // Let the worker empty the queue first, then ask it to stop.
    WaitIdle(drain_ms);
    worker_.request_stop();
    worker_.join();
  }
  std::lock_guard lock(mu_);
  if (!queue_.empty()) {
    LogWarn("hook queue: " + std::to_string(queue_.size()) +
            " events left in the journal for the next start");
  }
}

bool HookQueue::WaitIdle(int timeout_ms) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return queue_.empty() && !busy_; });
}

HookQueueStats HookQueue::stats() const {
  std::lock_guard lock(mu_);
  HookQueueStats s = stats_;
  s.queued = static_cast<int64_t>(queue_.size());
  return s;
}

}  // namespace memex
