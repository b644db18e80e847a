// Decay and archive (SPEC §6 "decay of stale episodic items"; docs/cli.md "Decay and archive"):
// archiving memories by id, restoring them, and the decay sweep that picks stale ones.
//
// The rule (after ai-memory's salience decay, docs/configuration.md [decay]): a memory whose kind
// is one of `kinds`, live (kActive or kCandidate, newest version, not forgotten), is stale when
//   idle_days >= after_days   (idle: since the later of its last write and its last recall)
// and its warmth is below cold_threshold:
//   warmth = confidence * exp(-lambda * d_u)
//            + access_weight * ln(1 + access_count) * exp(-access_decay * d_a)
//   lambda = ln(1 / cold_threshold) / after_days
// with d_u the days since updated_ms and d_a the days since last_accessed_ms (d_u when never
// recalled). So an untouched memory of confidence 1 turns cold exactly at after_days, and
// recalls keep a memory warm past that. A sweep archives (Store::SetArchived), never deletes: the
// rows of one sweep share one archived_ms, the sweep's id, which RestoreSweep undoes.
//
// Thread-safety: a DecaySweep is immutable; its methods may run concurrently (the store
// serialises writes; a memory archived twice is reported once).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "core/memory.h"
#include "core/search.h"
#include "store/store.h"

namespace memex {

// The decay verdict on one memory at one time.
struct DecayVerdict {
  double warmth = 0;
  double idle_days = 0;
  bool stale = false;
  std::string why;  // one line, e.g. "idle 95 days, never recalled, warmth 0.04 < 0.20"
};

// The rule above. `after_days` >= 1 (the sweep's, which may override the config's).
DecayVerdict JudgeDecay(const Memory& m, const DecayConfig& config, int64_t after_days,
                        int64_t now_ms);

struct DecayRequest {
  SearchFilter filter;      // the scopes (tags and dates narrow further; kinds are ignored)
  int64_t after_days = 0;   // 0 = decay.after_days
  std::vector<Kind> kinds;  // empty = decay.kinds
  bool apply = false;       // false: dry run, nothing changes
};

struct DecayCandidate {
  Memory memory;
  DecayVerdict verdict;
};

struct DecayResult {
  std::vector<DecayCandidate> stale;  // oldest write first
  int64_t examined = 0;               // memories of the kinds idle long enough to be judged
  int64_t after_days = 0;             // the values used
  std::vector<Kind> kinds;
  bool applied = false;
  int64_t sweep_ms = 0;  // with apply and something archived: their archived_ms (the sweep id)
  std::vector<std::string> archived;  // ids archived by this run (apply only)
};

struct ArchiveOutcome {
  std::vector<std::string> changed;    // ids (newest versions) whose state changed
  std::vector<std::string> unchanged;  // ids given that were already in the target state
};

class DecaySweep {
 public:
  // Borrows everything; all outlive the sweep.
  DecaySweep(Store& store, const DecayConfig& config, const Clock& clock);

  // Finds the stale memories and, with req.apply, archives them in one transaction.
  // Errors: kInvalidArgument (after_days < 0, or an unknown kind in the config); the store's.
  Result<DecayResult> Run(const DecayRequest& req) const;

  // Archives (or with `archived` false restores) the memories named; every id is checked first,
  // so nothing changes when one is bad. Errors: kInvalidArgument (not an id, none given);
  // kNotFound (unknown or forgotten: the message names it); the store's.
  Result<ArchiveOutcome> SetArchived(const std::vector<std::string>& ids, bool archived) const;

  // Restores every memory of `filter`'s scopes archived by the sweep `sweep_ms` (its
  // archived_ms). Returns the ids restored. Errors: kNotFound when the sweep archived nothing
  // still archived there; the store's.
  Result<std::vector<std::string>> RestoreSweep(const SearchFilter& filter, int64_t sweep_ms) const;

 private:
  Store& store_;
  const DecayConfig& config_;
  const Clock& clock_;
};

}  // namespace memex
