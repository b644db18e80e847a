// MemoryLink: a typed edge between two memory versions, recorded by hygiene passes (SPEC §6:
// near-duplicate detection and consolidation). Links never change what a search returns; they
// remember why two memories were related and let a merge be explained or undone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace memex {

enum class LinkKind {
  kNearDuplicate,  // from and to say nearly the same thing (score = their similarity)
  kMergedInto,     // from was consolidated into to
};

// "near_duplicate", "merged_into".
std::string_view LinkKindName(LinkKind k);
// Accepts the names above (case-insensitive, trimmed). Errors: kInvalidArgument listing them.
Result<LinkKind> ParseLinkKind(std::string_view text);

struct MemoryLink {
  std::string from_id;  // a memory version id
  std::string to_id;
  LinkKind kind = LinkKind::kNearDuplicate;
  double score = 0;        // similarity that made the link (0..1)
  int64_t created_ms = 0;  // 0 = now (the store fills it)
};

}  // namespace memex
