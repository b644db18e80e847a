// Near-duplicate detection on store (SPEC §6, docs/hygiene.md): after a new memory is stored,
// look for live memories of its scope that say nearly the same thing (retrieval/near_duplicate.h
// rules), link each one (new -> existing, LinkKind::kNearDuplicate) and report them. The new
// memory is always kept: detection is conservative and never drops a write.
//
// Bounded work, so writes stay fast: one lexical search of the scope (Store::SearchText with the
// memory's most distinctive words and candidate_cap = hygiene.candidates + 1; a second one
// without the words no other memory has when the first was bounded), one Hydrate of at
// most that many rows, and, only when the new memory's vector is already in the SemanticIndex
// (a write that waited for its vector), one vector search of hygiene.candidates neighbours. A
// write never waits for an embedding to find near-duplicates.
//
// Thread-safety: stateless functions; safe wherever the store and index are.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "core/memory.h"
#include "retrieval/near_duplicate.h"
#include "store/store.h"

namespace memex {

class SemanticIndex;

// One existing memory found to be a near-duplicate of another.
struct NearDuplicate {
  std::string id;         // the existing memory's (newest) version id
  double similarity = 0;  // 0..1
  std::string reason;     // DuplicateReasonName: same_words | contained | word_overlap | vector
};

// The rules hygiene.* configures.
NearDuplicateRules RulesFrom(const HygieneConfig& config);

// The memory just stored: its id as Store::Put returned it, and what was stored.
struct StoredMemory {
  std::string id;
  Scope scope;
  std::string content;
};

// Finds the near-duplicates of `stored` among the live (active or candidate, not archived)
// memories of its scope, best first (similarity, then id), at most hygiene.candidates, and links
// `stored.id` to each with a near_duplicate link scored by the similarity. `index` may be null
// (lexical rules only). Errors: the store's; the memory itself is stored either way.
Result<std::vector<NearDuplicate>> FindAndLinkNearDuplicates(Store& store,
                                                             const HygieneConfig& config,
                                                             const StoredMemory& stored,
                                                             SemanticIndex* index);

// The words of `content` a search for its near-duplicates uses: distinct, stop words dropped
// (unless nothing else is left), longest first, at most `max_terms`.
std::vector<std::string> DistinctiveTerms(const std::string& content, size_t max_terms);

}  // namespace memex
