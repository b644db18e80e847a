#include "core/link.h"

#include <array>

#include "base/text.h"

namespace memex {
namespace {

constexpr std::array<std::string_view, 2> kLinkKindNames = {"near_duplicate", "merged_into"};

}  // namespace

std::string_view LinkKindName(LinkKind k) { return kLinkKindNames[static_cast<size_t>(k)]; }

Result<LinkKind> ParseLinkKind(std::string_view text) {
  const std::string lower = AsciiLower(Trim(text));
  for (size_t i = 0; i < kLinkKindNames.size(); ++i) {
    if (kLinkKindNames[i] == lower) return static_cast<LinkKind>(i);
  }
  return InvalidArgument("unknown link kind '" + std::string(text) +
                         "' (expected one of: near_duplicate, merged_into)");
}

}  // namespace memex
