#include "service/recall_cache.h"

#include <utility>

namespace memex {
namespace {

void AppendField(std::string& out, std::string_view text) {
  out += std::to_string(text.size());  // length-prefixed: no separator can be forged
  out += ':';
  out += text;
}

// The approximate memory an answer holds.
size_t AnswerBytes(const std::string& key, const RecallResponse& answer) {
  size_t n = sizeof(RecallResponse) + key.size() * 2;
  for (const RankedHit& h : answer.hits) {
    n += sizeof(RankedHit) + h.memory.content.size() + h.memory.id.size() * 4;
    for (const std::string& t : h.memory.tags) n += t.size() + 32;
  }
  return n;
}

}  // namespace

std::string RecallCache::Key(const RecallRequest& req, int limit) {
  const SearchFilter& f = req.filter;
  std::string key;
  AppendField(key, req.query);
  key += f.all_scopes ? "A" : "S";
  for (const Scope& s : f.scopes) AppendField(key, s.ToString());
  key += "|K";
  for (Kind k : f.kinds) key += std::to_string(static_cast<int>(k)) + ",";
  key += "|T";
  for (const std::string& t : f.tags) AppendField(key, t);
  key += "|" + std::to_string(f.since_ms) + "|" + std::to_string(f.until_ms);
  key += f.include_history ? "|H" : "|-";
  key += "|" + std::to_string(limit) + "|" + std::to_string(req.offset);
  key += req.explain ? "|E" : "|-";
  return key;
}

std::optional<RecallResponse> RecallCache::Find(const std::string& key,
                                                const std::string& generation, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  Entry& e = it->second;
  if (e.generation != generation || now_ms - e.stored_ms > ttl_ms_ || now_ms < e.stored_ms) {
    bytes_ -= e.bytes;
    lru_.erase(e.lru);
    entries_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, e.lru);
  return e.answer;
}

void RecallCache::Put(const std::string& key, std::string generation, const RecallResponse& answer,
                      int64_t now_ms) {
  const size_t size = AnswerBytes(key, answer);
  if (capacity_ == 0 || size > max_bytes_ / 8) return;  // one answer never crowds out the rest
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (fresh) {
    lru_.push_front(key);
    e.lru = lru_.begin();
  } else {
    lru_.splice(lru_.begin(), lru_, e.lru);
    bytes_ -= e.bytes;
  }
  e.generation = std::move(generation);
  e.answer = answer;
  e.stored_ms = now_ms;
  e.bytes = size;
  bytes_ += size;
  while (entries_.size() > capacity_ || bytes_ > max_bytes_) {
    auto last = entries_.find(lru_.back());
    bytes_ -= last->second.bytes;
    entries_.erase(last);
    lru_.pop_back();
  }
}

size_t RecallCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t RecallCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace memex
