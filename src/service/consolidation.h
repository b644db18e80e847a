// Consolidation of near-duplicates (SPEC §6, docs/hygiene.md; memoryOSS's POST /v1/consolidate):
// group the live memories of some scopes that say the same thing, keep one per group and archive
// the rest.
//
// Pairs come from three places, all checked against `threshold` (a pair joins a group when its
// similarity is at least the threshold):
//   - near_duplicate links recorded on store (their score);
//   - the lexical rules of retrieval/near_duplicate.h over every pair of examined memories of a
//     scope (similarity as defined there; the rules themselves still apply, so a lower threshold
//     never loosens them);
//   - the vector index when there is one: each examined memory's nearest neighbours with cosine
//     >= threshold.
// Union-find turns pairs into groups (never across scopes). The memory kept is the newest
// (created_ms), then the more confident, then the more accessed, then the larger id.
//
// A dry run (the default) changes nothing. Apply, per group: the kept memory's tags become the
// union of the group's when they differ (Store::Update: a new version, and the group's kept id is
// then that version's), every merged memory is archived (Store::SetArchived; `memex unarchive`
// restores it) and linked merged_into the kept version.
//
// Bounds: the newest hygiene.consolidate_max_memories live memories of the filter are examined
// (capped says when there were more), and at most max_groups groups are returned (and applied),
// largest first.
//
// Thread-safety: a Consolidator is immutable; Run may be called concurrently (two concurrent
// applies of the same scope may both archive: SetArchived skips what is already archived).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "core/memory.h"
#include "core/search.h"
#include "store/store.h"

namespace memex {

class SemanticIndex;

struct ConsolidateRequest {
  SearchFilter filter;   // the scopes (and kinds, tags, dates) to consolidate
  double threshold = 0;  // minimum pair similarity in (0, 1]; 0 = hygiene.consolidate_threshold
  int max_groups = 50;   // >= 1
  bool apply = false;    // false: dry run
};

struct ConsolidationGroup {
  Memory kept;                          // as it was before the run
  std::string kept_id;                  // kept.id, or its new version's id when apply merged tags
  std::vector<Memory> merged;           // newest first
  double avg_similarity = 0;            // mean similarity of the pairs that formed the group
  std::vector<std::string> tags_added;  // tags the kept memory gains (applied or not)
};

struct ConsolidateResult {
  std::vector<ConsolidationGroup> groups;  // largest first, then newest kept
  int64_t total_merged = 0;                // sum of the groups' merged counts
  int64_t examined = 0;                    // live memories compared
  bool capped = false;       // more live memories than hygiene.consolidate_max_memories
  bool more_groups = false;  // more groups were found than max_groups
  bool semantic = false;     // the vector route took part
  bool applied = false;      // false: dry run, nothing changed
  double threshold = 0;      // the threshold used
};

class Consolidator {
 public:
  // Borrows everything; `index` may be null (no vector route) and must be caught up by the
  // caller.
  Consolidator(Store& store, const HygieneConfig& config, SemanticIndex* index);

  // Errors: kInvalidArgument (threshold outside (0, 1], max_groups < 1); the store's. An apply
  // that fails midway leaves the groups before the failing one applied.
  Result<ConsolidateResult> Run(const ConsolidateRequest& req) const;

 private:
  Store& store_;
  const HygieneConfig& config_;
  SemanticIndex* index_;
};

}  // namespace memex
