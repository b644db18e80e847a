// HookQueue: the server's bounded queue of hook events (SPEC §7, docs/capture.md). POST /hook
// answers as soon as an event is queued; one worker stores queued events through
// CaptureService::Ingest in arrival order.
//
// Durability: an event is appended to a journal file (one JSON line, written before Submit
// returns; no fsync, so it survives a crash of the process, not of the machine) and the journal
// is emptied whenever the queue drains. Start() replays a journal left by a crash; ingest keys
// make the replay store each event once. Stop() processes what is queued before returning.
//
// Thread-safety: Submit and the accessors may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "core/capture.h"
#include "service/capture_service.h"

namespace memex {

struct HookQueueStats {
  int64_t queued = 0;      // waiting now
  int64_t accepted = 0;    // since start
  int64_t rejected = 0;    // refused because the queue was full
  int64_t stored = 0;      // new events stored
  int64_t duplicates = 0;  // events whose ingest key was already stored
  int64_t retries = 0;     // failed Ingest attempts (retried)
};

class HookQueue {
 public:
  // `journal_path` is created (with its directory, mode 0700) on Start. `capacity` >= 1.
  HookQueue(CaptureService& capture, std::string journal_path, int capacity);
  ~HookQueue();  // Stop()
  HookQueue(const HookQueue&) = delete;
  HookQueue& operator=(const HookQueue&) = delete;

  // Replays the journal into the queue, then starts the worker. Errors: kFailedPrecondition
  // when the journal cannot be opened.
  Status Start();

  // Queues every event or none: kResourceExhausted ("hook queue full") when fewer than
  // events.size() slots are free; kFailedPrecondition after Stop; kInternal when the journal
  // write fails (nothing queued).
  Status Submit(const std::vector<Event>& events);

  // Stores what is queued (retrying failures for up to `drain_ms`), then stops the worker.
  // Events still queued after that stay in the journal for the next start.
  void Stop(int drain_ms = 10000);

  // Also drains the hook spool in `spool_dir` (capture/spool.h: events `memex hook` spooled
  // while this server was unreachable) into the queue now and every `interval_ms`, on a second
  // worker, until Stop. A full queue leaves the rest in the spool for the next round.
  void WatchSpool(std::string spool_dir, int64_t max_bytes, int interval_ms);

  // Blocks until the queue is empty or `timeout_ms` passes; true when empty (tests, drain).
  bool WaitIdle(int timeout_ms);

  HookQueueStats stats() const;

 private:
  void Run(std::stop_token stop);
  void Pump(std::stop_token stop, std::string dir, int64_t max_bytes, int interval_ms);
  Status AppendJournal(const std::vector<Event>& events);  // REQUIRES(mu_)
  void TruncateJournalIfIdle();                            // REQUIRES(mu_)

  CaptureService& capture_;
  const std::string journal_path_;
  const size_t capacity_;

  mutable std::mutex mu_;
  std::condition_variable_any cv_;   // work arrived or stop requested
  std::condition_variable idle_cv_;  // the queue became empty
  std::deque<Event> queue_;          // GUARDED_BY(mu_)
  bool busy_ = false;                // GUARDED_BY(mu_): the worker holds a batch
  bool stopped_ = false;             // GUARDED_BY(mu_)
  int journal_fd_ = -1;              // GUARDED_BY(mu_)
  HookQueueStats stats_;             // GUARDED_BY(mu_)
  std::jthread worker_;
  std::jthread pump_;  // WatchSpool's worker
};

}  // namespace memex
