#include "service/decay_sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/ids.h"

namespace memex {
namespace {

constexpr double kDayMs = 86'400'000.0;
// Memories read per List call while sweeping.
constexpr int kPage = 1000;

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Days(double days) {
  const int64_t whole = static_cast<int64_t>(std::floor(days));
  return std::to_string(whole) + (whole == 1 ? " day" : " days");
}

}  // namespace

DecayVerdict JudgeDecay(const Memory& m, const DecayConfig& config, int64_t after_days,
                        int64_t now_ms) {
  DecayVerdict v;
  const double since_update = std::max<int64_t>(0, now_ms - m.updated_ms) / kDayMs;
  const bool recalled = m.last_accessed_ms > 0;
  const double since_access =
      recalled ? std::max<int64_t>(0, now_ms - m.last_accessed_ms) / kDayMs : since_update;
  v.idle_days = std::min(since_update, since_access);
  const double lambda = std::log(1.0 / config.cold_threshold) / static_cast<double>(after_days);
  v.warmth = m.confidence * std::exp(-lambda * since_update) +
             config.access_weight * std::log1p(static_cast<double>(m.access_count)) *
                 std::exp(-config.access_decay * since_access);
  const bool idle = v.idle_days >= static_cast<double>(after_days);
  const bool cold = v.warmth < config.cold_threshold;
  v.stale = idle && cold;
  v.why = "idle " + Days(v.idle_days);
  if (!idle) v.why += " < " + std::to_string(after_days);
  v.why += m.access_count == 0 || !recalled ? ", never recalled"
                                            : ", recalled " + std::to_string(m.access_count) +
                                                  (m.access_count == 1 ? " time" : " times") +
                                                  " (last " + Days(since_access) + " ago)";
  v.why +=
      ", warmth " + Fixed(v.warmth, 2) + (cold ? " < " : " >= ") + Fixed(config.cold_threshold, 2);
  return v;
}

DecaySweep::DecaySweep(Store& store, const DecayConfig& config, const Clock& clock)
    : store_(store), config_(config), clock_(clock) {}

Result<DecayResult> DecaySweep::Run(const DecayRequest& req) const {
  if (req.after_days < 0) {
    return InvalidArgument("after_days must be at least 1, got " + std::to_string(req.after_days));
  }
  DecayResult out;
  out.after_days = req.after_days > 0 ? req.after_days : config_.after_days;
  out.kinds = req.kinds;
  if (out.kinds.empty()) {
    for (const std::string& name : config_.kinds) {
      ASSIGN_OR_RETURN(Kind k, ParseKind(name));
      out.kinds.push_back(k);
    }
  }
  const int64_t now_ms = clock_.NowMs();
  ListQuery q;
  q.filter = req.filter;
  q.filter.kinds = out.kinds;
  q.filter.include_history = false;
  q.filter.include_archived = false;
  // A memory written after the cutoff cannot have been idle long enough, and created_ms <=
  // updated_ms: only older ones are read.
  const int64_t cutoff_ms = now_ms - out.after_days * static_cast<int64_t>(kDayMs);
  if (q.filter.until_ms == 0 || q.filter.until_ms > cutoff_ms + 1) {
    q.filter.until_ms = cutoff_ms + 1;
  }
  q.oldest_first = true;
  q.limit = kPage;
  for (q.offset = 0;; q.offset += kPage) {
    ASSIGN_OR_RETURN(std::vector<Memory> page, store_.List(q));
    for (Memory& m : page) {
      if (m.forgotten() ||
          (m.status != MemoryStatus::kActive && m.status != MemoryStatus::kCandidate)) {
        continue;
      }
      DecayVerdict v = JudgeDecay(m, config_, out.after_days, now_ms);
      if (v.idle_days < static_cast<double>(out.after_days)) continue;
      ++out.examined;
      if (v.stale) out.stale.push_back(DecayCandidate{std::move(m), std::move(v)});
    }
    if (page.size() < static_cast<size_t>(kPage)) break;
  }
  if (!req.apply) return out;
  out.applied = true;
  if (out.stale.empty()) return out;
  std::vector<std::string> ids;
  ids.reserve(out.stale.size());
  for (const DecayCandidate& c : out.stale) ids.push_back(c.memory.id);
  ASSIGN_OR_RETURN(out.archived, store_.SetArchived(ids, true));
  if (!out.archived.empty()) {
    ASSIGN_OR_RETURN(Memory first, store_.Get(out.archived.front()));
    out.sweep_ms = first.archived_ms;
  }
  return out;
}

Result<ArchiveOutcome> DecaySweep::SetArchived(const std::vector<std::string>& ids,
                                               bool archived) const {
  if (ids.empty()) return InvalidArgument("no memory id given");
  ArchiveOutcome out;
  std::vector<std::string> to_change;
  for (const std::string& id : ids) {
    if (!IsUuid(id)) return InvalidArgument("'" + id + "' is not a memory id (a UUID)");
    ASSIGN_OR_RETURN(std::vector<Memory> chain, store_.History(id));
    const Memory& head = chain.back();
    if (head.forgotten()) return NotFound("memory " + id + " was forgotten");
    if ((head.status == MemoryStatus::kArchived) == archived) {
      out.unchanged.push_back(id);
    } else {
      to_change.push_back(id);
    }
  }
  if (to_change.empty()) return out;
  ASSIGN_OR_RETURN(out.changed, store_.SetArchived(to_change, archived));
  return out;
}

Result<std::vector<std::string>> DecaySweep::RestoreSweep(const SearchFilter& filter,
                                                          int64_t sweep_ms) const {
  if (sweep_ms <= 0) return InvalidArgument("a sweep id is a positive number");
  ListQuery q;
  q.filter = filter;
  q.archived_only = true;
  q.archived_ms = sweep_ms;
  q.limit = 0;
  ASSIGN_OR_RETURN(std::vector<Memory> rows, store_.List(q));
  if (rows.empty()) {
    return NotFound("no memory archived by sweep " + std::to_string(sweep_ms) +
                    " is still archived in the scopes searched");
  }
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const Memory& m : rows) ids.push_back(m.id);
  return store_.SetArchived(ids, false);
}

}  // namespace memex
