// RecallCache: answers of recent recalls, reused for an identical request while nothing they
// could depend on has changed (memoryOSS's "intent cache", made exact).
//
// Agents repeat themselves — a hook recalls the same briefing at every prompt, a proxy injects
// for the same message on every retry — and an answer costs far more to compute than to copy.
// Each entry remembers the store's SearchGeneration of the searched scopes at the time it was
// computed; a lookup with any other generation misses (and drops the entry), so a cached answer
// is never older than the last write to those scopes, whoever made it. Entries also expire after
// `ttl_ms` and the least recently used go first beyond `capacity`.
//
// Thread-safety: safe for concurrent use (one mutex; lookups copy the answer out).
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "service/memory_service.h"

namespace memex {

class RecallCache {
 public:
  // At most `capacity` answers and about `max_bytes` of them (memories' contents and tags plus
  // a fixed overhead per hit); the least recently used go first.
  RecallCache(size_t capacity, int64_t ttl_ms, size_t max_bytes = size_t{64} << 20)
      : capacity_(capacity), ttl_ms_(ttl_ms), max_bytes_(max_bytes) {}

  // The key of a request: every field that shapes the answer (query, filter, limit, offset,
  // explain); `limit` is the effective one.
  static std::string Key(const RecallRequest& req, int limit);

  // The answer stored under `key` at `generation`, if it is still fresh at `now_ms`.
  std::optional<RecallResponse> Find(const std::string& key, const std::string& generation,
                                     int64_t now_ms);
  void Put(const std::string& key, std::string generation, const RecallResponse& answer,
           int64_t now_ms);

  size_t size() const;
  size_t bytes() const;

 private:
  struct Entry {
    std::string generation;
    RecallResponse answer;
    int64_t stored_ms = 0;
    size_t bytes = 0;
    std::list<std::string>::iterator lru;  // position in lru_
  };

  const size_t capacity_;
  const int64_t ttl_ms_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::list<std::string> lru_;                      // guarded by mu_; most recent first
  size_t bytes_ = 0;                                // guarded by mu_; sum of entries' bytes
};

}  // namespace memex
