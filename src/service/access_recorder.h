// AccessRecorder: batches the access statistics reads produce (access_count, last_accessed_ms).
//
// Recording every recall's hits in its own write transaction cost more than the search itself
// under concurrent load (every reader queued on the store's one writer). Reads Note their hits
// here instead; the thread whose Note finds the batch older than `max_delay_ms`, or larger than
// `max_pending` memories, writes it in one transaction. The destructor and Flush write whatever
// is pending, so a CLI process records its reads before exiting.
//
// Statistics are best effort: a crash loses at most the last `max_delay_ms` of them, and a busy
// or read-only store drops a batch (logged at debug level) rather than failing a read.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace memex {

class AccessRecorder {
 public:
  struct Options {
    int64_t max_delay_ms = 1000;
    size_t max_pending = 1024;
  };

  // Borrows both, which must outlive this object.
  AccessRecorder(Store& store, const Clock& clock, Options options);
  AccessRecorder(Store& store, const Clock& clock) : AccessRecorder(store, clock, Options{}) {}
  AccessRecorder(const AccessRecorder&) = delete;
  AccessRecorder& operator=(const AccessRecorder&) = delete;
  ~AccessRecorder();

  // Counts one access of each id now; may write the pending batch (see above).
  void Note(const std::vector<std::string>& ids);
  // Writes everything pending now.
  void Flush();

 private:
  struct Pending {
    int64_t count = 0;
    int64_t last_ms = 0;
  };
  void Write(std::unordered_map<std::string, Pending> batch);

  Store& store_;
  const Clock& clock_;
  const Options options_;
  std::mutex mu_;
  std::unordered_map<std::string, Pending> pending_;  // guarded by mu_
  int64_t oldest_ms_ = 0;                             // guarded by mu_; of the pending batch
};

}  // namespace memex
